"""Wires settings to the index, the retriever and the capabilities; one per process.

Nothing here belongs to one person: the tokens a model spends go to the ``UsageMeter`` of the
session that asked (a fresh one per call when none is given)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.app.access import Gate
from assistant.app.store import Database, MapStore
from assistant.app.store.accounts import Accounts
from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.draft import draft_map
from assistant.capabilities.editing.apply import apply_operations
from assistant.capabilities.editing.propose import proposal_text, propose
from assistant.capabilities.editing.understand import understand
from assistant.capabilities.fallback import Outcome, assisted, assisted_stream
from assistant.capabilities.insights.mine import Progress as InsightProgress
from assistant.capabilities.insights.mine import ResearchFile, mine
from assistant.capabilities.qa.assisted import GenerativeAnswerer
from assistant.capabilities.qa.extractive import offline_events
from assistant.domain import (
    Answer,
    CritiqueReport,
    InsightReport,
    InterviewAnswers,
    JourneyMap,
    Lang,
)
from assistant.domain.edits import EditPlan, EditResult
from assistant.domain.events import AnswerReady, Event
from assistant.language.detect import detect_language
from assistant.language.i18n import t
from assistant.llm.base import ChatModel
from assistant.llm.budget import UsageMeter
from assistant.llm.factory import chat_model
from assistant.llm.guards import is_injection
from assistant.llm.tokenizer import ensure_token_files
from assistant.retrieval.documents import Document
from assistant.retrieval.embeddings import Embedder, EmbeddingCache
from assistant.retrieval.index import IndexReport, KnowledgeIndex, Progress
from assistant.retrieval.meaning import Meaning
from assistant.retrieval.search import Hit, HybridRetriever
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.capabilities.interview.assisted import ModelUnderstanding


class QuestionError(ValueError):
    """A question that cannot be answered as asked."""


class Services:
    """Lazily built parts of Polku, shared by every adapter of one process."""

    def __init__(
        self,
        settings: Settings,
        progress: Progress | None = None,
        model: ChatModel | None = None,
        offline: bool = False,
    ) -> None:
        self.settings = settings
        self._progress = progress
        self._model = model
        self.offline = offline

    @cached_property
    def model(self) -> ChatModel | None:
        """The configured chat model; ``None`` when offline (by choice or configuration)."""
        if self.offline:
            return None
        if self._model is None:
            self._model = chat_model(self.settings)
        if self._model is not None:
            self.ensure_tokens()
        return self._model

    @cached_property
    def index(self) -> KnowledgeIndex:
        index = KnowledgeIndex(self.settings)
        index.sync_builtin(self._progress)
        return index

    @cached_property
    def meaning(self) -> Meaning:
        """Similarity by meaning for drafting and the critic, cached on disk with the index's
        embeddings (and served from the shipped vectors)."""
        cache = EmbeddingCache(self.settings.data_dir / "embeddings.db")
        return Meaning(Embedder(cache))

    @cached_property
    def database(self) -> Database:
        """The store's database (PostgreSQL when configured, else SQLite in the data dir),
        opened once per process and migrated to the newest schema."""
        return Database.for_settings(self.settings)

    @cached_property
    def gate(self) -> Gate:
        """Who may see and change which maps (users, workspaces, links) in the database."""
        store = MapStore(self.database)
        return Gate(Accounts(self.database), store, self.settings.trusted_user_header)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.index)

    def ensure_tokens(self) -> None:
        ensure_token_files(self.settings.data_dir / "tiktoken")

    def ask_events(
        self,
        question: str,
        lang: Lang | None = None,
        k: int | None = None,
        meter: UsageMeter | None = None,
    ) -> Iterator[Event]:
        """Answer a question as a stream of events ending with ``AnswerReady``; the tokens a
        model uses go to ``meter`` (the asking person's session)."""
        question = question.strip()
        lang = lang or detect_language(question, self.settings.language)
        if not question:
            raise QuestionError(t("empty_question", lang))
        hits = self.retriever.search(question, lang=lang, k=k or self.settings.retrieval_k)
        if self.model is None:
            yield from offline_events(question, hits, lang)
            return
        answerer = GenerativeAnswerer(self.model, self.settings, meter or UsageMeter())
        yield from assisted_stream(
            answerer.events(question, hits, lang),
            lambda replace: offline_events(question, hits, lang, replace=replace),
            lang,
        )

    def ask(self, question: str, lang: Lang | None = None, k: int | None = None) -> Answer:
        final = [e for e in self.ask_events(question, lang, k) if isinstance(e, AnswerReady)]
        return final[-1].answer

    def understanding(self, meter: UsageMeter | None = None) -> ModelUnderstanding | None:
        """The interview's model reader, when a model is configured."""
        from assistant.capabilities.interview.assisted import ModelUnderstanding

        if self.model is None:
            return None
        return ModelUnderstanding(self.model, self.settings, meter or UsageMeter())

    def evidence_for(self, answers: InterviewAnswers, k: int = 8) -> list[Hit]:
        """Passages of the person's own documents that bear on their answers."""
        if self.index.counts()[1] == 0:
            return []
        query = " ".join([answers.business, *answers.pain_points, *answers.persona.goals])
        hits = self.retriever.search(query or "customer", lang=answers.language, k=k * 3)
        own = [h for h in hits if h.chunk.doc_id.startswith("user/")]
        return [h for h in own if not is_injection(h.chunk.text)][:k]  # never to the model

    def insights(
        self,
        files: Sequence[ResearchFile],
        lang: Lang | None = None,
        progress: InsightProgress | None = None,
        meter: UsageMeter | None = None,
    ) -> Outcome[InsightReport]:
        """Themes of the person's research files (refused files say why), named and joined
        by the model when there is one (quotes and counts stay computed; offline on
        failure)."""
        from assistant.capabilities.insights.assisted import ThemeNamer

        limit = self.settings.max_upload_mb * 1_000_000
        report = mine(files, self.meaning, lang=lang, max_bytes=limit, progress=progress)
        if self.model is None or not report.themes:
            return Outcome(report)
        meter = meter or UsageMeter()
        before = meter.total
        namer = ThemeNamer(self.model, self.settings, meter)
        outcome = assisted(report, lambda: namer.name(report), report.language)
        outcome.usage = meter.total - before
        return outcome

    def draft(
        self,
        answers: InterviewAnswers,
        meter: UsageMeter | None = None,
        insights: InsightReport | None = None,
    ) -> Outcome[JourneyMap]:
        """The offline draft (on the research's themes when there are ``insights``),
        tailored by the model when there is one (offline on failure)."""
        from assistant.capabilities.drafting.assisted import Tailor

        journey = draft_map(answers, meaning=self.meaning, insights=insights)
        if self.model is None:
            return Outcome(journey)
        meter = meter or UsageMeter()
        before = meter.total
        tailor = Tailor(self.model, self.settings, meter, critic=self.critic)
        outcome = assisted(
            journey,
            lambda: tailor.tailor(journey, answers, self.evidence_for(answers)).model_copy(
                update={"mode": "llm"}
            ),
            answers.language,
        )
        outcome.usage = meter.total - before
        return outcome

    def critique(
        self, journey: JourneyMap, today: date | None = None, meter: UsageMeter | None = None
    ) -> Outcome[CritiqueReport]:
        """Rule findings, plus the model's qualitative findings when there is a model."""
        from assistant.capabilities.critique.assisted import ModelCritic

        report = critique_map(journey, today, self.meaning)
        if self.model is None:
            return Outcome(report)
        meter = meter or UsageMeter()
        before = meter.total
        critic = ModelCritic(self.model, self.settings, meter)
        outcome = assisted(report, lambda: critic.review(journey, report), journey.language)
        outcome.usage = meter.total - before
        return outcome

    def edit_plan(
        self, instruction: str, journey: JourneyMap, meter: UsageMeter | None = None
    ) -> Outcome[EditPlan | None]:
        """What an instruction asks to change: the offline parser's reading, or the model's
        typed operations when there is a model (the offline reading when it fails)."""
        from assistant.capabilities.editing.assisted import ModelEditor

        offline = understand(instruction, journey)
        if self.model is None or is_injection(instruction):
            return Outcome(offline)
        meter = meter or UsageMeter()
        before = meter.total
        editor = ModelEditor(self.model, self.settings, meter)
        outcome: Outcome[EditPlan | None] = assisted(
            offline, lambda: editor.plan(instruction, journey), journey.language
        )
        outcome.usage = meter.total - before
        return outcome

    def edit(
        self, instruction: str, journey: JourneyMap, meter: UsageMeter | None = None
    ) -> Outcome[EditResult]:
        """An instruction applied to a copy of ``journey`` (for the CLI and REST): the
        operations, the edited map and the diff, or the question back."""
        planned = self.edit_plan(instruction, journey, meter)
        plan, lang = planned.value, journey.language
        result = EditResult(
            operations=[],
            map=journey,
            message=(plan.question if plan else "") or t("edit_unclear", lang),
            understood=False,
        )
        if plan is not None and plan.operations:
            proposal = propose(journey, plan, instruction)
            if isinstance(proposal, str):
                result.message = proposal
            else:
                edited = apply_operations(journey, proposal.operations)
                result = EditResult(
                    operations=proposal.operations,
                    changes=proposal.changes,
                    map=edited.model_copy(update={"version": journey.version + 1}),
                    message=proposal_text(proposal, lang, t("edit_changes", lang)),
                    understood=True,
                )
        return Outcome(result, mode=planned.mode, notices=planned.notices, usage=planned.usage)

    def critic(self, journey: JourneyMap) -> CritiqueReport:
        """The rule critic with this process's meaning (for the drafting model's revision)."""
        return critique_map(journey, meaning=self.meaning)

    def ingest(self, docs: Sequence[Document], progress: Progress | None = None) -> IndexReport:
        return self.index.sync_documents(docs, "user", progress)
