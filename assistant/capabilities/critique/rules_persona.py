"""Who the map is about: a persona without cliches or idle demographics, and, where the one
who uses and the one who buys are different people, both of them."""

from __future__ import annotations

import re

from assistant.capabilities.critique.context import Check, Hit, MapContext, stage_texts
from assistant.capabilities.critique.cues import has_cue, means
from assistant.domain import JourneyMap, Persona
from assistant.language.text import stems

MIN_STEM = 4  # "two" in "two cats" and "two hours" is no use of the detail
MIN_UNUSED_DETAILS = 3  # one idle detail (an age) is harmless; a string of them is not
_DETAIL_SPLIT = re.compile(r"[,;/]|\s(?:and|ja|ning)\s")
_NAME = re.compile(r"\b[A-ZÄÖÅÕÜŠŽ][a-zäöåõüšž]{2,}\b")


def _persona_texts(p: Persona) -> list[str]:
    found = [p.name, p.segment, p.demographics, p.b2b_role or "", p.quote]
    found += [*p.goals, *p.needs, *p.motivations, *p.frustrations]
    return [text for text in found if text.strip()]


def _stereotypes(p: Persona, c: MapContext) -> list[str]:
    """Persona lines that lean on a cliche: a stereotype cue, or a sentence that means one
    and generalises ("like most pensioners", "of course")."""
    texts = _persona_texts(p)
    found = [text for text in texts if has_cue(text, "stereotype", c.lang)]
    general = [t for t in texts if t not in found and has_cue(t, "generalisation", c.lang)]
    meant = means(general, "stereotype", c.lang, c.meaning)
    return found + [text for text, cliche in zip(general, meant, strict=True) if cliche]


def _journey_stems(m: JourneyMap, p: Persona) -> set[str]:
    texts = [m.business, m.scenario, *p.goals, *p.needs, *p.motivations, *p.frustrations]
    texts += [text for s in m.stages for text in stage_texts(s)]
    return {stem for text in texts for stem in stems(text)}


def _unused_details(m: JourneyMap, p: Persona) -> list[str]:
    """The persona's demographic details that nothing else on the map draws on."""
    used = _journey_stems(m, p)
    details = [d.strip() for d in _DETAIL_SPLIT.split(p.demographics) if d.strip()]
    return [d for d in details if not {s for s in stems(d) if len(s) >= MIN_STEM} & used]


def persona_stereotype(m: JourneyMap, c: MapContext) -> list[Hit]:
    """No stereotyped traits, no string of demographic details the journey never uses, and
    goals before demographics."""
    p = m.persona
    if p is None:
        return []
    hits: list[Hit] = [("persona", {"item": text}) for text in _stereotypes(p, c)]
    unused = _unused_details(m, p)
    if len(unused) >= MIN_UNUSED_DETAILS:
        hits.append(("persona", {"item": "; ".join(unused), "variant": "unused"}))
    if p.demographics.strip() and not (p.goals or p.needs or p.motivations):
        hits.append(("persona", {"variant": "no-goals"}))
    return hits


def _sides(m: JourneyMap, c: MapContext) -> tuple[bool, bool]:
    """Whether the map shows someone who uses the product and someone who buys it. Only a
    named buyer role (owner, finance, procurement...) counts as the buying side; anyone else,
    the persona included, may be the one who uses it."""
    p = m.persona
    people = [f"{s.role} {s.concern}" for s in m.stakeholders]
    if p:
        people.append(" ".join(filter(None, [p.name, p.b2b_role, p.segment])))
    buys = [has_cue(text, "buyer_role", c.lang) for text in people]
    uses = [has_cue(text, "user_role", c.lang) or not buyer for text, buyer in zip(people, buys)]
    return any(uses), any(buys)


def _bought_for_someone(m: JourneyMap, c: MapContext) -> bool:
    p = m.persona
    texts = [m.scenario, *(([p.name, p.segment, *p.goals]) if p else [])]
    return any(has_cue(text, "for_someone_else", c.lang) for text in texts if text.strip())


def user_vs_buyer(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Where the user and the buyer differ, both appear: in B2B the stakeholders include a
    buyer and a user (no stakeholders at all is b2b-stakeholders' finding); when someone buys
    for a child, a parent or as a gift, the one it is for appears in the journey."""
    if c.is_b2b:
        if not m.stakeholders:
            return []
        has_user, has_buyer = _sides(m, c)
        if not has_buyer:
            return [("stakeholders", {"variant": "no-buyer"})]
        return [] if has_user else [("stakeholders", {"variant": "no-user"})]
    if not _bought_for_someone(m, c):
        return []
    journey = [text for s in m.stages for text in stage_texts(s)]
    names = _others_named(m)
    if m.stakeholders or any(
        has_cue(text, "dependant", c.lang) or _name_stems(_NAME.findall(text)) & names
        for text in journey
    ):
        return []
    return [("persona", {"variant": "family"})]


def _others_named(m: JourneyMap) -> set[str]:
    """Names in the scenario other than the persona's own ("for her daughter Ella"):
    capitalised words that do not open a sentence, by their first letters (Finnish and
    Estonian inflect names: "Ellalle", "Ellale")."""
    own = set(_NAME.findall(m.persona.name)) if m.persona else set()
    found = set()
    for sentence in re.split(r"(?<=[.!?])\s+", m.scenario):
        found |= set(_NAME.findall(sentence)[1:]) if sentence[:1].isupper() else set()
    business = set(_NAME.findall(m.business))
    return _name_stems(found - own - business)


def _name_stems(names: list[str] | set[str]) -> set[str]:
    return {name[:4] for name in names}


CHECKS: dict[str, Check] = {
    "persona-stereotype": persona_stereotype,
    "user-vs-buyer": user_vs_buyer,
}
