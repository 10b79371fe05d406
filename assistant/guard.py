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

_INJECTION = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|rules)"
    r"|disregard (?:all |the )?(?:previous|prior|above) "
    r"|(?:reveal|print|show|repeat|output) (?:your |the )?(?:system )?(?:prompt|instructions)"
    r"|system prompt|you are now\b|new instructions:|act as (?:a|an) "
    r"|unohda (?:kaikki )?(?:aiemmat|edelliset) ohjeet|ohita (?:kaikki )?(?:aiemmat|edelliset)"
    r"|järjestelmäkehote|paljasta (?:ohjeesi|kehotteesi)"
    r"|eira (?:kõiki )?(?:eelnevaid|varasemaid) juhiseid|unusta (?:kõik )?(?:eelnevad|varasemad)"
    r"|süsteemiviip|näita oma juhiseid",
    re.IGNORECASE,
)
SHINGLE_WORDS = 6


def new_canary() -> str:
    """A random token put in the system prompt that must never appear in a reply."""
    return f"pk{secrets.token_hex(6)}"


def is_injection(text: str) -> bool:
    """Whether a passage tries to give the model instructions."""
    return bool(_INJECTION.search(text))


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
