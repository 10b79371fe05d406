"""The methodology documents: markdown with front matter, split into citable chunks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.domain import LANGS, Lang, Source
from assistant.resources import knowledge_dir

MAX_CHUNK_WORDS = 220
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)


class DocumentError(ValueError):
    """A knowledge document is malformed."""


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    lang: Lang
    topics: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class Document(BaseModel):
    """One document: the knowledge base's own, or one the person ingested."""

    doc_id: str = Field(description="Unique id: '<lang>/<id>' or 'user/<file name>'.")
    title: str
    lang: Lang
    topics: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    collection: str = Field(default="kb", description="'kb' (built in) or 'user'.")
    text: str


class Chunk(BaseModel):
    """A citable passage of a document."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    lang: Lang
    topics: list[str]
    source: str
    text: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embedding_text.encode()).hexdigest()

    @property
    def embedding_text(self) -> str:
        """What gets embedded: title and section give a passage its context."""
        head = self.title if not self.section else f"{self.title} — {self.section}"
        return f"{head}\n{self.text}"

    def metadata(self) -> dict[str, str]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "lang": self.lang,
            "topics": ",".join(self.topics),
            "source": self.source,
            "hash": self.content_hash,
        }


def parse_document(text: str, path: Path) -> Document:
    match = _FRONT_MATTER.match(text)
    if not match:
        raise DocumentError(f"{path}: no front matter (--- id/title/lang/topics/sources ---)")
    try:
        meta = FrontMatter.model_validate(yaml.safe_load(match.group(1)))
    except (yaml.YAMLError, ValidationError) as exc:
        raise DocumentError(f"{path}: invalid front matter: {exc}") from exc
    return Document(
        doc_id=f"{meta.lang}/{meta.id}",
        title=meta.title,
        lang=meta.lang,
        topics=meta.topics,
        sources=meta.sources,
        text=text[match.end() :].strip(),
    )


@cache
def builtin_documents() -> tuple[Document, ...]:
    """Every methodology document shipped with Polku, in all languages."""
    root = knowledge_dir()
    docs = [
        parse_document(path.read_text(encoding="utf-8"), path)
        for lang in LANGS
        for path in sorted((root / lang).glob("*.md"))
    ]
    return tuple(docs)


def _sections(text: str) -> Iterator[tuple[str, str]]:
    """(heading, body) pairs; text before the first heading has an empty heading."""
    positions = [(m.start(), m.end(), m.group(2).strip()) for m in _HEADING.finditer(text)]
    if not positions:
        yield "", text.strip()
        return
    yield "", text[: positions[0][0]].strip()
    for index, (_, end, heading) in enumerate(positions):
        stop = positions[index + 1][0] if index + 1 < len(positions) else len(text)
        yield heading, text[end:stop].strip()


def _split_long(body: str, limit: int = MAX_CHUNK_WORDS) -> Iterator[str]:
    """Paragraph-aligned pieces of at most ``limit`` words (a longer paragraph stays whole)."""
    piece: list[str] = []
    words = 0
    for paragraph in re.split(r"\n\s*\n", body):
        size = len(paragraph.split())
        if piece and words + size > limit:
            yield "\n\n".join(piece)
            piece, words = [], 0
        piece.append(paragraph.strip())
        words += size
    if piece:
        yield "\n\n".join(piece)


def chunk_document(doc: Document) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section, body in _sections(doc.text):
        for piece in _split_long(body):
            if not piece.strip():
                continue
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}#{len(chunks)}",
                    doc_id=doc.doc_id,
                    title=doc.title,
                    section=section,
                    lang=doc.lang,
                    topics=doc.topics,
                    source=doc.collection,
                    text=piece,
                )
            )
    return chunks


def chunk_all(docs: Iterable[Document]) -> list[Chunk]:
    return [chunk for doc in docs for chunk in chunk_document(doc)]


def kb_source(topic_id: str, lang: Lang) -> Source:
    """A citation of a built-in document, in ``lang`` when it exists there."""

    by_id = {doc.doc_id: doc for doc in builtin_documents()}
    doc = by_id.get(f"{lang}/{topic_id}") or by_id.get(f"en/{topic_id}")
    title = doc.title if doc else topic_id
    return Source(doc_id=doc.doc_id if doc else f"{lang}/{topic_id}", title=title)
