"""The domain model: the public JSON contract of maps, findings and answers.

Field names are part of the contract (CLI ``--json``, REST, exports); every field carries a
description, which is also what a language model sees in the JSON schema.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["en", "fi", "et"]
LANGS: tuple[Lang, ...] = get_args(Lang)
BusinessModel = Literal["b2b", "b2c"]
MapType = Literal["current-state", "future-state", "day-in-the-life", "service-blueprint"]
MAP_TYPES: tuple[MapType, ...] = get_args(MapType)
Severity = Literal["info", "warn", "critical"]
ProvenanceKind = Literal["user", "evidence", "pattern", "llm"]
TouchpointKind = Literal["online", "offline"]
Mode = Literal["offline", "llm"]
StageKey = Literal["awareness", "consideration", "purchase", "retention", "advocacy"]
STAGE_KEYS: tuple[StageKey, ...] = get_args(StageKey)
CoreLane = Literal[
    "customer_goal",
    "actions",
    "touchpoints",
    "thoughts",
    "emotion",
    "pain_points",
    "opportunities",
]
BlueprintLane = Literal["frontstage", "backstage", "support_processes", "physical_evidence"]
LaneKey = CoreLane | BlueprintLane
#: The lanes of every map, in display order.
CORE_LANES: tuple[LaneKey, ...] = get_args(CoreLane)
#: The service-blueprint lanes, shown after the core lanes when a map uses them.
BLUEPRINT_LANES: tuple[LaneKey, ...] = get_args(BlueprintLane)


class Model(BaseModel):
    """Base for every domain object: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Source(Model):
    """A citation: a knowledge-base chunk or a document the person supplied."""

    doc_id: str = Field(description="Document id, e.g. 'en/personas' or 'user/interviews.pdf'.")
    title: str = Field(description="Human-readable document title.")
    chunk_id: str | None = Field(default=None, description="Chunk id inside the document.")
    snippet: str | None = Field(default=None, description="The passage the claim rests on.")


class Provenance(Model):
    """Where a map item came from, so suggestions are never passed off as the person's facts."""

    kind: ProvenanceKind = Field(
        default="user",
        description="user: the person said it; evidence: from their uploaded research; "
        "pattern: a knowledge-base suggestion; llm: suggested by a language model.",
    )
    source: Source | None = Field(
        default=None, description="Citation for evidence and pattern items."
    )
    changed: bool = Field(
        default=False,
        description="In a future-state map: this item differs from the current state.",
    )
    note: str | None = Field(
        default=None,
        description="Where what the person said and what their research says differ.",
    )


class Item(Model):
    """One cell entry (an action, a thought, a pain point...) with its provenance."""

    text: str = Field(description="The entry as shown on the map.")
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")


class Touchpoint(Model):
    """A point where the customer meets the business."""

    channel: str = Field(description="Channel name, e.g. 'Website' or 'Physical store'.")
    kind: TouchpointKind = Field(description="online or offline.")
    description: str = Field(default="", description="What happens at this touchpoint.")
    owner: str | None = Field(default=None, description="Team or role responsible for it.")
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")


class Emotion(Model):
    """How the customer feels at a stage: drawn as the emotion curve."""

    score: int = Field(default=0, ge=-2, le=2, description="-2 very negative .. +2 very positive.")
    label: str = Field(default="", description="A word for the feeling, in the map's language.")
    reason: str = Field(default="", description="Why the customer feels so at this stage.")
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")

    @property
    def recorded(self) -> bool:
        """Whether the map says how the customer feels (a word or a score): a 0 with no word
        is "not recorded", never "neutral"."""
        return self.score != 0 or bool(self.label.strip())


class Opportunity(Model):
    """An improvement, with who owns it and how success is measured."""

    text: str = Field(description="What to improve.")
    owner: str | None = Field(default=None, description="Team or role that owns the change.")
    metric: str | None = Field(default=None, description="How success is measured (a KPI).")
    addresses: str | None = Field(
        default=None, description="The pain point this opportunity answers, if any."
    )
    value: int | None = Field(
        default=None, ge=1, le=5, description="Value to the customer and the business, 1-5."
    )
    effort: int | None = Field(default=None, ge=1, le=5, description="Effort to make it, 1-5.")
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")


