"""A pause after the model server proved unreachable, so each turn does not wait again.

Without it, a server that accepts connections but never answers costs every turn the whole
timeout before the offline engine takes over. After an ``LLMError`` marked ``unreachable``
the wrapper answers at once with the same reason for ``cooldown_s``; the first call after the
pause tries the server again, and a success ends the pause.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from assistant.llm.base import ChatModel, LLMError, Message


class Cooldown(ChatModel):
    """``model`` behind a pause of ``cooldown_s`` after it was found unreachable."""

    def __init__(
        self,
        model: ChatModel,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.cooldown_s = cooldown_s
        self.name = model.name
        self.supports_json = model.supports_json
        self.context_window = model.context_window
        self._clock = clock
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._reason = ""

    def paused_for(self) -> float:
        """Seconds left of the pause (0 when calls go to the server)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        left = self.paused_for()
        if left > 0:
            raise LLMError(
                f"{self._reason}; not asking it again for {left:.0f} s", unreachable=True
            )
        try:
            yield from self.model.stream(messages, max_tokens=max_tokens, json_mode=json_mode)
        except LLMError as exc:
            if exc.unreachable:
                with self._lock:
                    self._paused_until = self._clock() + self.cooldown_s
                    self._reason = exc.reason
            raise
        with self._lock:
            self._paused_until = 0.0
