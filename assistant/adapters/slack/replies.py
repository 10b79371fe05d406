"""What Polku says in Slack, without Slack: a question, a command or a pasted map in, a
SlackMessage out. The Bolt listeners in ``app`` only move these messages over the wire."""

from __future__ import annotations

from assistant.adapters.slack.editing import ThreadEditor
from assistant.adapters.slack.format import (
    SlackMessage,
    answer_message,
    critique_message,
    escape,
    notice_message,
)
from assistant.adapters.slack.incoming import plain_text, split_command
from assistant.adapters.slack.threads import ThreadMaps, ThreadState
from assistant.app.intent import classify, is_help
from assistant.app.services import QuestionError, Services
from assistant.domain import Lang
from assistant.formats.parse import MapParseError, parse_map
from assistant.language.detect import detect_language
from assistant.language.i18n import t

COMMANDS = ("ask", "critique", "help")
THREAD_EDITS = ("edit", "accept", "reject", "undo", "why", "ideas")
Where = tuple[str, str]  # channel, thread


def _note(text: str) -> dict[str, object]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]}


class Replies:
    """Answers for the Slack surfaces, over the same services as the web page and API."""

    def __init__(self, services: Services, threads: ThreadMaps | None = None) -> None:
        self.services = services
        self.threads = threads

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

    def critique(self, pasted: str, where: Where | None = None) -> SlackMessage:
        """Findings on a pasted table (Markdown, CSV or JSON), or what was wrong with it; in
        a thread the map becomes the thread's map, for the changes asked below it."""
        lang = self.language(pasted)
        if not pasted.strip():
            return notice_message(t("slack_empty_map", lang))
        try:
            journey = parse_map(pasted, None, default_lang=lang)
        except MapParseError as exc:
            return notice_message(t("slack_map_error", lang, error=str(exc)))
        report = self.services.critique(journey).value
        message = critique_message(report, journey.language)
        if where is not None and self.threads is not None:
            self.threads.put(*where, ThreadState(journey=journey))
            hint = t("slack_edit_hint", journey.language)
            message = SlackMessage(
                text=f"{message.text}\n{hint}", blocks=[*message.blocks, _note(hint)]
            )
        return message

    def for_message(self, slack_text: str, where: Where | None = None) -> SlackMessage:
        """A mention or direct message: help, a critique of a pasted map, a change to the
        thread's map (proposed, then applied on "yes"), or an answer."""
        text = plain_text(slack_text)
        state = self.threads.get(*where) if where and self.threads else ThreadState()
        intent = classify(
            text, has_map=state.journey is not None, proposing=state.pending is not None
        )
        if intent == "help":
            return self.help(text)
        if intent == "map":
            return self.critique(text, where)
        if where is not None and state.journey is not None and intent in THREAD_EDITS:
            editor = ThreadEditor(self.services, self.threads, where, state)  # type: ignore[arg-type]
            found = editor.reply(intent, text)
            if found is not None:
                return found
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