class Stage(Model):
    """One stage of the journey and its lanes."""

    name: str = Field(description="Stage name, e.g. 'Awareness'.")
    key: str | None = Field(
        default=None, description="Stable stage key in its stage model, e.g. 'awareness'."
    )
    customer_goal: Item | None = Field(default=None, description="What the customer wants here.")
    actions: list[Item] = Field(default_factory=list, description="What the customer does.")
    touchpoints: list[Touchpoint] = Field(default_factory=list, description="Where they meet us.")
    thoughts: list[Item] = Field(default_factory=list, description="What they think or ask.")
    emotion: Emotion = Field(default_factory=Emotion, description="How they feel.")
    pain_points: list[Item] = Field(default_factory=list, description="What goes wrong for them.")
    opportunities: list[Opportunity] = Field(
        default_factory=list, description="Improvements with owners and metrics."
    )
    frontstage: list[Item] = Field(
        default_factory=list, description="Service blueprint: employee actions the customer sees."
    )
    backstage: list[Item] = Field(
        default_factory=list, description="Service blueprint: actions the customer does not see."
    )
    support_processes: list[Item] = Field(
        default_factory=list, description="Service blueprint: systems and processes behind it."
    )
    physical_evidence: list[Item] = Field(
        default_factory=list, description="Service blueprint: what the customer sees or holds."
    )
    extra_lanes: dict[str, list[Item]] = Field(
        default_factory=dict, description="Lanes the person added, kept by their own name."
    )


class Persona(Model):
    """The one customer the map follows: goals and motivations before demographics."""

    name: str = Field(description="A name for the persona, e.g. 'Anna, young professional'.")
    segment: str = Field(default="", description="The customer segment the persona stands for.")
    b2b_role: str | None = Field(default=None, description="Job role, for B2B personas.")
    demographics: str = Field(default="", description="Age, situation, location, if relevant.")
    goals: list[str] = Field(default_factory=list, description="What the persona wants to achieve.")
    needs: list[str] = Field(default_factory=list, description="What the persona needs from us.")
    motivations: list[str] = Field(default_factory=list, description="Why the persona acts.")
    frustrations: list[str] = Field(default_factory=list, description="What annoys or blocks them.")
    preferred_channels: list[str] = Field(
        default_factory=list, description="Channels the persona prefers."
    )
    quote: str = Field(default="", description="A line in the persona's own voice.")
    evidence: list[Source] = Field(
        default_factory=list, description="Research the persona rests on."
    )
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")


class Stakeholder(Model):
    """A member of a B2B buying committee."""

    role: str = Field(description="Role in the buying decision, e.g. 'CFO'.")
    concern: str = Field(default="", description="What this person cares about most.")
    provenance: Provenance = Field(default_factory=Provenance, description="Where it came from.")


class JourneyMap(Model):
    """A customer journey map: one persona, one scenario, stages with lanes."""

    title: str = Field(description="Map title.")
    language: Lang = Field(default="en", description="Language of the map's text.")
    business: str = Field(default="", description="The business the map is about.")
    industry: str | None = Field(default=None, description="Industry pattern id, if known.")
    model: BusinessModel | None = Field(default=None, description="b2b or b2c; null: not stated.")
    map_type: MapType | None = Field(
        default=None, description="Kind of map; null when the map does not say."
    )
    scenario: str = Field(default="", description="The situation the journey covers.")
    purpose: str = Field(default="", description="The decision or business goal the map serves.")
    scope: str = Field(
        default="",
        description="What part of the journey the map covers, and how far it is validated.",
    )
    persona: Persona | None = Field(default=None, description="The persona the map follows.")
    stages: list[Stage] = Field(default_factory=list, description="Stages in journey order.")
    evidence: list[Source] = Field(
        default_factory=list, description="Research the map rests on (interviews, analytics...)."
    )
    kpis: list[str] = Field(default_factory=list, description="KPIs the business tracks.")
    owner: str | None = Field(default=None, description="Who keeps the map up to date.")
    last_updated: date | None = Field(default=None, description="When the map was last reviewed.")
    review_cadence: str | None = Field(
        default=None, description="How often the map is reviewed, e.g. 'quarterly'."
    )
    stakeholders: list[Stakeholder] = Field(
        default_factory=list, description="B2B buying committee."
    )
    stage_model: str | None = Field(default=None, description="Stage model id, if known.")
    version: int = Field(default=1, ge=1, description="Version number, raised on every change.")
    mode: Mode = Field(
        default="offline", description="What drafted it: the offline engine or a model (llm)."
    )


