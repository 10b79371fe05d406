"""Instructions to typed operations, offline, in en/fi/et (the phrasings in ``grammar.yaml``).

``understand`` returns ``None`` when the message is not an edit at all (a question, an
answer), an ``EditPlan`` with operations when it is clear, and an ``EditPlan`` with one
question and no operations when it names nothing in the map or could mean two things.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.capabilities.editing.apply import ITEM_LANES, entries, entry_text
from assistant.capabilities.editing.grammar import grammar, longest_at, tokens
from assistant.capabilities.editing.reading import (
    ItemRef,
    Quote,
    Reading,
    StageRef,
    all_terms,
    find_items,
    ordinal_at,
    read,
    stage_refs,
)
from assistant.domain import JourneyMap, Lang
from assistant.domain.edits import (
    PERSONA_LISTS,
    AddItem,
    AddStage,
    ChangeItem,
    EditPlan,
    MapField,
    MoveItem,
    MoveStage,
    Operation,
    PersonaField,
    RemoveItem,
    RemoveStage,
    RenameStage,
    SetEmotion,
    SetField,
    SetPersona,
)
from assistant.domain.models import MapType, TouchpointKind
from assistant.language.i18n import t
from assistant.language.vocabulary import find_channel, vocabulary
from assistant.llm.guards import is_injection

MAX_INSTRUCTION = 2000
VERB_REACH = 3  # an edit's verb stands among the first words ("please could you add")
_MARKUP = re.compile(r"<[^>]{0,200}>")
_EDGE = " \t\n.,;:!?-–—()[]{}\"'“”„«»"
_JOINERS = {"and", "ja", "ning", "&", "sekä", "plus"}
_NAME_AS = {"nimeks", "nimeksi", "nimeltä"}
_NAMING = {"for", "called", "named", "nimeltä", "nimeltään", "nimega", "nimelt"}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", text)).strip()


def _colon_content(text: str) -> int | None:
    """ "add a pain point to Visit: parking is hard to find": where the text of an added
    entry begins after a colon, so that its words name no stage or lane. Only for an
    instruction that opens with an add verb and quotes nothing, and not after an owner,
    metric or feeling word ("omistaja: Myynti", "tunne: -1")."""
    if any(mark in text for mark in ('"', "“", "”", "«", "„")) or ": " not in text:
        return None
    before, after = text.split(": ", 1)
    words = tokens(before)
    g = grammar()
    if not words or not after.strip() or not longest_at(g.verbs["add"].all(), words, 0):
        return None
    annotations = (
        g.owner_words.all() + g.metric_words.all() + g.lanes["emotion"].all() + g.to_words.all()
    )
    if longest_at(annotations, words, len(words) - 1):
        return None
    return len(before) + 2


def ask(question: str, lang: Lang, **values: object) -> EditPlan:
    return EditPlan(question=t(question, lang, **values))


@dataclass
class _Parse:
    """One instruction being understood against one map."""

    reading: Reading
    journey: JourneyMap
    lang: Lang
    taken: list[Quote] = field(default_factory=list)  # quotes used as owner or metric values

    # --- finding ---------------------------------------------------------------------
    def find(self, terms: list[str]) -> list[tuple[int, int]]:
        return self.reading.has(terms)

    def first(self, terms: list[str]) -> tuple[int, int] | None:
        found = self.find(terms)
        return found[0] if found else None

    def verb(self) -> tuple[str, int, int] | None:
        """The instruction's verb: the earliest verb word (kind, token, length); a verb
        with its particle ("ota ... pois") first, the particle then used up."""
        words = self.reading.words
        for particle_verb in grammar().particle_verbs:
            for at in range(min(VERB_REACH + 1, len(words))):
                if not longest_at(particle_verb.verbs, words, at):
                    continue
                particle = next(
                    (
                        i
                        for i in range(at + 1, len(words))
                        if longest_at(particle_verb.particles, words, i)
                    ),
                    None,
                )
                if particle is not None:
                    self.reading.use(particle)
                    return particle_verb.kind, at, 1
        best: tuple[str, int, int] | None = None
        for kind, terms in grammar().verbs.items():
            for at, length in self.find(terms.all()):
                if kind == "feel" and best is not None:
                    continue
                if best is None or at < best[1] or (best[0] == "feel" and kind != "feel"):
                    best = (kind, at, length)
                break
        return best

    def lanes(self) -> list[tuple[str, int, int]]:
        """(lane, token, length) of every lane word, the extra lanes by their names."""
        found: list[tuple[str, int, int]] = []
        words = self.reading.words
        extra = {name for stage in self.journey.stages for name in stage.extra_lanes}
        for at in range(len(words)):
            for name in sorted(extra):
                wanted = [w.lower() for w in re.findall(r"[^\W_]+", name)]
                if wanted and all(
                    at + k < len(words) and words[at + k].text.startswith(w[: max(4, len(w) - 2)])
                    for k, w in enumerate(wanted)
                ):
                    found.append((name, at, len(wanted)))
        for lane, terms in grammar().lanes.items():
            for at, length in self.find(terms.all()):
                if not any(a <= at < a + n for _, a, n in found):
                    found.append((lane, at, length))
        start = self.reading.content_from
        if start is not None:
            found = [f for f in found if f[1] < start]
        return sorted(found, key=lambda f: f[1])

    def stages(self) -> list[StageRef]:
        found = stage_refs(self.reading, self.journey)
        start = self.reading.content_from
        return found if start is None else [r for r in found if r.first < start]

    # --- text left over ----------------------------------------------------------------
    def leftover(self, skip: set[int], start: int = 0, end: int | None = None) -> str:
        """The person's words not used for anything else, as typed, between two tokens: the
        longest unbroken run of them, without the filler words at its ends."""
        words = self.reading.words
        end = len(words) if end is None else end
        fillers = all_terms(grammar().fillers) + all_terms(grammar().into_words)
        kept = [i for i in range(start, end) if i not in skip]
        if not kept:
            return ""
        runs: list[list[int]] = [[kept[0]]]
        for i in kept[1:]:
            if i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            while run and longest_at(fillers, words, run[0]):
                run.pop(0)
            while run and longest_at(fillers, words, run[-1]):
                run.pop()
        runs = [run for run in runs if run]
        if not runs:
            return ""
        longest = max(runs, key=len)
        text = self.reading.text[words[longest[0]].start : words[longest[-1]].end]
        return text.strip(_EDGE)

    def quoted(self) -> list[str]:
        """The quotes that name an entry or a new text (not those given as owner or metric)."""
        return [
            _clean(q.text) for q in self.reading.quotes if _clean(q.text) and q not in self.taken
        ]

    def arrow(self) -> int | None:
        """The first token after "->" / "→" / "=>" outside quotes (old -> new), if any."""
        text = self.reading.text
        for match in re.finditer(r"->|→|=>|⇒", text):
            if any(q.start <= match.start() < q.end for q in self.reading.quotes):
                continue
            return next(
                (i for i, w in enumerate(self.reading.words) if w.start >= match.end()),
                len(self.reading.words),
            )
        return None


def _capitalised(text: str) -> str:
    text = text.strip(_EDGE)
    for article in ("a ", "an ", "the "):
        if text.lower().startswith(article):
            text = text[len(article) :]
    return text[:1].upper() + text[1:]


def understand(instruction: str, journey: JourneyMap) -> EditPlan | None:
    """What ``instruction`` asks to change in ``journey`` (see the module docstring)."""
    lang = journey.language
    if len(instruction) > MAX_INSTRUCTION:
        return ask("edit_too_long", lang, limit=MAX_INSTRUCTION)
    text = _clean(instruction)
    if is_injection(instruction):
        return ask("edit_injection", lang)
    reading = read(text)
    colon = _colon_content(text)
    if colon is not None:
        reading.content_from = next(
            (i for i, w in enumerate(reading.words) if w.start >= colon), None
        )
    parse = _Parse(reading, journey, lang)
    verb = parse.verb()
    scores = _scores(parse)
    if scores is not None and (verb is None or verb[0] in ("change", "feel")):
        if verb is not None:
            reading.use(verb[1], verb[2])
        return _score(parse, scores)
    if verb is None:
        return _verbless_emotion(parse)
    if verb[1] > VERB_REACH and verb[0] != "feel":
        return None
    kind, at, length = verb
    reading.use(at, length)
    if kind == "feel" and _emotion_said(parse) is None:
        kind = "change"  # "X:n vastuuhenkilö on Maija": a statement of a new value
    if not [i for i in range(len(reading.words)) if i not in reading.used] and not reading.quotes:
        return ask("edit_unclear", lang)
    handler = {
        "add": _add,
        "remove": _remove,
        "rename": _rename,
        "change": _change,
        "move": _move,
        "feel": _feel,
    }[kind]
    plan = handler(parse)
    return plan


# --- shared pieces ------------------------------------------------------------------------


def _persona(parse: _Parse) -> tuple[PersonaField | None, set[int]] | None:
    """The persona field named, when the instruction is about the persona."""
    g = grammar()
    hit = parse.first(all_terms(g.persona_words))
    if hit is None:
        return None
    used = set(range(hit[0], hit[0] + hit[1]))
    for name, terms in g.persona_fields.items():
        for at, length in parse.find(terms.all()):
            if at not in used:
                return name, used | set(range(at, at + length))
    return None, used


def _map_field(parse: _Parse, exclude: set[int]) -> tuple[MapField, set[int]] | None:
    """The map field named first in the instruction, with every token naming it
    ("ülevaatuse sageduseks": both words name the review cadence)."""
    found: list[tuple[int, MapField]] = [
        (at, name)
        for name, terms in grammar().map_fields.items()
        for at, _ in parse.find(terms.all())
        if at not in exclude
    ]
    if not found:
        return None
    first, name = min(found)
    used = {
        i
        for at, length in parse.find(grammar().map_fields[name].all())
        if at not in exclude
        for i in range(at, at + length)
    }
    return name, used | {first}


def _map_type(text: str) -> MapType | None:
    flat = " " + " ".join(re.findall(r"[^\W_]+", text.lower())) + " "
    best: tuple[int, MapType] | None = None
    for kind, terms in grammar().map_types.items():
        for term in terms.all():
            key = " " + " ".join(re.findall(r"[^\W_]+", term.lower()))
            if key.strip() and key in flat and (best is None or len(key) > best[0]):
                best = (len(key), kind)
    return best[1] if best else None


def _targets(refs: list[StageRef], parse: _Parse) -> list[StageRef]:
    """The stages an item goes to: the marked ones (or all), joined by "and"."""
    if not refs:
        return []
    marked = [r for r in refs if r.marked] or refs
    words = parse.reading.words
    chosen = [marked[-1]]
    for ref in reversed(marked[:-1]):
        between = [w.text for w in words[ref.last + 1 : chosen[0].first]]
        if between and all(w in _JOINERS for w in between):
            chosen.insert(0, ref)
    if len(chosen) == 1 and len(refs) > 1:
        for ref in reversed(refs[:-1]):
            between = [w.text for w in words[ref.last + 1 : chosen[0].first]]
            if between and all(w in _JOINERS for w in between):
                chosen.insert(0, ref)
    return chosen


def _ref_tokens(refs: Sequence[StageRef], parse: _Parse) -> set[int]:
    used: set[int] = set()
    stage_words = all_terms(grammar().stage_words)
    for ref in refs:
        used.update(range(ref.first, ref.last + 1))
        extra = longest_at(stage_words, parse.reading.words, ref.last + 1)
        used.update(range(ref.last + 1, ref.last + 1 + extra))
    return used


def _annotations(parse: _Parse) -> tuple[str | None, str | None, set[int], int | None]:
    """An opportunity's owner and metric ("owned by X", "mittari: Y"): values, the tokens
    they use, and where the first of them begins."""
    g = grammar()
    words = parse.reading.words
    marks = []
    for key, terms in (("owner", g.owner_words), ("metric", g.metric_words)):
        for at, length in parse.find(terms.all()):
            marks.append((at, length, key))
    if not marks:
        return None, None, set(), None
    marks.sort()
    values: dict[str, str] = {}
    used: set[int] = set()
    text = parse.reading.text
    for n, (at, length, key) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(words)
        after = words[at + length - 1].end
        quote = next(
            (q for q in parse.reading.quotes if 0 <= q.start - after <= 3 and q not in parse.taken),
            None,
        )
        if quote is not None:
            parse.taken.append(quote)
            values[key] = _clean(quote.text)
            used.update(range(at, at + length))
            continue
        stop = next(
            (
                i
                for i in range(at + length, end)
                if words[i].text in _JOINERS and not text[: words[i].start].rstrip().endswith("-")
            ),
            end,
        )
        if stop > at + length:
            start_char, end_char = words[at + length].start, words[stop - 1].end
            value = parse.reading.text[start_char:end_char].strip(_EDGE)
            values[key] = value[:1].upper() + value[1:]
        used.update(range(at, max(stop, at + length)))
    return values.get("owner"), values.get("metric"), used, marks[0][0]


def _lane_of(parse: _Parse, lanes: list[tuple[str, int, int]]) -> str | None:
    item_lanes = [lane for lane, _, _ in lanes if lane != "emotion"]
    return item_lanes[0] if item_lanes else None


def _locate(
    parse: _Parse, words: str, stages: list[int] | None, lane: str | None
) -> ItemRef | EditPlan:
    """The one entry ``words`` names, or a question back."""
    lang = parse.lang
    found = find_items(parse.journey, words, stages, [lane] if lane else None)
    if not found or found[0].score < 0.5:
        return ask("edit_no_item_named", lang, words=words)
    best = found[0]
    rivals = [r for r in found[1:] if abs(r.score - best.score) < 1e-6]
    if rivals:
        options = [best, *rivals][:3]
        named = "; ".join(
            f"“{entry_text(entries(parse.journey.stages[r.stage], r.lane)[r.index])}” "
            f"({parse.journey.stages[r.stage].name})"
            for r in options
        )
        return ask("edit_which_item", lang, options=named)
    return best


def _item_ordinal(parse: _Parse, lanes: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """ "the third pain point": (index, token of the ordinal)."""
    for _, at, _ in lanes:
        if at > 0:
            position = ordinal_at(parse.reading, at - 1)
            if position is not None:
                return position, at - 1
    return None


def _locate_item(
    parse: _Parse,
    refs: list[StageRef],
    lanes: list[tuple[str, int, int]],
    skip: set[int],
    end: int | None = None,
) -> ItemRef | EditPlan:
    """The item an instruction is about: by ordinal in a lane, by quote or by its words."""
    lane = _lane_of(parse, lanes)
    stages = [r.stage for r in refs] or None
    ordinal = _item_ordinal(parse, lanes)
    if ordinal is not None and lane is not None and stages and len(stages) == 1:
        index, _ = ordinal
        items = entries(parse.journey.stages[stages[0]], lane)
        index = len(items) - 1 if index == -1 else index
        if 0 <= index < len(items):
            return ItemRef(stages[0], lane, index, 1.0)
        return ask("edit_no_item_named", parse.lang, words=str(index + 1))
    quotes = parse.quoted()
    words = quotes[0] if quotes else parse.leftover(skip, 0, end)
    if not words:
        return ask("edit_which_item_unnamed", parse.lang)
    return _locate(parse, words, stages, lane)


def _position(
    parse: _Parse, refs: list[StageRef], moving: int | None
) -> tuple[int | None, set[int]]:
    """Where a stage goes: after / before / between named stages, first, last, or an
    ordinal; (None, ...) when the instruction does not say (the end)."""
    g = grammar()
    words = parse.reading.words
    used: set[int] = set()
    count = len(parse.journey.stages)

    def final(index: int) -> int:
        if moving is None:
            return index
        return index - 1 if moving < index else index

    for terms, offset in ((g.after_words, 1), (g.before_words, 0)):
        for at, length in parse.find(all_terms(terms)):
            near = [
                r
                for r in refs
                if r.stage != moving
                and (r.first == at + length or r.last + 1 == at or r.last + 2 == at)
            ]
            if near:
                ref = near[0]
                used |= set(range(at, at + length)) | _ref_tokens([ref], parse)
                return final(ref.stage + offset), used
    for at, length in parse.find(all_terms(g.between_words)):
        near = [r for r in refs if r.stage != moving]
        if len(near) >= 2:
            used |= set(range(at, at + length)) | _ref_tokens(near[:2], parse)
            return final(max(near[0].stage, near[1].stage)), used
    hit = parse.first(all_terms(g.start_words))
    if hit:
        return 0, set(range(hit[0], hit[0] + hit[1]))
    hit = parse.first(all_terms(g.last_words))
    if hit:
        return (None if moving is None else count - 1), set(range(hit[0], hit[0] + hit[1]))
    for at in range(len(words)):
        if at in parse.reading.used or any(
            r.first <= at <= r.last for r in refs if r.stage == moving
        ):
            continue
        position = ordinal_at(parse.reading, at)
        if position is not None and position >= 0 and not words[at].text.isdigit():
            return position, {at}
    return None, used


def _new_stage_word(parse: _Parse, refs: list[StageRef]) -> int | None:
    """A stage word that asks for a new stage: "add a stage", "a Rebooking stage", "uusi
    vaihe", "lisa etapp ...", "a stage for rebooking". A stage word after an unknown name
    ("to the Repair stage", "Huolto-vaiheeseen") names a stage the map lacks, not a new one."""
    g = grammar()
    words = parse.reading.words
    stage_words, new_words = all_terms(g.stage_words), all_terms(g.new_words)
    fillers = set(all_terms(g.fillers))
    placing_terms = all_terms(g.after_words) + all_terms(g.before_words)
    placed = [r for r in refs if r.first > 0 and longest_at(placing_terms, words, r.first - 1)]
    owned = _ref_tokens([r for r in refs if r not in placed], parse)
    owned |= {i for r in placed for i in range(r.first, r.last + 1)}
    verb_end = max(parse.reading.used, default=-1)
    for at, length in parse.find(stage_words):
        if at in owned:
            continue
        near = [i for i in (at - 1, at - 2) if i >= 0 and longest_at(new_words, words, i)]
        placing = set(all_terms(g.after_words) + all_terms(g.before_words))
        first_after_verb = all(
            i in parse.reading.used or i in owned or f"={words[i].text}" in fillers | placing
            for i in range(verb_end + 1, at)
        )
        named = at + length < len(words) and words[at + length].text in _NAMING
        if near or first_after_verb or named:
            return at
    return None


# --- the verbs --------------------------------------------------------------------------


def _add(parse: _Parse) -> EditPlan:
    lang, journey = parse.lang, parse.journey
    persona = _persona(parse)
    if persona is not None:
        return _persona_edit(parse, persona, "add")
    lanes = parse.lanes()
    refs = parse.stages()
    item_lanes = [lane for lane in lanes if lane[0] != "emotion"]
    if len(item_lanes) < len(lanes) and not item_lanes:
        return _set_emotion(parse, refs)  # "laita Oston tunteeksi +1"
    if refs and not item_lanes and _names_it(parse):
        return _rename_stage(parse, refs)  # "Pane viimase etapi nimeks 'Pärast reisi'"
    new_stage = _new_stage_word(parse, refs)
    as_new = [r for r in refs if r.by_position and _is_translative(parse, r)]
    if not item_lanes and (new_stage is not None or (as_new and len(as_new) == len(refs))):
        return _add_stage(parse, [r for r in refs if r not in as_new], new_stage)
    owner, metric, note_used, note_start = _annotations(parse)
    lane = _lane_of(parse, lanes)
    targets = _targets([r for r in refs if not r.by_position] or refs, parse)
    skip = set(parse.reading.used) | _ref_tokens(targets, parse) | note_used | _kind_tokens(parse)
    for name, at, length in lanes:
        if name == lane:
            skip |= set(range(at, at + length))
            break
    quotes = parse.quoted()
    content = parse.reading.content_from or 0
    text = quotes[0] if quotes else _capitalised(parse.leftover(skip, content, note_start))
    if not text:
        return ask("edit_what_text", lang)
    if lane is None:
        if find_channel(text) is None:
            return ask("edit_which_lane", lang, text=text)
        lane = "touchpoints"
    if not targets:
        if _looks_like_stage(parse):
            return ask("edit_no_such_stage", lang, stages=_stage_list(journey))
        return ask("edit_which_stage", lang, stages=_stage_list(journey))
    kind = _kind_said(parse) if lane == "touchpoints" else None
    if lane != "opportunities":
        owner = metric = None
    return EditPlan(
        operations=[
            AddItem(stage=ref.stage, lane=lane, text=text, kind=kind, owner=owner, metric=metric)
            for ref in targets
        ]
    )


def _names_it(parse: _Parse) -> bool:
    return any(w.text in _NAME_AS for w in parse.reading.words)


def _is_translative(parse: _Parse, ref: StageRef) -> bool:
    """ "ensimmäiseksi vaiheeksi", "esimeseks etapiks", "as the first stage": where a new
    stage goes, not a stage of the map."""
    words = parse.reading.words
    first = words[ref.first].text
    before = words[ref.first - 1].text if ref.first > 0 else ""
    return first.endswith(("ksi", "ks")) or before == "as"


def _kind_words(parse: _Parse) -> list[tuple[TouchpointKind, int, int]]:
    """ "online" / "kivijalassa" said of a touchpoint (not inside the entry's own text)."""
    end = parse.reading.content_from
    return [
        (kind, at, length)
        for kind, terms in grammar().kinds.items()
        for at, length in parse.find(terms.all())
        if end is None or at < end
    ]


def _kind_tokens(parse: _Parse) -> set[int]:
    return {i for _, at, length in _kind_words(parse) for i in range(at, at + length)}


def _kind_said(parse: _Parse) -> TouchpointKind | None:
    found = _kind_words(parse)
    return found[0][0] if found else None


def _looks_like_stage(parse: _Parse) -> bool:
    return bool(parse.find(all_terms(grammar().stage_words)))


def _stage_list(journey: JourneyMap) -> str:
    return ", ".join(stage.name for stage in journey.stages)


def _add_stage(parse: _Parse, refs: list[StageRef], stage_word: int | None) -> EditPlan:
    position, used = _position(parse, refs, None)
    skip = set(parse.reading.used) | used
    if stage_word is not None:
        skip.add(stage_word)
    skip |= {
        i
        for i, w in enumerate(parse.reading.words)
        if longest_at(all_terms(grammar().stage_words), parse.reading.words, i)
    }
    quotes = parse.quoted()
    name = quotes[0] if quotes else _capitalised(parse.leftover(skip))
    if not name:
        return ask("edit_stage_name", parse.lang)
    if position is not None and position >= len(parse.journey.stages):
        position = None
    return EditPlan(operations=[AddStage(name=name, position=position)])


def _remove(parse: _Parse) -> EditPlan:
    lang, journey = parse.lang, parse.journey
    g = grammar()
    persona = _persona(parse)
    if persona is not None:
        return _persona_edit(parse, persona, "remove")
    refs = parse.stages()
    lanes = [lane for lane in parse.lanes() if lane[0] != "emotion"]
    if parse.first(all_terms(g.all_words)) and _looks_like_stage(parse) and not lanes:
        return ask("edit_not_all_stages", lang)
    skip = set(parse.reading.used) | _ref_tokens(refs, parse)
    for _, at, length in lanes:
        skip |= set(range(at, at + length))
    leftover = parse.leftover(skip)
    if not lanes and not parse.quoted() and not leftover:
        if len(refs) == 1:
            if len(journey.stages) == 1:
                return ask("edit_not_all_stages", lang)
            return EditPlan(operations=[RemoveStage(stage=refs[0].stage)])
        if not refs:
            return ask("edit_which_stage", lang, stages=_stage_list(journey))
        return ask("edit_unclear", lang)
    if not refs and not lanes and not parse.quoted() and _looks_like_stage(parse):
        return ask("edit_no_such_stage", lang, stages=_stage_list(journey))
    targets = _targets(refs, parse) if len(refs) > 1 else refs
    operations: list[Operation] = []
    for group in [[ref] for ref in targets] if len(targets) > 1 else [refs]:
        found = _locate_item(parse, group, lanes, skip)
        if isinstance(found, EditPlan):
            return found
        operations.append(RemoveItem(stage=found.stage, lane=found.lane, index=found.index))
    return EditPlan(operations=operations)


def _split_at_to(parse: _Parse, skip: set[int]) -> tuple[int | None, int]:
    """Where the new value begins: an arrow ("old -> new"), else the first "to" word
    outside the used ones (token, length)."""
    arrow = parse.arrow()
    if arrow is not None:
        return arrow, 0
    found = [
        (at, length) for at, length in parse.find(all_terms(grammar().to_words)) if at not in skip
    ]
    return (found[0][0], found[0][1]) if found else (None, 0)


def _new_value(parse: _Parse, skip: set[int]) -> str:
    """The new wording: the last quote, or the words after the last "to"."""
    quotes = parse.quoted()
    if quotes:
        return quotes[-1]
    at, length = _split_at_to(parse, skip)
    if at is None:
        return ""
    return parse.leftover(skip, at + length)


def _rename(parse: _Parse) -> EditPlan:
    persona = _persona(parse)
    if persona is not None:
        return _persona_edit(parse, ("name", persona[1]), "set")
    map_word = parse.first(all_terms(grammar().map_words))
    refs = [r for r in parse.stages()]
    if map_word is not None and not refs:
        value = _new_value(parse, set(parse.reading.used) | {map_word[0]})
        return _field_plan(parse, "title", value)
    lanes = [lane for lane in parse.lanes() if lane[0] != "emotion"]
    if lanes:
        return _change_item(parse, refs, lanes)
    return _rename_stage(parse, refs)


def _rename_stage(parse: _Parse, refs: list[StageRef]) -> EditPlan:
    lang = parse.lang
    if not refs:
        if _looks_like_stage(parse) or parse.reading.words:
            return ask("edit_no_such_stage", lang, stages=_stage_list(parse.journey))
        return ask("edit_unclear", lang)
    ref = refs[0]
    skip = set(parse.reading.used) | _ref_tokens([ref], parse)
    quotes = parse.quoted()
    if quotes:
        name = quotes[-1]
    else:
        at, length = _split_at_to(parse, skip)
        start = ref.last + 1 if at is None else at + length
        name = _capitalised(_nominative(parse.leftover(skip, start), lang))
    if not name:
        return ask("edit_stage_name", lang)
    return EditPlan(operations=[RenameStage(stage=ref.stage, name=name)])


def _nominative(value: str, lang: Lang) -> str:
    """A one-word name in the translative ("Mariksi", "Mariks") as the person would write
    it alone; longer values are kept as typed."""
    if " " in value.strip():
        return value
    lower = value.lower()
    if lower.endswith("ksi") and len(value) > 5:
        return value[:-3]
    if lower.endswith("ks") and len(value) > 4:
        stem = value[:-2]
        if stem.lower().endswith("ise"):
            return stem[:-3] + "ine"
        return stem
    return value


def _swap(parse: _Parse, refs: list[StageRef]) -> EditPlan | None:
    """Two stages exchanged: two moves (one when they stand side by side)."""
    g = grammar()
    words = parse.reading.words
    swapping = any(longest_at(all_terms(g.swap_words), words, i) for i in range(len(words)))
    stages = sorted({r.stage for r in refs})
    if not swapping or len(stages) != 2 or parse.lanes() or parse.quoted():
        return None
    first, second = stages
    operations: list[Operation] = [MoveStage(stage=second, position=first)]
    if second - first > 1:
        operations.append(MoveStage(stage=first + 1, position=second))
    return EditPlan(operations=operations)


def _change(parse: _Parse) -> EditPlan:
    lang = parse.lang
    swapped = _swap(parse, parse.stages())
    if swapped is not None:
        return swapped
    persona = _persona(parse)
    if persona is not None:
        return _persona_edit(parse, persona, "set")
    refs = parse.stages()
    lanes = parse.lanes()
    emotion = [lane for lane in lanes if lane[0] == "emotion"]
    item_lanes = [lane for lane in lanes if lane[0] != "emotion"]
    if emotion or (_emotion_said(parse) is not None and refs and not item_lanes):
        return _set_emotion(parse, refs)
    owner_or_metric = parse.find(
        all_terms(grammar().owner_words) + all_terms(grammar().metric_words)
    )
    if item_lanes or (owner_or_metric and parse.quoted()):
        return _change_item(parse, refs, item_lanes)
    used = set(parse.reading.used) | _ref_tokens(refs, parse)
    words = parse.reading.words
    field = _map_field(parse, used)
    used |= {i for i in range(len(words)) if longest_at(all_terms(grammar().map_words), words, i)}
    if field is not None and not (field[0] == "title" and refs):
        value = _new_value(parse, used | field[1])
        if not value:
            value = parse.leftover(used | field[1], max(field[1]) + 1)
        if not value:
            value = parse.leftover(used | field[1])
        return _field_plan(parse, field[0], value)
    if refs:
        return _rename_stage(parse, refs)
    return ask("edit_unclear", lang)


def _change_item(
    parse: _Parse, refs: list[StageRef], lanes: list[tuple[str, int, int]]
) -> EditPlan:
    """Reword an entry, or set an opportunity's owner or metric. The entry is named by a
    quote or its words before the "to" (or the owner / metric word); the new value is the
    last quote or the words after it."""
    g = grammar()
    words = parse.reading.words
    skip = set(parse.reading.used) | _ref_tokens(refs, parse)
    for _, at, length in lanes:
        skip |= set(range(at, at + length))
    skip |= {i for i, w in enumerate(words) if longest_at(all_terms(g.map_words), words, i)}
    owner_marks = [m for m in parse.find(all_terms(g.owner_words)) if m[0] not in skip]
    metric_marks = [m for m in parse.find(all_terms(g.metric_words)) if m[0] not in skip]
    marks = owner_marks or metric_marks
    split: int | None
    value_from: int | None
    if marks:
        mark, mark_len = marks[0]
        skip |= set(range(mark, mark + mark_len))
        to_at, to_len = _split_at_to(parse, skip | set(range(0, mark + mark_len)))
        if to_at is not None:  # "the owner of X to Y": X is named before the "to"
            split, split_len = to_at, to_len
        else:  # "X:n omistajaksi Y"
            split, split_len = mark, mark_len
        value_from = split + split_len
    else:
        split, split_len = _split_at_to(parse, skip)
        value_from = None if split is None else split + split_len
    if split is not None:
        skip |= set(range(split, split + split_len))
    quotes = [q for q in parse.reading.quotes if q not in parse.taken]
    split_char = (
        words[split].start if split is not None and split < len(words) else len(parse.reading.text)
    )
    before = [q for q in quotes if q.start < split_char]
    after = [q for q in quotes if q.start >= split_char]
    if len(quotes) >= 2:
        locator, new_value = _clean(quotes[0].text), _clean(quotes[-1].text)
    elif after:
        locator = parse.leftover(skip, 0, split)
        new_value = _clean(after[0].text)
    elif before:
        locator = _clean(before[0].text)
        new_value = parse.leftover(skip, value_from) if value_from is not None else ""
        new_value = _capitalised(new_value) if not marks else new_value
    else:
        locator = parse.leftover(skip, 0, split)
        new_value = parse.leftover(skip, value_from) if value_from is not None else ""
        new_value = _capitalised(new_value) if not marks else new_value
    if not new_value:
        return ask("edit_new_text", parse.lang)
    lane = _lane_of(parse, lanes)
    stages = [r.stage for r in refs] or None
    ordinal = _item_ordinal(parse, lanes)
    if ordinal is not None and lane is not None and stages and len(stages) == 1:
        found = _locate_item(parse, refs, lanes, skip)
    elif not locator:
        return ask("edit_which_item_unnamed", parse.lang)
    else:
        found = _locate(parse, locator, stages, lane)
    if isinstance(found, EditPlan):
        return found
    if owner_marks:
        op = ChangeItem(stage=found.stage, lane=found.lane, index=found.index, owner=new_value)
    elif metric_marks:
        op = ChangeItem(stage=found.stage, lane=found.lane, index=found.index, metric=new_value)
    else:
        op = ChangeItem(stage=found.stage, lane=found.lane, index=found.index, text=new_value)
    if (op.owner is not None or op.metric is not None) and found.lane != "opportunities":
        return ask("edit_owner_only_opportunity", parse.lang)
    return EditPlan(operations=[op])


def _scores(parse: _Parse) -> tuple[int | None, int | None, set[int]] | None:
    """The value and effort an instruction gives an opportunity ("value 4", "arvoksi 5",
    "pingutus 2"): each the first number after its word, before the other one's word, and
    the tokens they use; None when it gives neither."""
    g = grammar()
    words = parse.reading.words
    marks = sorted(
        (at, length, key)
        for key, terms in (("value", g.value_words), ("effort", g.effort_words))
        for at, length in parse.find(all_terms(terms))
    )
    found: dict[str, int] = {}
    used: set[int] = set()
    for n, (at, length, key) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(words)
        number = next((i for i in range(at + length, end) if words[i].text.isdigit()), None)
        if number is None or not 1 <= int(words[number].text) <= 5 or key in found:
            continue
        found[key] = int(words[number].text)
        used |= set(range(at, at + length)) | {number}
    if not found:
        return None
    return found.get("value"), found.get("effort"), used


def _score(parse: _Parse, scores: tuple[int | None, int | None, set[int]]) -> EditPlan:
    """Give an opportunity a new value and/or effort: it is named by a quote or by the
    words the instruction leaves over."""
    value, effort, used = scores
    g = grammar()
    words = parse.reading.words
    refs = parse.stages()
    lanes = [lane for lane in parse.lanes() if lane[0] != "emotion"]
    skip = set(parse.reading.used) | used | _ref_tokens(refs, parse)
    for _, at, length in lanes:
        skip |= set(range(at, at + length))
    to_terms = all_terms(g.to_words)
    skip |= {i for i, w in enumerate(words) if w.text.isdigit() or longest_at(to_terms, words, i)}
    quotes = parse.quoted()
    locator = quotes[0] if quotes else parse.leftover(skip)
    if not locator:
        return ask("edit_which_item_unnamed", parse.lang)
    stages = [r.stage for r in refs] or None
    found = _locate(parse, locator, stages, "opportunities")
    if isinstance(found, EditPlan):
        return found
    op = ChangeItem(
        stage=found.stage, lane=found.lane, index=found.index, value=value, effort=effort
    )
    return EditPlan(operations=[op])


def _field_plan(parse: _Parse, field: MapField, value: str) -> EditPlan:
    lang = parse.lang
    if field == "map_type":
        kind = _map_type(value) or _map_type(parse.reading.text)
        if kind is None:
            return ask("edit_bad_map_type", lang)
        return EditPlan(operations=[SetField(field="map_type", value=kind)])
    quotes = parse.quoted()
    value = quotes[-1] if quotes else value
    if not value:
        return ask("edit_new_text", lang)
    if not quotes and field in ("title", "scenario", "business"):
        value = value[:1].upper() + value[1:]
    return EditPlan(operations=[SetField(field=field, value=value)])


def _persona_edit(
    parse: _Parse, persona: tuple[PersonaField | None, set[int]], action: str
) -> EditPlan:
    lang = parse.lang
    field, used = persona
    if field is None:
        if action == "set" and parse.verb() and parse.verb()[0] == "rename":  # type: ignore[index]
            field = "name"
        else:
            return ask("edit_which_persona_field", lang)
    skip = set(parse.reading.used) | used
    quotes = parse.quoted()
    if quotes:
        value = quotes[-1]
    else:
        at, length = _split_at_to(parse, skip)
        start = 0 if at is None else at + length
        value = (
            _nominative(parse.leftover(skip, start), lang)
            if field == "name"
            else parse.leftover(skip, start)
        )
        value = value[:1].upper() + value[1:]
    if not value and action != "set":
        return ask("edit_new_text", lang)
    if field in PERSONA_LISTS:
        if action == "remove":
            current = getattr(parse.journey.persona, field, []) if parse.journey.persona else []
            match = _closest(value, current)
            if match is None:
                return ask("edit_no_item_named", lang, words=value)
            value = match
        return EditPlan(
            operations=[
                SetPersona(field=field, value=value, action=action if action != "set" else "add")
            ]
        )
    if action == "remove":
        return EditPlan(operations=[SetPersona(field=field, value="", action="set")])
    if not value:
        return ask("edit_new_text", lang)
    return EditPlan(operations=[SetPersona(field=field, value=value, action="set")])


def _closest(words: str, options: list[str]) -> str | None:
    from assistant.language.text import stems

    wanted = set(stems(words))
    scored = [(len(wanted & set(stems(o))) / max(1, len(wanted)), o) for o in options]
    scored = [s for s in scored if s[0] >= 0.5]
    scored.sort(key=lambda s: -s[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _emotion_said(parse: _Parse) -> tuple[int, str | None] | None:
    """The score an instruction gives (a number, or a feeling word) and the feeling word
    itself when there is one ("-1, epävarma": -1 and "Epävarma")."""
    words = parse.reading.words
    number = next((int(t.text) for t in words if re.fullmatch(r"[+-]?[0-2]", t.text)), None)
    if number is None:
        number = next((int(q) for q in parse.quoted() if re.fullmatch(r"[+-]?[0-2]", q)), None)
    feeling = _feeling_word(parse)
    if number is None and feeling is None:
        return None
    if number is None and feeling is not None:
        return feeling
    return number, feeling[1] if feeling else None  # type: ignore[return-value]


def _feeling_word(parse: _Parse) -> tuple[int, str] | None:
    words = parse.reading.words
    for score, feelings in vocabulary().emotions.items():
        for term in feelings.all():
            for token in words:
                if " " not in term and token.text == term.lower():
                    text = parse.reading.text[token.start : token.end]
                    return score, text[:1].upper() + text[1:]
    for score, stems_ in _extra_feelings().items():
        for token in words:
            if any(token.text.startswith(term) for term in stems_):
                text = parse.reading.text[token.start : token.end]
                return score, text[:1].upper() + text[1:]
    return None


def _extra_feelings() -> dict[int, list[str]]:
    """Inflected feeling words a person types in a sentence ("turhautuneeksi", "rahul")."""
    found: dict[int, list[str]] = {}
    for score, terms in vocabulary().emotions.items():
        found[score] = [
            term.lower()[: max(5, len(term) - 2)]
            for term in terms.all()
            if " " not in term and term.isalpha() and len(term) >= 6
        ]
    return found


def _set_emotion(parse: _Parse, refs: list[StageRef]) -> EditPlan:
    lang = parse.lang
    if not refs:
        return ask("edit_which_stage", lang, stages=_stage_list(parse.journey))
    said = _emotion_said(parse)
    quotes = parse.quoted()
    if said is None and not quotes:
        return ask("edit_which_feeling", lang)
    score, label = said if said is not None else (None, None)
    if quotes and not re.fullmatch(r"[+-]?[0-2]", quotes[-1]):
        label = quotes[-1]
    return EditPlan(
        operations=[
            SetEmotion(stage=ref.stage, score=score, label=label) for ref in _targets(refs, parse)
        ]
    )


def _verbless_emotion(parse: _Parse) -> EditPlan | None:
    """ "Teadlikkuse etapi meeleolu: 1, uudishimulik": an emotion named for a stage."""
    refs = parse.stages()
    emotion = [lane for lane in parse.lanes() if lane[0] == "emotion"]
    if not refs or not emotion or _emotion_said(parse) is None:
        return None
    return _set_emotion(parse, refs)


def _feel(parse: _Parse) -> EditPlan | None:
    refs = parse.stages()
    if _emotion_said(parse) is None or not refs:
        return None
    return _set_emotion(parse, refs)


def _move(parse: _Parse) -> EditPlan:
    lang, journey = parse.lang, parse.journey
    refs = parse.stages()
    lanes = [lane for lane in parse.lanes() if lane[0] != "emotion"]
    g = grammar()
    skip = set(parse.reading.used) | _ref_tokens(refs, parse)
    for _, at, length in lanes:
        skip |= set(range(at, at + length))
    leftover_words = parse.leftover(skip)
    positional = any(
        parse.find(all_terms(terms))
        for terms in (g.after_words, g.before_words, g.between_words, g.start_words, g.last_words)
    )
    if (
        refs
        and not lanes
        and not parse.quoted()
        and (not leftover_words or positional)
        and (refs[0].marked or positional or len(refs) >= 2)
    ):
        moving = refs[0].stage
        position, _ = _position(parse, refs, moving)
        if position is None:
            return ask("edit_where_to", lang)
        return EditPlan(operations=[MoveStage(stage=moving, position=position)])
    if not refs and len(lanes) < 2:
        return ask("edit_which_stage", lang, stages=_stage_list(journey))
    from_lane: str | None = lanes[0][0] if lanes else None
    to_lane: str | None = lanes[-1][0] if len(lanes) >= 2 else None
    quotes = parse.quoted()
    text = quotes[0] if quotes else parse.leftover(skip)
    if not text:
        return ask("edit_which_item_unnamed", lang)
    # two stages: from the first to the last; one stage and two lanes: within that stage;
    # one stage: to it, from wherever the entry is
    if len(refs) >= 2:
        sources: list[int] | None = [refs[0].stage]
        target_stage: int | None = refs[-1].stage
    elif refs and to_lane is not None:
        sources, target_stage = [refs[0].stage], refs[0].stage
    elif refs:
        sources, target_stage = None, refs[0].stage
    else:
        sources, target_stage = None, None
    found = _locate(parse, text, sources, from_lane)
    if isinstance(found, EditPlan):
        return found
    to_stage = found.stage if target_stage is None else target_stage
    if to_lane == found.lane:
        to_lane = None
    if found.stage == to_stage and to_lane is None:
        return ask("edit_already_there", lang, stage=journey.stages[to_stage].name)
    if (
        to_lane is not None
        and to_lane not in ITEM_LANES
        and to_lane != "customer_goal"
        and not any(to_lane in s.extra_lanes for s in journey.stages)
    ):
        to_lane = None
    return EditPlan(
        operations=[
            MoveItem(
                stage=found.stage,
                lane=found.lane,
                index=found.index,
                to_stage=to_stage,
                to_lane=to_lane,
            )
        ]
    )
