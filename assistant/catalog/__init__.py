"""The structured knowledge files the capabilities share: guidelines, stage models and
drafting patterns, typed and validated at load (``python -m assistant.catalog`` checks them
all, with the vocabulary)."""

from __future__ import annotations

from assistant.resources import CatalogError


def validate_all() -> list[str]:
    """Load every structured knowledge file; return the problems found (empty when valid)."""
    from assistant.catalog.guidelines import guidelines
    from assistant.catalog.patterns import patterns
    from assistant.catalog.stage_models import stage_models
    from assistant.language.vocabulary import vocabulary

    problems: list[str] = []
    for loader in (guidelines, stage_models, vocabulary, patterns):
        try:
            loader()
        except CatalogError as exc:
            problems.append(str(exc))
    return problems
