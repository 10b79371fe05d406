"""Q&A: does the answer hold the facts, do its citations hold them, is it in the question's
language, and does it decline what the knowledge base does not cover?"""

from __future__ import annotations

import re
from typing import Any

from assistant.app.services import Services
from assistant.domain import Answer
from assistant.evaluation.datasets import QACase
from assistant.evaluation.metrics import contains_any, mean
from assistant.evaluation.results import SuiteResult, Tick, rounded
from assistant.language.detect import guess_language
from assistant.language.i18n import t
from assistant.language.words import word_lists

_MARKER = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W\d_]+")


def sentences(answer: Answer) -> list[str]:
    """The answer's own sentences: its source list and citation marks left out."""
    body = answer.answer.split(f"\n\n{t('sources', answer.language)}:", 1)[0]
    body = _MARKER.sub("", body)
    return [s.strip(" -*") for s in _SENTENCE_END.split(body) if s.strip(" -*")]


def repeats_a_sentence(answer: Answer) -> bool:
    """Whether any sentence says word for word what an earlier one said."""
    seen: set[str] = set()
    for sentence in sentences(answer):
        words = " ".join(_WORD.findall(sentence.lower()))
        if len(words) > 15 and words in seen:
            return True
        seen.add(words)
    return False


def reads_unfinished(answer: Answer) -> bool:
    """Whether the answer opens on a sentence that leans on one before it ("This is also
    called..."), or on a lower-case word, or stops on a colon."""
    found = sentences(answer)
    if not found:
        return False
    first = found[0].lstrip("*_ ")
    opener = next(iter(_WORD.findall(first.lower())), "")
    openers = word_lists().dependent_openers.get(answer.language)
    return first[:1].islower() or opener in openers or found[-1].rstrip().endswith(":")


def cited_numbers(answer: Answer) -> list[int]:
    """The citation numbers the answer's text really uses (all, when it uses none)."""
    used = sorted({int(n) for n in _MARKER.findall(answer.answer)})
    valid = [n for n in used if 1 <= n <= len(answer.citations)]
    return valid or list(range(1, len(answer.citations) + 1))


def declined(answer: Answer) -> bool:
    """An honest 'not covered' (offline wording), or an answer that cites nothing."""
    if any(t("not_covered", lang)[:40] in answer.answer for lang in ("en", "fi", "et")):
        return True
    return not _MARKER.search(answer.answer)


def run(services: Services, cases: list[QACase], tick: Tick) -> SuiteResult:
    # a passage holds what its heading says too ("Päivä asiakkaan elämässä" heads the
    # passage on that map type)
    chunk_text = {c.chunk_id: f"{c.section}\n{c.text}" for c in services.index.chunks()}
    rows: list[dict[str, Any]] = []
    for case in cases:
        answer = services.ask(case.question)
        phrases = [p for fact in case.facts for p in fact.any_of]
        found = [fact.id for fact in case.facts if contains_any(answer.answer, fact.any_of)]
        cited = [answer.citations[n - 1] for n in cited_numbers(answer)]
        holding = [c.id for c in cited if contains_any(chunk_text.get(c.id, c.snippet), phrases)]
        rows.append(
            {
                "id": case.id,
                "lang": case.lang,
                "answerable": case.answerable,
                "question": case.question,
                "answer": answer.answer,
                "mode": answer.mode,
                "facts_found": found,
                "fact_recall": len(found) / len(case.facts) if case.facts else None,
                "cited": [c.id for c in cited],
                "cited_holding_a_fact": holding,
                "answer_lang": guess_language(answer.answer),  # None (no match) when unclear
                "declined": declined(answer),
                "repeats_a_sentence": repeats_a_sentence(answer),
                "reads_unfinished": reads_unfinished(answer),
            }
        )
        tick(case.id)
    answerable = [r for r in rows if r["answerable"]]
    out_of_scope = [r for r in rows if not r["answerable"]]
    metrics = {
        **_answered(answerable),
        "language_match": mean(float(r["answer_lang"] == r["lang"]) for r in rows),
        "declines_out_of_scope": mean(float(r["declined"]) for r in out_of_scope),
        "answers_in_scope": mean(float(not r["declined"]) for r in answerable),
        "answers_repeating_a_sentence": sum(r["repeats_a_sentence"] for r in rows),
        "answers_reading_unfinished": sum(r["reads_unfinished"] for r in rows),
    }
    for lang in sorted({r["lang"] for r in answerable}):  # each language must reach it
        per_language = _answered([r for r in answerable if r["lang"] == lang])
        metrics.update({f"{name}_{lang}": value for name, value in per_language.items()})
    return SuiteResult(metrics=rounded(metrics), cases=rows)


def _answered(answerable: list[dict[str, Any]]) -> dict[str, float]:
    """Fact recall (per question) and citation precision (over every cited passage)."""
    cited_total = sum(len(r["cited"]) for r in answerable if not r["declined"])
    holding_total = sum(len(r["cited_holding_a_fact"]) for r in answerable if not r["declined"])
    return {
        "fact_recall": mean(r["fact_recall"] or 0.0 for r in answerable),
        "citation_precision": holding_total / cited_total if cited_total else 0.0,
    }
