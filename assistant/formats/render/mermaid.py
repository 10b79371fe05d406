"""Mermaid ``journey`` diagram: a section per stage, the customer's actions as tasks.

A task's score is the stage's emotion on Mermaid's 1-5 scale (-2..2 plus 3); its actors
are the persona and the stage's channels. Characters Mermaid reads as syntax are written
as Mermaid entity codes (``#58;`` for ``:``), which it decodes before drawing.
"""

from __future__ import annotations

import re

from assistant.domain import JourneyMap, Stage

_ENTITIES = {"#": "#35;", ":": "#58;", ";": "#59;", "%": "#37;", "<": "#60;", ">": "#62;"}
_KEYWORDS = re.compile(r"^(title|section|acctitle|accdescr|journey)\b", re.IGNORECASE)
_CUSTOMER = {"en": "Customer", "fi": "Asiakas", "et": "Klient"}
MAX_ACTORS = 4


def text(value: str, actor: bool = False) -> str:
    """``value`` safe on one line of a journey diagram (commas also escaped in actors)."""
    flat = " ".join(value.split())
    safe = "".join(_ENTITIES.get(ch, ch) for ch in flat)
    if actor:
        safe = safe.replace(",", "#44;")
    if _KEYWORDS.match(safe):  # a task named "Section A" would start a section
        safe = f"#{ord(safe[0])};{safe[1:]}"
    return safe


def score(stage: Stage) -> int:
    """Mermaid's 1 (worst) .. 5 (best) from the emotion's -2 .. +2."""
    return stage.emotion.score + 3


def _tasks(stage: Stage) -> list[str]:
    texts = [item.text for item in stage.actions]
    if not texts:
        texts = [stage.customer_goal.text if stage.customer_goal else stage.name]
    return [t for t in texts if t.strip()] or [stage.name or "-"]


def _actors(journey: JourneyMap, stage: Stage) -> str:
    named = journey.persona.name.strip() if journey.persona else ""
    persona = named or _CUSTOMER[journey.language]
    names = dict.fromkeys([persona, *(tp.channel for tp in stage.touchpoints)])
    return ", ".join(text(name, actor=True) for name in list(names)[:MAX_ACTORS] if name.strip())


def render_mermaid(journey: JourneyMap) -> str:
    lines = ["journey", f"    title {text(journey.title) or 'Journey map'}"]
    for stage in journey.stages:
        lines.append(f"    section {text(stage.name) or '-'}")
        actors = _actors(journey, stage)
        for task in _tasks(stage):
            lines.append(f"      {text(task)}: {score(stage)}: {actors}")
    return "\n".join(lines) + "\n"