class Citation(Model):
    """A numbered source behind an answer or finding."""

    id: str = Field(description="Chunk id, e.g. 'fi/personas#2'.")
    doc_id: str = Field(description="Document id, e.g. 'fi/personas'.")
    title: str = Field(description="Document title.")
    snippet: str = Field(default="", description="The passage cited.")
    score: float = Field(default=0.0, description="Retrieval score (higher is more relevant).")


class Finding(Model):
    """One critique finding against a guideline."""

    guideline_id: str = Field(description="Guideline id from knowledge/guidelines.yaml.")
    severity: Severity = Field(description="info, warn or critical.")
    where: str = Field(default="map", description="Stage, lane or cell the finding is about.")
    message: str = Field(description="What is wrong, in the map's language.")
    suggestion: str = Field(default="", description="What to do about it.")
    citation: Citation = Field(description="The knowledge-base source the guideline rests on.")
    origin: Literal["rule", "llm"] = Field(
        default="rule", description="rule: an executable check; llm: a model's qualitative review."
    )


class CritiqueReport(Model):
    """Findings, a 0-100 score and its breakdown (points lost per guideline)."""

    findings: list[Finding] = Field(description="Every finding, most severe first.")
    score: int = Field(ge=0, le=100, description="100 minus the penalties of the findings.")
    summary: str = Field(description="One line in the map's language.")
    breakdown: dict[str, int] = Field(description="Points lost per guideline id.")


class Answer(Model):
    """An answer to a methodology question, with its sources."""

    question: str = Field(description="The question as asked.")
    language: Lang = Field(description="Language of the answer.")
    answer: str = Field(description="The answer text with [n] markers for citations.")
    citations: list[Citation] = Field(default_factory=list, description="Numbered sources.")
    mode: Mode = Field(default="offline", description="offline or llm.")


class PersonaAnswers(Model):
    """What the person said about their customer."""

    who: str = Field(default="", description="Who the customer is, in the person's words.")
    goals: list[str] = Field(default_factory=list, description="The customer's goals.")
    frustrations: list[str] = Field(
        default_factory=list, description="The customer's frustrations."
    )


class InterviewAnswers(Model):
    """The interview's slots: the input of `polku draft --answers`."""

    language: Lang = Field(default="en", description="Language of the conversation and the map.")
    business: str = Field(default="", description="What the business does.")
    industry: str | None = Field(default=None, description="Industry, in the person's words.")
    model: BusinessModel | None = Field(default=None, description="b2b or b2c, if known.")
    map_type: MapType | None = Field(default=None, description="Kind of map wanted.")
    purpose: str = Field(default="", description="What the map should help decide or improve.")
    persona: PersonaAnswers = Field(
        default_factory=PersonaAnswers, description="The customer the map follows."
    )
    evidence: list[str] = Field(
        default_factory=list, description="Research that exists: interviews, surveys, reviews..."
    )
    stages: list[str] | None = Field(
        default=None, description="Stage names, or a stage model id; null means the default."
    )
    channels: list[str] = Field(default_factory=list, description="Channels, online and offline.")
    pain_points: list[str] = Field(default_factory=list, description="Known pain points.")
    kpis: list[str] = Field(default_factory=list, description="KPIs the business tracks.")
    owner: str | None = Field(default=None, description="Who will own the map.")
    review_cadence: str | None = Field(default=None, description="How often it will be reviewed.")
