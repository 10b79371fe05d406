"""``polku ask``: a methodology question answered from the knowledge base, with sources."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.adapters.cli.common import (
    LangOption,
    OfflineOption,
    console,
    errors,
    open_services,
    user_errors,
)


def ask(
    question: Annotated[str, typer.Argument(help="A methodology question, in en, fi or et.")],
    lang: LangOption = None,
    k: Annotated[int | None, typer.Option("--k", min=1, max=20, help="Passages to use.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    offline: OfflineOption = False,
) -> None:
    """Answer a journey-mapping question from the knowledge base, with numbered sources.

    With a model configured (POLKU_LLM_BASE_URL, OPENAI_API_KEY or POLKU_LLM_GGUF) the answer
    is generated from the retrieved passages and streamed; otherwise it is quoted offline.
    """
    from assistant.domain.events import AnswerReady, Notice, TextDelta, Usage
    from assistant.language.i18n import t

    services = open_services(quiet=as_json, offline=offline)
    answer = None
    with user_errors():
        for event in services.ask_events(question, lang=lang, k=k):
            if isinstance(event, AnswerReady):
                answer = event.answer
            elif isinstance(event, Notice):  # on stderr, so --json output stays clean
                errors.print(f"\n[yellow]{event.message}[/]", highlight=False)
            elif as_json:
                continue
            elif isinstance(event, TextDelta):
                if event.replace:
                    console.print()
                console.out(event.text, end="", highlight=False)
            elif isinstance(event, Usage):
                errors.print(
                    f"\n[dim]tokens in/out: {event.turn.tokens_in}/{event.turn.tokens_out}[/]"
                )
    assert answer is not None
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    console.print(f"\n\n[bold]{t('sources', answer.language)}[/]")
    for number, citation in enumerate(answer.citations, start=1):
        console.print(
            f"[{number}] {citation.title} ({citation.id}, score {citation.score:.4f})",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command()(ask)
