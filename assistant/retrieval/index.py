"""The vector store: Chroma collections for the built-in knowledge base and the person's documents.

Writes take a file lock (Chroma is thread-safe, not process-safe). Syncing compares content
hashes, so re-indexing unchanged documents neither re-embeds nor rewrites anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import numpy as np
from filelock import FileLock, Timeout

from assistant.domain import Lang
from assistant.retrieval.documents import Chunk, Document, builtin_documents, chunk_document
from assistant.retrieval.embeddings import DIM, ChromaE5, Embedder, EmbeddingCache
from assistant.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTIONS = {"kb": "polku_kb", "user": "polku_user"}
GET_PAGE = 5000
Progress = Callable[[int, int, str], None]


class IndexBusyError(RuntimeError):
    """Another process holds the index's writer lock."""


@dataclass
class IndexReport:
    """What a sync did."""

    documents: int = 0
    chunks_written: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    embedded: int = 0
    doc_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    title: str
    lang: str
    chunks: int


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class KnowledgeIndex:
    """Both collections, their writer lock and the embedder that fills them."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or Embedder(EmbeddingCache(settings.data_dir / "embeddings.db"))
        self._client = _client(settings)
        function = ChromaE5(self.embedder)
        self._collections = {
            name: self._client.get_or_create_collection(
                full, embedding_function=function, metadata={"hnsw:space": "cosine"}
            )
            for name, full in COLLECTIONS.items()
        }
        self._lock = FileLock(str(settings.data_dir / "index.lock"))
        self.generation = 0  # bumped on every write in this process

    def collection(self, name: str) -> Any:
        return self._collections[name]

    @contextmanager
    def writing(self) -> Any:
        try:
            self._lock.acquire(timeout=self.settings.lock_timeout_s)
        except Timeout as exc:
            raise IndexBusyError(
                "Another Polku process is updating the knowledge index "
                f"({self._lock.lock_file}). Wait for it to finish, then try again."
            ) from exc
        try:
            yield
        finally:
            self.generation += 1
            self._lock.release()

    def sync_documents(
        self, docs: Sequence[Document], collection: str, progress: Progress | None = None
    ) -> IndexReport:
        """Make ``collection`` hold exactly these chunks for these documents."""
        report = IndexReport(documents=len(docs))
        with self.writing():
            for number, doc in enumerate(docs, start=1):
                self._sync_one(doc, collection, report)
                report.doc_ids.append(doc.doc_id)
                if progress:
                    progress(number, len(docs), doc.doc_id)
        return report

    def _sync_one(self, doc: Document, collection: str, report: IndexReport) -> None:
        target = self._collections[collection]
        chunks = chunk_document(doc)
        existing = target.get(where={"doc_id": doc.doc_id}, include=["metadatas"])
        old = {
            cid: (meta or {}).get("hash")
            for cid, meta in zip(existing["ids"], existing["metadatas"])
        }
        wanted = {chunk.chunk_id: chunk for chunk in chunks}
        stale = [cid for cid in old if cid not in wanted]
        changed = [c for c in chunks if old.get(c.chunk_id) != c.content_hash]
        if stale:
            target.delete(ids=stale)
        if changed:
            before = self.embedder.encoded
            vectors = self.embedder.passages([c.embedding_text for c in changed])
            target.upsert(
                ids=[c.chunk_id for c in changed],
                documents=[c.text for c in changed],
                metadatas=[c.metadata() for c in changed],
                embeddings=[v.tolist() for v in vectors],
            )
            report.embedded += self.embedder.encoded - before
        report.chunks_written += len(changed)
        report.chunks_unchanged += len(chunks) - len(changed)
        report.chunks_removed += len(stale)

    def sync_builtin(self, progress: Progress | None = None) -> IndexReport:
        """Index the shipped knowledge base; cheap when nothing changed."""
        docs = list(builtin_documents())
        kb = self._collections["kb"]
        expected = {c.chunk_id: c.content_hash for d in docs for c in chunk_document(d)}
        stored = self._get_all("kb", ["metadatas"])
        current = {cid: (m or {}).get("hash") for cid, m in zip(stored["ids"], stored["metadatas"])}
        if current == expected:
            return IndexReport(documents=len(docs), chunks_unchanged=len(expected))
        report = self.sync_documents(docs, "kb", progress)
        leftovers = [cid for cid in current if cid not in expected]
        if leftovers:
            with self.writing():
                kb.delete(ids=leftovers)
            report.chunks_removed += len(leftovers)
        return report

    def remove_document(self, doc_id: str, collection: str = "user") -> int:
        target = self._collections[collection]
        ids = target.get(where={"doc_id": doc_id}, include=[])["ids"]
        if ids:
            with self.writing():
                target.delete(ids=ids)
        return len(ids)

    def clear(self, collection: str) -> None:
        with self.writing():
            self._client.delete_collection(COLLECTIONS[collection])
            self._collections[collection] = self._client.get_or_create_collection(
                COLLECTIONS[collection],
                embedding_function=ChromaE5(self.embedder),
                metadata={"hnsw:space": "cosine"},
            )

    def documents(self, collection: str) -> list[StoredDocument]:
        stored = self._get_all(collection, ["metadatas"])
        by_doc: dict[str, StoredDocument] = {}
        for meta in stored["metadatas"]:
            meta = meta or {}
            doc_id = str(meta.get("doc_id", "?"))
            seen = by_doc.get(doc_id)
            by_doc[doc_id] = StoredDocument(
                doc_id=doc_id,
                title=str(meta.get("title", "")),
                lang=str(meta.get("lang", "")),
                chunks=(seen.chunks if seen else 0) + 1,
            )
        return sorted(by_doc.values(), key=lambda d: d.doc_id)

    def chunks(self, collections: Iterable[str] = ("kb", "user")) -> list[Chunk]:
        """Every stored chunk."""
        return self._stored(collections, with_vectors=False)[0]

    def chunks_with_vectors(
        self, collections: Iterable[str] = ("kb", "user")
    ) -> tuple[list[Chunk], np.ndarray]:
        """Every stored chunk and its vector (one row each), for the in-memory search."""
        return self._stored(collections, with_vectors=True)

    def _stored(
        self, collections: Iterable[str], with_vectors: bool
    ) -> tuple[list[Chunk], np.ndarray]:
        found: list[Chunk] = []
        rows: list[np.ndarray] = []
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        for name in collections:
            stored = self._get_all(name, include)
            for cid, text, meta in zip(stored["ids"], stored["documents"], stored["metadatas"]):
                meta = meta or {}
                found.append(
                    Chunk(
                        chunk_id=cid,
                        doc_id=str(meta.get("doc_id", "")),
                        title=str(meta.get("title", "")),
                        section=str(meta.get("section", "")),
                        lang=meta.get("lang", "en"),
                        topics=[t for t in str(meta.get("topics", "")).split(",") if t],
                        source=name,
                        text=text or "",
                    )
                )
            if with_vectors and len(stored["ids"]):
                rows.append(np.asarray(stored["embeddings"], dtype=np.float32))
        vectors = np.concatenate(rows) if rows else np.zeros((0, DIM), dtype=np.float32)
        return found, vectors

    def _get_all(self, name: str, include: list[str]) -> dict[str, list[Any]]:
        """A whole collection, fetched in pages (one large get exceeds SQLite's limit on
        query variables at about 30k chunks)."""
        target = self._collections[name]
        found: dict[str, list[Any]] = {
            "ids": [],
            "documents": [],
            "metadatas": [],
            "embeddings": [],
        }
        offset = 0
        while True:
            page = target.get(include=include, limit=GET_PAGE, offset=offset)
            for key in found:
                values = page.get(key)
                found[key].extend([] if values is None else list(values))
            offset += len(page["ids"])
            if len(page["ids"]) < GET_PAGE:
                return found

    def vector_search(
        self,
        vector: Any,
        k: int,
        collection: str,
        lang: Lang | None = None,
        count: int | None = None,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) pairs, best first; only chunks in ``lang`` if given.

        ``count`` is the collection's size when the caller already knows it (counting costs
        about a millisecond in Chroma)."""
        target = self._collections[collection]
        count = target.count() if count is None else count
        if count == 0:
            return []
        result = target.query(
            query_embeddings=[vector.tolist()],
            n_results=min(k, count),
            where={"lang": lang} if lang else None,
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])
        ]

    def counts(self) -> tuple[int, ...]:
        return tuple(c.count() for c in self._collections.values())
