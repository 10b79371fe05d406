"""LLM mode without a model's own time: the overhead before the call, and prompt tokens per
Q&A and per draft against a naive prompt that stuffs every top-k chunk, counted with tiktoken."""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import percentiles

QUESTIONS = [
    ("What are the stages of a customer journey?", "en"),
    ("How should B2B maps differ from B2C maps?", "en"),
    ("Mikä on asiakaspolkukartta?", "fi"),
    ("Miten kipupisteet löydetään?", "fi"),
    ("Mis on teenusplaan?", "et"),
    ("Kui tihti kaarti üle vaadata?", "et"),
]
NAIVE_SYSTEM = "Answer the question using the context below. Cite your sources."


class InstantModel:
    """A chat model that answers at once and notes when it was called and what it was sent."""

    name = "instant"
    supports_json = True
    context_window = 8192

    def __init__(self) -> None:
        self.called_at = 0.0
        self.prompt_tokens = 0

    def stream(self, messages: Any, *, max_tokens: int = 800, json_mode: bool = False) -> Any:
        from assistant.llm.budget import count_messages

        self.called_at = time.perf_counter()
        self.prompt_tokens = count_messages(messages)
        request = messages[-1].content
        if "Draft map" in request:
            keys = re.findall(r'"key": "([^"]+)"', request)
            yield json.dumps(
                {"stages": [{"key": k, "actions": [{"text": "Tailored"}]} for k in keys]}
            )
        else:
            yield "A journey map shows the steps a customer takes [1]."

    def complete(self, messages: Any, **kwargs: Any) -> str:
        return "".join(self.stream(messages, **kwargs))


def naive_tokens(question: str, hits: list[Any]) -> int:
    """A "stuff" prompt: an instruction, every retrieved chunk whole, the question."""
    from assistant.llm.base import Message
    from assistant.llm.budget import count_messages

    context = "\n\n".join(f"{h.chunk.title}\n{h.chunk.text}" for h in hits)
    return count_messages(
        [
            Message(role="system", content=NAIVE_SYSTEM),
            Message(role="user", content=f"Context:\n{context}\n\nQuestion: {question}"),
        ]
    )


def bench_tokens(data_dir: Path, answers: Any) -> dict[str, Any]:
    from assistant.app.services import Services
    from assistant.capabilities.critique.critic import critique_map
    from assistant.capabilities.drafting.assisted import Tailor
    from assistant.capabilities.drafting.draft import draft_map
    from assistant.llm.budget import UsageMeter
    from assistant.llm.tokenizer import count_tokens
    from assistant.settings import Settings

    model = InstantModel()
    services = Services(Settings(data_dir=data_dir), model=model)  # type: ignore[arg-type]
    count_tokens("warm up the encoding")
    list(services.ask_events("What is a persona?", lang="en"))
    overheads: list[float] = []
    polku: list[int] = []
    naive: dict[int, list[int]] = {5: [], 10: []}
    for question, lang in QUESTIONS:
        start = time.perf_counter()
        model.prompt_tokens = 0
        list(services.ask_events(question, lang=lang))
        overheads.append(model.called_at - start)
        polku.append(model.prompt_tokens)
        for k in naive:
            naive[k].append(naive_tokens(question, services.retriever.search(question, lang, k)))
    tailor = Tailor(model, services.settings, UsageMeter(), critique_map)  # type: ignore[arg-type]
    tailor.tailor(draft_map(answers), answers, [])
    query = f"{answers.business} {' '.join(answers.pain_points)}"
    hits = services.retriever.search(query, answers.language, 10)
    return {
        "overhead_before_model": percentiles(overheads),
        "qa_prompt_tokens_mean": round(statistics.fmean(polku)),
        "qa_prompt_tokens_max": max(polku),
        "qa_naive_k5_tokens_mean": round(statistics.fmean(naive[5])),
        "qa_naive_k10_tokens_mean": round(statistics.fmean(naive[10])),
        "draft_tokens_in": tailor.meter.total.tokens_in,
        "draft_tokens_out": tailor.meter.total.tokens_out,
        "draft_naive_k10_tokens": naive_tokens(answers.model_dump_json(), hits)
        + count_tokens(draft_map(answers).model_dump_json()),
    }
