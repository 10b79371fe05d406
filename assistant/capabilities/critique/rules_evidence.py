"""How much of a map was observed, reported or assumed, and whether its customer quotes are
the customers' own words with the place they were heard."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.capabilities.critique.context import (
    Check,
    Entry,
    Hit,
    MapContext,
    every_item,
    stage_items,
    text_of,
)
from assistant.capabilities.critique.cues import has_cue, lane_items, map_statements, states
from assistant.domain import Item, JourneyMap, Lang, Provenance
from assistant.language.vocabulary import mentions, vocabulary

HYPOTHESIS_SHARE = 50  # over this share of assumed entries, a map is a hypothesis map
MAX_UNCITED = 3
ASSUMED = ("pattern", "llm")
SOURCE_CUE = re.compile(
    r"source|according|lähde|mukaan|allika|järgi|seed-|\([^)]*\d{4}[^)]*\)|https?://"
    r"|[\"”»“]\s*[—–]\s*\S|^\s*[—–]\s*\S|\s[—–]\s[^\"“”]+$",
    re.I,
)
_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]{8,})[\"“”„«»]")


def _assumed_share(items: list[Entry]) -> int:
    assumed = sum(text_of(i).strip() != "" and i.provenance.kind in ASSUMED for i in items)
    return round(100 * assumed / len(items)) if items else 0


def evidence_level(m: JourneyMap, c: MapContext) -> list[Hit]:
    """A map that is mostly assumptions (suggestions, not the person's nor their research's
    words) says it is a hypothesis map to be validated; an entry marked as evidence says
    where it was observed."""
    items = list(every_item(m))
    hits: list[Hit] = []
    share = _assumed_share(items)
    labelled = states(map_statements(m), "hypothesis", c.lang, c.meaning)
    if share > HYPOTHESIS_SHARE and not labelled:
        hits.append(("map", {"count": str(share)}))
    uncited = [i for i in items if i.provenance.kind == "evidence" and i.provenance.source is None]
    hits += [("map", {"item": text_of(i), "variant": "uncited"}) for i in uncited[:MAX_UNCITED]]
    return hits


def _flat(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _cites(text: str) -> bool:
    """The text names where it was heard: a source, a dated or dashed attribution, or a kind
    of research ("interview 4", "— Google review")."""
    kinds = [t for terms in vocabulary().evidence_kinds.values() for t in terms.all()]
    return bool(SOURCE_CUE.search(text)) or mentions(text, kinds) > 0


def _quote_candidates(m: JourneyMap, lang: Lang) -> Iterator[tuple[str, Item]]:
    """(stage, item) for every entry presented as something a customer said: a 'Quotes'
    lane, a research entry with a quote, or quoted words with a speech verb ("a guest
    wrote")."""
    for stage in m.stages:
        lane = lane_items(stage, "quotes")
        yield from ((stage.name, item) for item in lane)
        for entry in stage_items(stage):
            if not isinstance(entry, Item) or any(entry is i for i in lane):
                continue
            if _QUOTED.search(entry.text) and (
                entry.provenance.kind == "evidence" or _attributed(entry.text, lang)
            ):
                yield stage.name, entry


def _attributed(text: str, lang: Lang) -> bool:
    """Quoted words reported as said, by a speech verb outside the quotation marks ("a
    guest wrote: “…”"); a thought that has "said" inside its own quotes is no report."""
    return has_cue(_QUOTED.sub(" ", text), "speech", lang)


def _verdict(text: str, provenance: Provenance, suggested: set[str]) -> str | None:
    """None when the quote is sourced and verbatim; else the variant that says why not."""
    source = provenance.source
    if provenance.kind in ASSUMED or _flat(text) in suggested:
        return "suggested"
    if provenance.kind == "evidence" and source is not None:
        quoted = _QUOTED.search(text)
        words = _flat(quoted.group(1) if quoted else text)
        if source.snippet and words and words not in _flat(source.snippet):
            return "altered"
        return None
    return None if _cites(text) else "unsourced"


def _in_research(quote: str, m: JourneyMap) -> bool:
    """The quote stands word for word in a passage of the research the map cites."""
    sources = [*m.evidence, *(m.persona.evidence if m.persona else [])]
    sources += [e.provenance.source for e in every_item(m) if e.provenance.source]
    wanted = _flat(quote)
    return bool(wanted) and any(s.snippet and wanted in _flat(s.snippet) for s in sources)


def quotes_sourced(m: JourneyMap, c: MapContext) -> list[Hit]:
    """Every customer quote (the persona's, a 'Quotes' lane, quoted words someone said) is a
    customer's own words and cites where it was heard; research quotes match their source."""
    suggested = {_flat(text_of(e)) for e in every_item(m) if e.provenance.kind in ASSUMED}
    suggested.discard("")
    hits: list[Hit] = []
    persona = m.persona
    if persona and persona.quote.strip() and not _in_research(persona.quote, m):
        verdict = _verdict(persona.quote, persona.provenance, suggested)
        if verdict:
            hits.append(("persona", {"item": persona.quote, "variant": verdict}))
    for where, item in _quote_candidates(m, c.lang):
        verdict = _verdict(item.text, item.provenance, set())
        if verdict:
            hits.append((where, {"item": item.text, "variant": verdict}))
    return hits


CHECKS: dict[str, Check] = {
    "evidence-level": evidence_level,
    "quotes-sourced": quotes_sourced,
}
