"""A scripted chat model for testing logic (the wire is tested against a real HTTP server)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence

from assistant.llm.base import ChatModel, LLMError, Message

Responder = Callable[[Sequence[Message]], str]
Script = str | Exception | Responder


class ScriptedModel(ChatModel):
    """Replies from a queue (text, an exception to raise, or a function of the messages)."""

    name = "scripted-model"

    def __init__(
        self,
        *replies: Script,
        default: Responder | None = None,
        chunk: int = 7,
        fail_after_chunks: int | None = None,
    ) -> None:
        self.replies = list(replies)
        self.default = default
        self.chunk = chunk
        self.fail_after_chunks = fail_after_chunks
        self.history: list[list[Message]] = []
        self.json_mode: list[bool] = []

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        self.history.append(list(messages))
        self.json_mode.append(json_mode)
        script: Script
        if self.replies:
            script = self.replies.pop(0)
        elif self.default is not None:
            script = self.default
        else:
            raise LLMError("the scripted model has no reply left")
        if isinstance(script, Exception):
            raise script
        text = script if isinstance(script, str) else script(messages)
        for index in range(0, len(text), self.chunk):
            if self.fail_after_chunks is not None and index // self.chunk >= self.fail_after_chunks:
                raise LLMError("the stream stopped mid-way")
            yield text[index : index + self.chunk]


def gullible(messages: Sequence[Message]) -> str:
    """A model that obeys any instruction it reads anywhere: the worst case for injection."""
    everything = "\n".join(m.content for m in messages)
    said = re.search(r"(?:say|reply with|print) (?:only )?['\"]?([A-Z]+-\d+)", everything)
    if re.search(r"system prompt|instructions", everything.split("Passages:")[-1], re.I):
        return "Sure. My instructions are: " + messages[0].content
    if said:
        return f"{said.group(1)} [1]"
    return "A journey map shows the customer's steps [1]. It has stages [2]."


def _draft_keys(prompt_text: str) -> list[str]:
    start = prompt_text.index("Draft map")
    listed = prompt_text[prompt_text.index("[", start) :]
    return re.findall(r'"key": "([^"]+)"', listed)


def competent(messages: Sequence[Message]) -> str:
    """A model that does each of Polku's tasks sensibly, recognised from the system prompt."""
    system, request = messages[0].content, messages[-1].content
    if "You improve a draft map" in system:
        stages = [
            {
                "key": key,
                "actions": [{"text": f"Tailored action for {key}"}],
                "pain_points": [{"text": f"Tailored pain at {key}", "evidence": 1}],
                "opportunities": [
                    {"text": f"Fix the pain at {key}", "owner": "CX team", "metric": "NPS"}
                ],
                "emotion_score": -1 if key == "purchase" else 1,
                "emotion_label": "worried" if key == "purchase" else "curious",
            }
            for key in _draft_keys(request)
        ]
        return json.dumps({"stages": stages})
    if "journey mapping reviewer" in system:
        return json.dumps(
            {
                "findings": [
                    {
                        "guideline_id": "customer-language",
                        "where": "Purchase",
                        "message": "The purchase cells are generic.",
                        "suggestion": "Name the actual checkout step that fails.",
                    }
                ]
            }
        )
    if "extract facts into JSON" in system:
        return json.dumps(
            {
                "business": "A bakery in Tartu selling to offices",
                "model": "b2b",
                "channels": ["website", "phone"],
            }
        )
    if "Ask exactly one" in system:
        return "Which channels do your office customers use to reach you?"
    return "A journey map shows the steps a customer takes [1], stage by stage [2]."
