"""What customers of any trade talk about (``knowledge/theme_concepts.yaml``): waiting,
price, staff, cleanliness... each with its words in three languages. Two statements that
name the same concept are closer when themes are grouped, which the small embedding model
alone often misses ("jono kassalla", "odotin vuoroani ikuisuuden")."""

from __future__ import annotations

from functools import cache

from pydantic import field_validator

from assistant.domain import LANGS, LocalizedList, Strict
from assistant.resources import knowledge_dir, load_data


class ThemeConcepts(Strict):
    concepts: dict[str, LocalizedList]

    @field_validator("concepts")
    @classmethod
    def _every_language(cls, concepts: dict[str, LocalizedList]) -> dict[str, LocalizedList]:
        empty = [
            f"{name}.{lang}"
            for name, words in concepts.items()
            for lang in LANGS
            if not words.get(lang)
        ]
        if empty:
            raise ValueError(f"concepts without words: {empty}")
        return concepts


@cache
def theme_concepts() -> ThemeConcepts:
    return load_data(knowledge_dir() / "theme_concepts.yaml", ThemeConcepts)
