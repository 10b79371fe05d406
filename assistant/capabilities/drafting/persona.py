"""The persona, the title and the scenario of a draft, from what the person said.

Goals, needs and motivations come from the person's answers first, then from the trade's own
library (never a web shop's); the title names the business in a few words, not its whole
description; the scenario follows the stage model in the map's language.
"""

from __future__ import annotations

import hashlib
import re

from assistant.capabilities.drafting.stages import StagePlan
from assistant.capabilities.drafting.trades import TradeFit
from assistant.domain import InterviewAnswers, Lang, Persona, Provenance, Source
from assistant.language.i18n import t
from assistant.language.text import stopwords
from assistant.language.words import first_names
from assistant.retrieval.documents import kb_source

MAX_TITLE_WORDS = 6
_CLAUSE_END = re.compile(r"\s*(?:[:;,.!?(]|\s[-–—]\s)")
# A place at the end of a name: "in Tartu", "Tampereella", "Tartus" (a capitalised word in a
# locative case), dropped from the title: "Juuksurisalong Lokk Tartus" -> "Juuksurisalong Lokk".
_RELATIVE = re.compile(r"\s+(?:that|which|who|where|whose)\b.*$", re.IGNORECASE)
# The person speaking of their business: "I run a nail studio" -> "Nail studio".
_SPEAKER = {
    "en": re.compile(
        r"^(?:i|we)\s+(?:run|own|have|operate|manage|are|am)\s+(?:a|an|the|our|my)?\s*",
        re.IGNORECASE,
    ),
    # Only where the name stays in the nominative ("meillä on pieni leipomo"), not after a
    # verb that inflects it ("pidän kampaamoa").
    "fi": re.compile(r"^(?:(?:minulla|meillä)\s+on|olemme|olen)\s+", re.IGNORECASE),
    "et": re.compile(r"^(?:(?:mul|meil)\s+on|oleme|olen)\s+", re.IGNORECASE),
}
# What the business has or does, after its name: "A community choir in Bristol with 60
# members" -> "A community choir in Bristol" (then the place goes too).
_MODIFIER = {
    "en": re.compile(
        r"\s+(?:with|for|offering|selling|serving|providing|doing|specialising|specializing)\b.*$",
        re.IGNORECASE,
    ),
    "fi": re.compile(r"\s+(?:jossa|jolla|joka|jotka|jonka)\b.*$", re.IGNORECASE),
    "et": re.compile(r"\s+(?:kus|mis|kes|mille|kelle|koos)\b.*$", re.IGNORECASE),
}
_PLACE = {
    "en": re.compile(r"\s+(?:in|at|near)\s+[A-ZÄÖÅ][\w-]*(?:\s+[A-ZÄÖÅ][\w-]*)*$"),
    "fi": re.compile(r"(?:\s+[A-ZÄÖÅ][\w-]*n)?\s+[A-ZÄÖÅ][\w-]*(?:ssa|ssä|lla|llä)$"),
    "et": re.compile(r"\s+[A-ZÄÖÕÜ][\w-]*(?:s|l)$"),
}
_TWO_PEOPLE = re.compile(r"\s(?:and|ja|ning|&)\s+[A-ZÄÖÅÕÜŠŽ]")
_NAMED = re.compile(r"^\s*([A-ZÄÖÅÕÜŠŽ][a-zäöåõüšž]+)(?:\s*,|\s+\d)")
# A name further in: "Eläkkeellä oleva Helmi, joka...", "Laojuht Margus, kes..." (not a place
# after a preposition: "women in Tartu, who...").
_NAMED_INSIDE = re.compile(
    r"(?<![.!?])\s(?<!\sin\s)(?<!\sat\s)(?<!\sfrom\s)([A-ZÄÖÅÕÜŠŽ][a-zäöåõüšž]{2,})(?=\s*,|\s*$)"
)


