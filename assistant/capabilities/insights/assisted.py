"""The model-assisted half of mining: a language model names the themes and says which of
them are the same thing. It never writes a quote or a count: a name is all it adds, joined
themes are recounted from their statements, and whatever else it sends is ignored."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from assistant.domain import InsightReport, Theme
from assistant.language.i18n import t
from assistant.llm.guards import is_injection
from assistant.llm.prompts import prompt
from assistant.llm.structured import ModelStep

MAX_THEMES = 30  # the most said; the rest keep their offline labels
QUOTES_SHOWN = 3
NAME_CHARS = 80


class ThemeName(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a quote or count it adds is not read
    id: int = Field(description="The theme's id.")
    name: str = Field(min_length=2, max_length=200, description="A short name for the theme.")


class ThemeNames(BaseModel):
    """The model's names, and groups of ids that say the same thing."""

    model_config = ConfigDict(extra="ignore")
    names: list[ThemeName] = Field(default_factory=list)
    same: list[list[int]] = Field(
        default_factory=list, description="Groups of theme ids of one kind to join."
    )


def _listed(themes: list[Theme]) -> str:
    lines = []
    for number, theme in enumerate(themes, start=1):
        quotes = [q.text for q in theme.quotes if not is_injection(q.text)][:QUOTES_SHOWN]
        said = " | ".join(quotes)
        lines.append(f"{number}. ({theme.kind}) {said}")
    return "\n".join(lines)


def joined(themes: list[Theme]) -> Theme:
    """Themes of one kind as one: every statement kept, counts computed again."""
    first = themes[0]
    places: dict[tuple[str, str], object] = {}
    locations = []
    for theme in themes:
        for quote in theme.locations:
            key = (quote.source, quote.location)
            if key not in places:
                places[key] = quote
                locations.append(quote)
    quotes = list(first.quotes)
    for theme in themes[1:]:
        quotes += [q for q in theme.quotes if q not in quotes]
    respondents = sum(theme.respondents for theme in themes)  # distinct groups: an upper
    return first.model_copy(  # bound, capped by the places they were said in
        update={
            "count": len(locations),
            "respondents": min(respondents, len(locations)),
            "quotes": quotes[:5],
            "locations": locations,
        }
    )


class ThemeNamer(ModelStep):
    """Names and joins a report's themes with the model; ``LLMError`` when it cannot."""

    def name(self, report: InsightReport) -> InsightReport:
        shown = report.themes[:MAX_THEMES]
        if not shown:
            return report
        messages = prompt("insights").messages(
            language_name=t("language_name", report.language),
            themes=_listed(shown),
            schema=json.dumps(ThemeNames.model_json_schema()),
        )
        reply = self.ask(messages, ThemeNames)
        names = {
            n.id: " ".join(n.name.split())[:NAME_CHARS]
            for n in reply.names
            if 1 <= n.id <= len(shown) and not is_injection(n.name)
        }
        themes = [
            theme.model_copy(update={"name": names.get(number)})
            for number, theme in enumerate(shown, start=1)
        ]
        used: set[int] = set()
        merged: list[Theme] = []
        for group in reply.same:
            ids = [i for i in dict.fromkeys(group) if 1 <= i <= len(themes) and i not in used]
            kinds = {themes[i - 1].kind for i in ids}
            if len(ids) < 2 or len(kinds) != 1:
                continue  # a pain is never joined with a gain
            used.update(ids)
            merged.append(joined([themes[i - 1] for i in ids]))
        merged += [theme for number, theme in enumerate(themes, start=1) if number not in used]
        rest = report.themes[MAX_THEMES:]
        ordered = sorted(merged, key=lambda theme: (-theme.count, -theme.respondents))
        return report.model_copy(update={"themes": [*ordered, *rest]})
