"""The one seam every chat model sits behind: messages in, streamed text out.

Providers (OpenAI and OpenAI-compatible servers, a local GGUF file) implement ``ChatModel``;
the offline engine is what runs when there is no model or the model fails. Providers raise
``LLMError`` for every failure, with a short reason that is safe to show the person (never a
key, never a traceback).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    """One chat message."""

    role: Role = Field(description="Who speaks: system, user or assistant.")
    content: str = Field(description="The text of the message.")


class LLMError(RuntimeError):
    """A model call failed for good (after retries). ``reason`` is safe to show.

    ``unreachable`` marks failures that say the server is down or overloaded (no connection,
    timeouts, 5xx, 429), as opposed to one request it rejected.
    """

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


class ChatModel(ABC):
    """A chat model. ``stream`` yields text deltas; ``complete`` returns the whole text."""

    #: Shown to the person (the UI badge, ``mode`` notices).
    name: str = "model"
    #: Whether the model can be asked for a JSON object (OpenAI ``response_format``).
    supports_json: bool = False
    #: Context window in tokens, used for the retrieval budget.
    context_window: int = 8192

    @abstractmethod
    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        """Yield the reply as text deltas; raise ``LLMError`` when the call fails."""

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, json_mode=json_mode))
