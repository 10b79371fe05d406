"""Retrieval: BEIR-style queries with graded document relevance, in three languages and
across them. Passages are ranked, then mapped to their documents (first passage wins)."""

from __future__ import annotations

from typing import Any

from assistant.app.services import Services
from assistant.evaluation.datasets import RetrievalCase
from assistant.evaluation.metrics import mean, mrr_at_k, ndcg_at_k, recall_at_k
from assistant.evaluation.results import SuiteResult, Tick, rounded

PASSAGES = 40  # enough passages to rank ten documents


def document_ranking(services: Services, case: RetrievalCase) -> list[str]:
    ranked: list[str] = []
    for hit in services.retriever.search(case.text, lang=case.target_lang, k=PASSAGES):
        if hit.chunk.doc_id not in ranked:
            ranked.append(hit.chunk.doc_id)
    return ranked[:10]


def run(services: Services, cases: list[RetrievalCase], tick: Tick) -> SuiteResult:
    rows: list[dict[str, Any]] = []
    for case in cases:
        ranked = document_ranking(services, case)
        rows.append(
            {
                "id": case.id,
                "lang": case.lang,
                "target_lang": case.target_lang,
                "cross_lingual": case.lang != case.target_lang,
                "query": case.text,
                "ranked": ranked,
                "relevant": case.relevant,
                "recall@5": recall_at_k(ranked, case.relevant, 5),
                "recall@10": recall_at_k(ranked, case.relevant, 10),
                "mrr@10": mrr_at_k(ranked, case.relevant, 10),
                "ndcg@10": ndcg_at_k(ranked, case.relevant, 10),
            }
        )
        tick(case.id)
    names = ("recall@5", "recall@10", "mrr@10", "ndcg@10")
    metrics = {name: mean(r[name] for r in rows) for name in names}
    cross = [r for r in rows if r["cross_lingual"]]
    metrics["ndcg@10_cross_lingual"] = mean(r["ndcg@10"] for r in cross)
    for lang in ("en", "fi", "et"):
        same = [r for r in rows if r["lang"] == lang and not r["cross_lingual"]]
        metrics[f"ndcg@10_{lang}"] = mean(r["ndcg@10"] for r in same)
    return SuiteResult(metrics=rounded(metrics), cases=rows)
