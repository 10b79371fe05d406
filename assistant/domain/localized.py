"""Text in each of the three languages: the shape of every shipped word list and message."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain.models import Lang


class Strict(BaseModel):
    """Base of the shipped data files: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """One text in each of the three languages."""

    en: str = Field(min_length=1)
    fi: str = Field(min_length=1)
    et: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))


class LocalizedList(Strict):
    """A list of texts in each of the three languages."""

    en: list[str] = Field(default_factory=list)
    fi: list[str] = Field(default_factory=list)
    et: list[str] = Field(default_factory=list)

    def get(self, lang: Lang) -> list[str]:
        return list(getattr(self, lang))

    def all(self) -> list[str]:
        return [*self.en, *self.fi, *self.et]
