"""Structured output: a pydantic model from a chat model, validated and re-asked.

Models with a JSON mode are asked for a JSON object; for the others the first JSON object is
taken out of the reply text (code fences and chatter around it are ignored). An invalid reply
is sent back with the validation error, a bounded number of times; then ``LLMError`` tells
the caller to take the offline path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.domain.usage import TokenUsage
from assistant.llm.base import ChatModel, LLMError, Message
from assistant.llm.budget import UsageMeter, usage_of
from assistant.llm.prompts import prompt
from assistant.settings import Settings

M = TypeVar("M", bound=BaseModel)
MAX_ERROR_CHARS = 600


def extract_json(text: str) -> object:
    """The first complete JSON object in ``text``; ``ValueError`` when there is none."""
    start = text.find("{")
    while start != -1:
        end = _object_end(text, start)
        if end is not None:
            try:
                return json.loads(text[start : end + 1])
            except json.JSONDecodeError:
                pass
        start = text.find("{", start + 1)
    raise ValueError("the reply holds no JSON object")


def _object_end(text: str, start: int) -> int | None:
    depth = 0
    in_string = escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _reask(error: str) -> Message:
    return prompt("reask").messages(error=error[:MAX_ERROR_CHARS])[-1]


def ask_structured(
    model: ChatModel,
    messages: Sequence[Message],
    schema: type[M],
    *,
    attempts: int = 2,
    max_tokens: int = 900,
    meter: UsageMeter | None = None,
) -> tuple[M, TokenUsage]:
    """Ask until the reply validates as ``schema`` (at most ``attempts`` times). Every
    attempt's tokens go to ``meter`` (failed ones too); the total is returned as well."""
    conversation = list(messages)
    usage = TokenUsage()
    error = ""
    for _ in range(attempts):
        reply = model.complete(conversation, max_tokens=max_tokens, json_mode=model.supports_json)
        spent = usage_of(conversation, reply)
        usage = usage + spent
        if meter is not None:
            meter.add(spent)
        try:
            return schema.model_validate(extract_json(reply)), usage
        except (ValueError, ValidationError) as exc:
            error = str(exc)
            conversation += [Message(role="assistant", content=reply), _reask(error)]
    raise LLMError(
        f"the model's reply did not match the expected format after {attempts} tries "
        f"({error.splitlines()[0] if error else 'no reply'})"
    )


class ModelStep:
    """The shape of every capability's model-assisted half: one chat model, the settings,
    and the meter of the session it works for (every token it spends goes there)."""

    def __init__(self, model: ChatModel, settings: Settings, meter: UsageMeter) -> None:
        self.model = model
        self.settings = settings
        self.meter = meter

    def ask(self, messages: Sequence[Message], schema: type[M], max_tokens: int = 900) -> M:
        """A validated ``schema`` from the model, re-asked on invalid replies; ``LLMError``
        when it cannot give one."""
        value, _ = ask_structured(
            self.model,
            messages,
            schema,
            attempts=self.settings.llm_structured_attempts,
            max_tokens=max_tokens,
            meter=self.meter,
        )
        return value
