"""Answers and critiques as Slack messages: a plain ``text`` fallback plus mrkdwn blocks.

Slack mrkdwn treats ``&``, ``<`` and ``>`` as control characters (``<!channel>`` pings a whole
channel, ``<url|label>`` makes a link), so every piece of text that comes from a person, a
document or a model is escaped before it is placed in a message.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from assistant.domain import Answer, CritiqueReport, Lang
from assistant.language.i18n import t

MAX_ANSWER_CHARS = 1200  # "short": a few sentences; the sources say where to read more
MAX_FINDINGS = 8
SECTION_LIMIT = 3000  # Slack refuses a section block whose text is longer
SEVERITY_MARK = {
    "critical": ":red_circle:",
    "warn": ":large_orange_circle:",
    "info": ":white_circle:",
}
_MARKER = re.compile(r"\[(\d+)\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class SlackMessage(BaseModel):
    """What chat.postMessage (or a slash command response) gets."""

    text: str = Field(description="Plain fallback shown in notifications.")
    blocks: list[dict[str, Any]] = Field(description="Block Kit blocks with mrkdwn text.")


def escape(text: str) -> str:
    """Text made inert for mrkdwn: no pings, no links, no user or channel mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Escaped text with Markdown **bold** turned into Slack's *bold*."""
    return _BOLD.sub(r"*\1*", escape(text))


def shorten(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """At most ``limit`` characters, cut at a sentence end when there is one."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[: limit - 1].rstrip() + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(lines: list[str]) -> dict[str, Any]:
    # A context block holds at most 10 elements.
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": x} for x in lines[:10]]}


def answer_message(answer: Answer, quote: bool = False) -> SlackMessage:
    """The answer, shortened, with its numbered sources; markers that cite nothing shown
    are dropped, so every [n] in the message points at a listed source. ``quote`` puts the
    question above the answer (for a channel that did not see it asked)."""
    body = shorten(answer.answer)
    count = len(answer.citations)
    shown = {int(n) for n in _MARKER.findall(body) if 1 <= int(n) <= count}
    body = _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in shown else "", body)
    listed = [(n, c) for n, c in enumerate(answer.citations, 1) if n in shown] or list(
        enumerate(answer.citations, 1)
    )
    blocks = [_section(to_mrkdwn(body))]
    if quote:
        blocks.insert(0, _section("> " + escape(shorten(answer.question, 300))))
    if listed:
        heading = f"*{escape(t('slack_sources', answer.language))}*"
        lines = [f"[{n}] {escape(c.title)} _({escape(c.id)})_" for n, c in listed]
        blocks.append(_context([heading, *lines]))
    sources = "; ".join(f"[{n}] {c.title}" for n, c in listed)
    text = f"{body}\n{t('slack_sources', answer.language)}: {sources}" if listed else body
    return SlackMessage(text=text, blocks=blocks)


def critique_message(report: CritiqueReport, lang: Lang) -> SlackMessage:
    """Score, summary and the most severe findings, each with its suggestion and source."""
    head = t("slack_score", lang, score=report.score) + f" {escape(report.summary)}"
    lines = []
    for finding in report.findings[:MAX_FINDINGS]:
        line = f"{SEVERITY_MARK[finding.severity]} *{escape(finding.where)}*: "
        line += escape(finding.message)
        if finding.suggestion:
            line += f"\n    ↳ {escape(finding.suggestion)}"
        line += f"\n    _{escape(t('slack_source', lang))}: {escape(finding.citation.title)}_"
        lines.append(line)
    more = len(report.findings) - MAX_FINDINGS
    if more > 0:
        lines.append(t("slack_more_findings", lang, count=more))
    if not report.findings:
        lines.append(t("slack_no_findings", lang))
    blocks = [_section(f"*{head}*"), _section("\n".join(lines))]
    text = t("slack_score", lang, score=report.score) + f" {report.summary}"
    return SlackMessage(text=text, blocks=blocks)


def notice_message(text: str) -> SlackMessage:
    """A short message of Polku's own (help, an error), escaped like everything else."""
    return SlackMessage(text=text, blocks=[_section(to_mrkdwn(text))])
