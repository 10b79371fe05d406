"""The structured knowledge files the capabilities share: guidelines, journey roles, stage
models, the drafting library and what pains, gains and needs sound like, typed and validated
at load (``python -m assistant.catalog`` checks them all, with the vocabulary)."""

from __future__ import annotations

from assistant.resources import CatalogError


def validate_all() -> list[str]:
    """Load every structured knowledge file; return the problems found (empty when valid)."""
    from assistant.catalog.answers import answer_cards
    from assistant.catalog.guidelines import guidelines
    from assistant.catalog.insight_kinds import insight_kinds
    from assistant.catalog.library import library
    from assistant.catalog.roles import role_statements, roles
    from assistant.catalog.seeds import seeds
    from assistant.catalog.stage_models import stage_models
    from assistant.catalog.theme_concepts import theme_concepts
    from assistant.domain import LANGS
    from assistant.language.vocabulary import vocabulary
    from assistant.language.words import first_names, word_lists

    problems: list[str] = []
    for loader in (
        guidelines,
        roles,
        stage_models,
        vocabulary,
        library,
        insight_kinds,
        theme_concepts,
        seeds,
        first_names,
        word_lists,
        lambda: [role_statements(lang) for lang in LANGS],
        lambda: [answer_cards(lang) for lang in LANGS],
    ):
        try:
            loader()
        except CatalogError as exc:
            problems.append(str(exc))
    if not problems:
        problems += _cross_references() + _card_sources()
    return problems


def _card_sources() -> list[str]:
    """Every document an answer card cites exists in the card's language."""
    from assistant.catalog.answers import answer_cards
    from assistant.domain import LANGS
    from assistant.resources import knowledge_dir

    problems = []
    for lang in LANGS:
        documents = {path.stem for path in (knowledge_dir() / lang).glob("*.md")}
        problems += [
            f"answer card {lang}/{card.id}: no knowledge document {lang}/{doc}"
            for card in answer_cards(lang).cards
            for doc in card.sources
            if doc not in documents
        ]
    return problems


def _cross_references() -> list[str]:
    """What one file names in another exists: each trade's stage model and cited documents."""
    from assistant.catalog.library import library
    from assistant.catalog.stage_models import stage_models
    from assistant.resources import knowledge_dir

    models = {model.id for model in stage_models().models}
    documents = {path.stem for path in (knowledge_dir() / "en").glob("*.md")}
    problems = []
    for trade in library().values():
        if trade.stage_model not in models:
            problems.append(f"library {trade.trade}: no stage model {trade.stage_model!r}")
        problems += [
            f"library {trade.trade}: branch {key}'s stage model {branch.stage_model!r} is unknown"
            for key, branch in trade.branches.items()
            if branch.stage_model and branch.stage_model not in models
        ]
        problems += [
            f"library {trade.trade}: no knowledge document {doc!r}"
            for doc in trade.source_docs
            if doc not in documents
        ]
    return problems
