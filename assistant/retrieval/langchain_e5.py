"""The e5 embedder as a LangChain ``Embeddings`` (kept apart: langchain is slow to import)."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings as LangChainEmbeddings

from assistant.retrieval.embeddings import Embedder


class LangChainE5(LangChainEmbeddings):
    """The same embedder as a LangChain ``Embeddings``."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder or Embedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [vec.tolist() for vec in self._embedder.passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return list(self._embedder.query(text).tolist())