def short_name(business: str, lang: Lang) -> str:
    """The business's name: its first clause, without a trailing place, in a few words."""
    head = _CLAUSE_END.split(business.strip(), maxsplit=1)[0].strip()
    spoken = _SPEAKER[lang].sub("", head).strip()
    if spoken and spoken != head:
        head = spoken[:1].upper() + spoken[1:]
    if lang == "en":
        head = _RELATIVE.sub("", head).strip() or head
    head = _MODIFIER[lang].sub("", head).strip() or head
    words = head.split()
    if len(words) > 1:
        head = _PLACE[lang].sub("", head).strip() or head
    words = head.split()[:MAX_TITLE_WORDS]
    while len(words) > 1 and words[-1].lower() in stopwords():  # never end on "and", "ja"
        words.pop()
    return " ".join(words)


def persona_name(answers: InterviewAnswers) -> str:
    """The persona's first name: the one the person gave ("Anna, 30, ..."), else a common
    name of the map's country, the same for the same business."""
    who = answers.persona.who
    if _TWO_PEOPLE.search(who):  # "Mari and Jaan": the person's own words, for the critic to see
        return who.split(",")[0].strip()[:80]
    named = _NAMED.match(who) or _NAMED_INSIDE.search(who)
    if named:
        return named.group(1)
    names, lang = first_names(), answers.language
    said = " ".join([answers.business, answers.industry or "", who, *answers.persona.goals])
    women = _cue_count(said, names.women_cues.all())
    men = _cue_count(said, names.men_cues.all())
    if women > men:
        choices = names.women.get(lang)
    elif men > women:
        choices = names.men.get(lang)
    else:  # nothing says: either
        choices = [n for pair in zip(names.women.get(lang), names.men.get(lang)) for n in pair]
    seed = hashlib.sha256(f"{answers.business}|{answers.persona.who}".encode()).digest()[0]
    return choices[seed % len(choices)]


def _cue_count(text: str, cues: list[str]) -> int:
    """How many of ``cues`` stand in ``text`` as whole words ("men" is not in "menu")."""
    words = set(re.findall(r"[^\W_]+(?:'s?)?", text.lower()))
    return sum(1 for cue in cues if cue.lower() in words)


def persona(answers: InterviewAnswers, fit: TradeFit, plan: StagePlan) -> Persona:
    said, lang = answers.persona, answers.language
    trade = fit.primary
    goal = fit.customer_goal
    thoughts = trade.roles["compare"].thoughts
    quote = next((t for t in thoughts if fit.belongs(trade, t)), thoughts[0])
    suggestion = Provenance(kind="pattern", source=kb_source("personas", lang))
    return Persona(
        name=persona_name(answers),
        segment=said.who,
        b2b_role=said.who if answers.model == "b2b" and said.who else None,
        goals=list(said.goals) or [goal("use").get(lang)],
        needs=[goal("commit").get(lang), goal("support").get(lang)],
        motivations=[goal("need").get(lang)],
        frustrations=list(said.frustrations) or list(answers.pain_points)[:3],
        preferred_channels=list(answers.channels),
        quote=quote.get(lang),
        evidence=[Source(doc_id="user/evidence", title=item) for item in answers.evidence],
        provenance=Provenance(kind="user") if said.who or said.goals else suggestion,
    )


def title(answers: InterviewAnswers) -> str:
    lang = answers.language
    key = {"future-state": "future_title", "day-in-the-life": "day_title"}.get(
        answers.map_type or "", "map_title"
    )
    business = short_name(answers.business, lang) or t("default_business", lang)
    return t(key, lang, business=business)


def scenario(answers: InterviewAnswers, plan: StagePlan, name: str) -> str:
    lang = answers.language
    if plan.model is not None:
        return plan.model.scenario.get(lang).format(name=name)
    stages = " → ".join(stage.name for stage in plan.stages)
    return t("scenario_custom", lang, name=name, stages=stages)
