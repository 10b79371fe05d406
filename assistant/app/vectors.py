"""The vectors Polku ships (``knowledge/embeddings.npz``): every text of the built-in
knowledge base, of the drafting library and of the insight prototypes that is compared by
meaning, embedded once.

``make embeddings`` (``python -m assistant.app.vectors``) writes the file; a test fails
when a shipped text has no vector, so a changed knowledge file cannot go out unembedded.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from assistant.capabilities.critique.cues import cue_texts
from assistant.capabilities.drafting.fill import library_texts
from assistant.capabilities.drafting.trades import profiles
from assistant.capabilities.insights.kinds import prototype_texts
from assistant.capabilities.qa.cards import card_texts
from assistant.capabilities.stage_roles import role_texts
from assistant.catalog.library import library
from assistant.domain import LANGS
from assistant.retrieval.documents import builtin_documents, chunk_all
from assistant.retrieval.embeddings import DIM, Embedder
from assistant.retrieval.shipped import shipped_path, write

Item = tuple[str, str]  # (e5 prefix kind, text)


def shipped_texts() -> list[Item]:
    """Every (kind, text) that should have a shipped vector, each once, in a stable order."""
    queries: list[str] = []
    for lang in LANGS:
        queries += library_texts(lang) + role_texts(lang) + prototype_texts(lang)
        queries += cue_texts(lang) + card_texts(lang)
    queries += [text for trade in library().values() for text in profiles(trade)]
    passages = [chunk.embedding_text for chunk in chunk_all(builtin_documents())]
    items = [("query", text) for text in queries] + [("passage", text) for text in passages]
    return list(dict.fromkeys(items))


def build(batch: int = 256) -> int:
    """Embed every shipped text (nothing is read from any cache) and write the file."""
    items = shipped_texts()
    embedder = Embedder(use_shipped=False)
    vectors = np.zeros((len(items), DIM), dtype=np.float32)
    began = time.perf_counter()
    for kind in ("query", "passage"):
        rows = [i for i, (k, _) in enumerate(items) if k == kind]
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            texts = [items[i][1] for i in part]
            found = embedder.queries(texts) if kind == "query" else embedder.passages(texts)
            vectors[part] = found
            done = start + len(part)
            print(
                f"\r{kind}: {done}/{len(rows)} ({time.perf_counter() - began:.0f} s)",
                end="",
                file=sys.stderr,
            )
        print(file=sys.stderr)
    write(shipped_path(), items, vectors)
    return len(items)


if __name__ == "__main__":
    count = build()
    print(f"wrote {count} vectors to {shipped_path()}")
