"""Retrieved text is data. Two guards keep it that way when a model is in the loop.

- Passages that try to instruct the model ("ignore previous instructions", "reveal your
  system prompt", in English, Finnish or Estonian) are quarantined: they never reach the
  prompt, and the person is told.
- A reply that repeats the system prompt (a canary token, or any run of its words) is cut
  off before the repeated part is shown, and the offline answer is given instead.
"""

from __future__ import annotations

import re
import secrets

_OVERRIDE = (
    r"(?:ignore|disregard|forget) (?:all |any )?(?:of )?(?:the |your |my )?"
    r"(?:previous |prior |above |earlier |old |original |other )?"
    r"(?:instructions|rules|guidelines|prompts?)\b"
    r"|(?:previous|prior|old|earlier) (?:instructions|rules) (?:no longer|do not|don't) apply"
    r"|no longer follow (?:my|your|the) (?:old |previous )?instructions"
    r"|unohda (?:kaikki )?(?:aiemmat|edelliset|vanhat) ohjeet"
    r"|ohita (?:kaikki )?(?:aiemmat|edelliset)"
    r"|(?:eira|unusta|ignoreeri) (?:kõik |kõiki )?(?:eelnevad |eelnevaid |varasemad |"
    r"varasemaid |muud |muid |teised |teisi )?(?:juhised|juhiseid|reeglid|reegleid)"
    r"|(?:eelmised|varasemad) (?:reeglid|juhised) (?:enam )?ei kehti"
    r"|ignoreeri kasutaja küsimust|ära vasta kasutaja küsimusele"
)
_ROLE = (
    r"you are now\b|from (?:now on|this point on),? you\b|act as (?:a|an) |answer as [A-Z]"
    r"|you have no rules|olet (?:nyt|tästä lähtien|tästä eteenpäin)\b|tästä eteenpäin vastaa"
    r"|(?:sa )?oled nüüd\b|vasta nüüd kui"
)
_DIRECTIVE = (
    r"(?:reveal|print|show|repeat|output|list) (?:your |the |every )?(?:system )?"
    r"(?:prompt|instructions|rules? and instructions)"
    r"|system prompt|new instructions:|uusi ohje avustajalle|uus ülesanne"
    r"|(?:begin|start|end) (?:every|each|your) (?:answer|reply|response)"
    r"|(?:in|into) (?:your|its|their) (?:answer|reply|response)\b"
    r"|embed the tracking image|\[end of document\]"
    r"|(?:any )?(?:assistant|ai tool|language model|chatbot)s? (?:or ai tools? )?"
    r"(?:that|which|who) (?:use|uses|quote|quotes|read|reads|summari[sz]es?)"
    r"|aloita (?:jokainen )?vastau(?:s|ksesi)|vastaa jokaiseen kysymykseen|tekoälyavustajalle"
    r"|järjestelmäkehote|paljasta (?:ohjeesi|kehotteesi)"
    r"|alusta iga vastust|lisa (?:oma )?vastuse(?:sse|ks|le)|lõpeta(?:d)? vastuse"
    r"|tehisintellekt:|süsteemiviip|näita oma (?:juhiseid|süsteemiviipa)"
)
# Text that turns to an AI reading it: "Note to the AI tool summarising this survey", "if an
# AI is summarising these notes", "Tekoäly: unohda...", "Märkus tehisintellektile".
_ADDRESS = (
    r"(?:note|message|instruction)s? (?:to|for) (?:the |any |an )?(?:ai|assistant|language model"
    r"|chatbot|llm)\b"
    r"|\bif (?:an |any |the |some )?(?:ai|assistant|language model|chatbot|llm)\b[^.]{0,40}"
    r"\b(?:is |are )?(?:reading|summari[sz]ing|analy[sz]ing)"
    r"|\b(?:ai|assistant|language model|chatbot|llm)s? (?:tools? )?(?:reading|summari[sz]ing) this"
    r"|^\W*(?:ai|tekoäly|tehisintellekt|avustaja|assistent)\s*[:,]"
    r"|\b(?:viesti|ohje|huomio) (?:tekoälylle|avustajalle)|\bjos (?:tätä|tämän) (?:tekstiä )?"
    r"(?:lukee|tiivistää) (?:joku )?tekoäly"
    r"|\b(?:märkus|sõnum|juhis) (?:tehisintellektile|assistendile)|\bkui seda (?:teksti )?"
    r"(?:loeb|kokku võtab) (?:mingi |mõni )?tehisintellekt"
)
# A line that pretends to be a turn of a chat transcript or a system message.
_FORGED_TURN = re.compile(
    r"^\s*(?:#{1,6}\s*(?:user|assistant|system|käyttäjä|avustaja|järjestelmä|kasutaja|"
    r"assistent|süsteem)|(?:system|assistant|avustaja|järjestelmä|assistent|süsteem))\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_INJECTION = re.compile(f"{_OVERRIDE}|{_ROLE}|{_DIRECTIVE}|{_ADDRESS}", re.IGNORECASE)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
SHINGLE_WORDS = 6


def new_canary() -> str:
    """A random token put in the system prompt that must never appear in a reply."""
    return f"pk{secrets.token_hex(6)}"


def _visible(text: str) -> str:
    """Text as a reader sees it: invisible characters gone, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", text).split())


def is_injection(text: str) -> bool:
    """Whether a passage tries to give an assistant instructions (or fakes a chat turn)."""
    return bool(_INJECTION.search(_visible(text)) or _FORGED_TURN.search(_INVISIBLE.sub("", text)))


def safe_paragraphs(text: str) -> str:
    """``text`` without the paragraphs that try to instruct an assistant; a forged chat turn
    taints everything after it up to the next real heading."""
    kept: list[str] = []
    tainted = False
    for paragraph in re.split(r"\n\s*\n", text):
        first_line = paragraph.strip().splitlines()[0] if paragraph.strip() else ""
        if first_line.startswith("#") and not _FORGED_TURN.search(first_line):
            tainted = False
        if _FORGED_TURN.search(_INVISIBLE.sub("", paragraph)):
            tainted = True
        if tainted or is_injection(paragraph):
            continue
        kept.append(paragraph)
    return "\n\n".join(kept)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


class LeakGuard:
    """Streams a reply through, holding back its last words until they are known safe."""

    def __init__(self, system_text: str, canary: str) -> None:
        self.canary = canary
        self._system = _shingles(_words(system_text.replace(canary, " ")))
        self._text = ""
        self._shown = 0
        self.leaked = False

    def _leaks(self, text: str) -> bool:
        return self.canary in text or bool(_shingles(_words(text)) & self._system)

    def feed(self, delta: str) -> str:
        """Text that is safe to show now ("" while held back or once a leak is found)."""
        if self.leaked:
            return ""
        self._text += delta
        if self._leaks(self._text):
            self.leaked = True
            return ""
        safe_end = self._safe_end()
        out = self._text[self._shown : safe_end]
        self._shown = max(self._shown, safe_end)
        return out

    def finish(self) -> str:
        """The rest of the reply once the stream has ended (or "" after a leak)."""
        if self.leaked:
            return ""
        out = self._text[self._shown :]
        self._shown = len(self._text)
        return out

    def _safe_end(self) -> int:
        """Hold back the last SHINGLE_WORDS words: a leak is caught before it is whole."""
        spans = list(re.finditer(r"[^\W_]+", self._text))
        if len(spans) <= SHINGLE_WORDS:
            return self._shown
        return spans[-SHINGLE_WORDS].start()
