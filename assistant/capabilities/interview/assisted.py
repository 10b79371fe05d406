"""The interview with a model: free text read into slots, questions fitted to the person.

``ModelUnderstanding`` plugs into ``Interviewer``. Whenever the model fails or replies with
something unusable it raises ``LLMError``, and the interviewer reads the reply offline
(``capabilities.fallback``).
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from assistant.capabilities.interview.script import script
from assistant.domain import BusinessModel, InterviewAnswers, Lang, MapType
from assistant.language.i18n import t
from assistant.llm.budget import usage_of
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep

SLOT_FIELDS = {
    "persona_who": ("persona", "who"),
    "persona_goals": ("persona", "goals"),
    "persona_frustrations": ("persona", "frustrations"),
}


class SlotValues(BaseModel):
    """Every slot one reply may fill; absent means the reply did not say."""

    model_config = ConfigDict(extra="ignore")

    business: str | None = Field(default=None, description="What the business does, for whom.")
    industry: str | None = Field(default=None, description="The industry in a few words.")
    model: BusinessModel | None = Field(default=None, description="b2b or b2c.")
    map_type: MapType | None = Field(default=None, description="The kind of map wanted.")
    persona_who: str | None = Field(default=None, description="Who the typical customer is.")
    persona_goals: list[str] | None = Field(default=None, description="The customer's goals.")
    persona_frustrations: list[str] | None = Field(
        default=None, description="What frustrates the customer."
    )
    evidence: list[str] | None = Field(default=None, description="Research that exists.")
    stages: list[str] | None = Field(default=None, description="Stages, if the person named any.")
    channels: list[str] | None = Field(default=None, description="Channels, online and offline.")
    pain_points: list[str] | None = Field(default=None, description="Known pain points.")
    kpis: list[str] | None = Field(default=None, description="KPIs the business tracks.")
    owner: str | None = Field(default=None, description="Who will own the map.")
    review_cadence: str | None = Field(default=None, description="How often it is reviewed.")

    def given(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump().items() if v not in (None, "", [])}


def apply(values: dict[str, object], answers: InterviewAnswers) -> None:
    for slot, value in values.items():
        if slot in SLOT_FIELDS:
            _, field = SLOT_FIELDS[slot]
            setattr(answers.persona, field, value)
        else:
            setattr(answers, slot, value)


class ModelUnderstanding(ModelStep):
    """Reads replies and phrases questions with a chat model; raises ``LLMError`` on failure."""

    def _known(self, answers: InterviewAnswers) -> str:
        return json.dumps(answers.model_dump(exclude_defaults=True), ensure_ascii=False)

    def extract(self, slot: str, text: str, answers: InterviewAnswers, lang: Lang) -> SlotValues:
        messages = prompt("interview_extract").messages(
            language_name=t("language_name", lang),
            slot=slot,
            question=script().slots[slot].question.get(lang),
            reply=text,
            known=self._known(answers),
            schema=json.dumps(SlotValues.model_json_schema()),
        )
        return self.ask(messages, SlotValues)

    def phrase(
        self, slot: str, answers: InterviewAnswers, missing: list[str], lang: Lang
    ) -> str | None:
        """The question fitted to what is known; ``None`` when the reply is not a usable
        question; ``LLMError`` when the model fails."""
        messages = prompt("interview_question").messages(
            language_name=t("language_name", lang),
            slot=slot,
            base_question=script().slots[slot].question.get(lang),
            known=self._known(answers),
            missing=", ".join(missing),
        )
        text = self.model.complete(messages, max_tokens=120).strip()
        self.meter.add(usage_of(messages, text))
        return text if 3 < len(text) < 400 and "?" in text else None
