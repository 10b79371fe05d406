"""Wires settings to the index, the retriever and the capabilities; one per process."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from assistant.domain import Answer, Lang
from assistant.i18n import t
from assistant.index import IndexReport, KnowledgeIndex, Progress
from assistant.knowledge import Document
from assistant.qa import offline_answer
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.text import detect_language
from assistant.tokens import ensure_token_files


class QuestionError(ValueError):
    """A question that cannot be answered as asked."""


class Services:
    """Lazily built parts of Polku, shared by every adapter of one process."""

    def __init__(self, settings: Settings, progress: Progress | None = None) -> None:
        self.settings = settings
        self._progress = progress

    @cached_property
    def index(self) -> KnowledgeIndex:
        index = KnowledgeIndex(self.settings)
        index.sync_builtin(self._progress)
        return index

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.index)

    def ensure_tokens(self) -> None:
        ensure_token_files(self.settings.data_dir / "tiktoken")

    def ask(self, question: str, lang: Lang | None = None, k: int | None = None) -> Answer:
        question = question.strip()
        lang = lang or detect_language(question, self.settings.language)
        if not question:
            raise QuestionError(t("empty_question", lang))
        hits = self.retriever.search(question, lang=lang, k=k or self.settings.retrieval_k)
        return offline_answer(question, hits, lang)

    def ingest(self, docs: Sequence[Document], progress: Progress | None = None) -> IndexReport:
        return self.index.sync_documents(docs, "user", progress)
