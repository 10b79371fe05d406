"""What Polku says in Slack, without Slack: a question, a command or a pasted map in, a
SlackMessage out. The Bolt listeners in ``app`` only move these messages over the wire."""

from __future__ import annotations

from assistant.adapters.slack.format import (
    SlackMessage,
    answer_message,
    critique_message,
    notice_message,
)
from assistant.adapters.slack.incoming import plain_text, split_command
from assistant.app.intent import classify, is_help
from assistant.app.services import QuestionError, Services
from assistant.domain import Lang
from assistant.formats.parse import MapParseError, parse_map
from assistant.language.detect import detect_language
from assistant.language.i18n import t

COMMANDS = ("ask", "critique", "help")


class Replies:
    """Answers for the Slack surfaces, over the same services as the web page and API."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def language(self, text: str) -> Lang:
        return (
            detect_language(text, self.services.settings.language)
            if text.strip()
            else (self.services.settings.language)
        )

    def help(self, text: str = "") -> SlackMessage:
        return notice_message(t("slack_help", self.language(text)))

    def answer(self, question: str, quote: bool = False) -> SlackMessage:
        """A short cited answer in the question's language."""
        try:
            return answer_message(self.services.ask(question), quote=quote)
        except QuestionError:
            return notice_message(t("slack_empty_question", self.language(question)))

    def critique(self, pasted: str) -> SlackMessage:
        """Findings on a pasted table (Markdown, CSV or JSON), or what was wrong with it."""
        lang = self.language(pasted)
        if not pasted.strip():
            return notice_message(t("slack_empty_map", lang))
        try:
            journey = parse_map(pasted, None, default_lang=lang)
        except MapParseError as exc:
            return notice_message(t("slack_map_error", lang, error=str(exc)))
        report = self.services.critique(journey).value
        return critique_message(report, journey.language)

    def for_message(self, slack_text: str) -> SlackMessage:
        """A mention or direct message: help, a critique of a pasted map, or an answer."""
        text = plain_text(slack_text)
        intent = classify(text)
        if intent == "help":
            return self.help(text)
        if intent == "map":
            return self.critique(text)
        return self.answer(text)

    def for_command(self, slack_text: str) -> SlackMessage:
        """``/polku ask|critique|help ...``."""
        word, rest = split_command(slack_text)
        if is_help(word):
            return self.help(rest)
        if word == "ask":
            return (
                self.answer(rest, quote=True)
                if rest
                else notice_message(t("slack_empty_question", self.language(rest)))
            )
        if word == "critique":
            return self.critique(rest)
        return notice_message(t("slack_unknown_command", self.language(rest), word=word))

    @staticmethod
    def needs_work(slack_text: str) -> bool:
        """Whether a /polku command takes long enough to be answered after the ack."""
        word, rest = split_command(slack_text)
        return word in ("ask", "critique") and bool(rest)
