"""A model's qualitative review, added to the rule findings; each tied to a guideline id."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.capabilities.critique.critic import guideline_citation
from assistant.catalog.guidelines import guidelines
from assistant.domain import CritiqueReport, Finding, JourneyMap
from assistant.formats.render import render
from assistant.language.i18n import t
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep

MAX_MODEL_FINDINGS = 5


class ModelFinding(BaseModel):
    guideline_id: str = Field(description="One guideline id from the list.")
    severity: Literal["info", "warn"] = Field(default="warn", description="info or warn.")
    where: str = Field(default="map", description="The stage or lane it is about.")
    message: str = Field(min_length=5, description="What is wrong.")
    suggestion: str = Field(min_length=5, description="What to do.")

    @field_validator("guideline_id")
    @classmethod
    def _known(cls, value: str) -> str:
        known = {g.id for g in guidelines().guidelines}
        if value not in known:
            raise ValueError(f"unknown guideline id {value!r}; use one of {sorted(known)}")
        return value


class ModelReview(BaseModel):
    """The model's findings (at most five)."""

    findings: list[ModelFinding] = Field(default_factory=list, max_length=MAX_MODEL_FINDINGS)


class ModelCritic(ModelStep):
    """A model's review of a map, added to the rule findings."""

    def review(self, journey: JourneyMap, report: CritiqueReport) -> CritiqueReport:
        """The rule report plus the model's findings; raises ``LLMError`` on failure.

        The score stays the rules' score: it must not move with a model's mood.
        """
        lang = journey.language
        catalog = "\n".join(f"- {g.id}: {g.title.get(lang)}" for g in guidelines().guidelines)
        rules = "\n".join(f"- {f.guideline_id} ({f.where}): {f.message}" for f in report.findings)
        content, _, _ = render(journey, "md")
        messages = prompt("critique").messages(
            language_name=t("language_name", lang),
            map=content.decode("utf-8"),
            guidelines=catalog,
            rule_findings=rules or "-",
            schema=json.dumps(ModelReview.model_json_schema()),
        )
        review = self.ask(messages, ModelReview)
        added = [
            Finding(
                guideline_id=f.guideline_id,
                severity=f.severity,
                where=f.where,
                message=f.message,
                suggestion=f.suggestion,
                citation=guideline_citation(f.guideline_id, lang),
                origin="llm",
            )
            for f in review.findings
        ]
        return report.model_copy(update={"findings": [*report.findings, *added]})
