"""The offline engine in-process: ask, draft, critique, import of a 50-stage map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import percentiles, timed
from bench.tokens import QUESTIONS


def sample_answers(lang: str, business: str) -> Any:
    from assistant.domain import InterviewAnswers

    return InterviewAnswers.model_validate(
        {
            "language": lang,
            "business": business,
            "channels": ["Instagram", "website", "store"],
            "pain_points": ["long checkout queues", "slow delivery"],
            "persona": {"who": "Anna, 30", "goals": ["save time"]},
            "evidence": ["interviews"],
            "owner": "CX lead",
            "review_cadence": "quarterly",
        }
    )


def fifty_stage_map() -> str:
    stages = [f"Stage {n}" for n in range(1, 51)]
    rows = ["| | " + " | ".join(stages) + " |", "|---" * 51 + "|"]
    for lane, cell in (
        ("Actions", "Walks in; asks"),
        ("Touchpoints", "Store (offline)"),
        ("Emotion", "+1"),
        ("Pain points", "Long queue"),
        ("Opportunities", "Self-checkout (owner: Store; metric: queue time)"),
    ):
        rows.append(f"| {lane} | " + " | ".join([cell] * 50) + " |")
    return "\n".join(rows) + "\n"


def bench_engine(repeat: int) -> dict[str, Any]:
    """The offline engine in-process: draft, critique, import of a 50-stage map."""
    from assistant.capabilities.critique.critic import critique_map
    from assistant.capabilities.drafting.draft import draft_map
    from assistant.formats.parse import parse_map

    cases = [
        sample_answers("en", "A fashion store with a web shop"),
        sample_answers("fi", "Hotelli Tampereella"),
        sample_answers("et", "Tarkvara ettevõtetele"),
    ]
    drafted = [draft_map(a) for a in cases]  # warm caches (catalogs, knowledge documents)
    critique_map(drafted[0])
    drafts: list[float] = []
    critiques: list[float] = []
    for answers, journey in zip(cases, drafted):
        drafts += timed(lambda a=answers: draft_map(a), repeat)
        critiques += timed(lambda j=journey: critique_map(j), repeat)
    fresh: list[float] = []  # the person's words never seen before: each is embedded
    for number in range(repeat):
        for answers in cases:
            new = answers.model_copy(
                update={"pain_points": [f"{p} ({number})" for p in answers.pain_points]}
            )
            fresh += timed(lambda a=new: draft_map(a), 1)
    big = fifty_stage_map()
    parse_map(big, "md")
    imports = timed(lambda: parse_map(big, "md"), repeat)
    return {
        "draft": percentiles(drafts),
        "draft_new_words": percentiles(fresh),
        "library_index_s": library_index_seconds(),
        "critique": percentiles(critiques),
        "import_50_stages": percentiles(imports),
    }


def bench_retrieval(data_dir: Path, repeat: int) -> dict[str, Any]:
    from assistant.app.services import Services
    from assistant.settings import Settings

    services = Services(Settings(data_dir=data_dir))
    services.retriever.search("warm up", k=5)
    samples: list[float] = []
    for question, lang in QUESTIONS:
        samples += timed(lambda q=question, la=lang: services.retriever.search(q, la, 5), repeat)
    answers: list[float] = []
    for question, lang in QUESTIONS:
        answers += timed(lambda q=question, la=lang: services.ask(q, lang=la), repeat)
    return {"hybrid_search": percentiles(samples), "offline_ask": percentiles(answers)}


def library_index_seconds() -> float:
    """Seconds to have every drafting-library text's vector in memory, in all three
    languages, from the shipped vectors (what a fresh install does once per process)."""
    import time

    from assistant.capabilities.drafting.fill import library_texts
    from assistant.domain import LANGS
    from assistant.retrieval.meaning import Meaning

    began = time.perf_counter()
    meaning = Meaning()
    for lang in LANGS:
        meaning.vectors(library_texts(lang))
    return round(time.perf_counter() - began, 2)
