"""OpenAI and OpenAI-compatible servers (Ollama, vLLM, llama.cpp) through langchain-openai.

The SDK's own retries are off: this module retries 429, 5xx, connection errors and
timeouts itself, but only before the first text delta was shown. Every failure becomes an
``LLMError`` whose reason names the status or the timeout, never the key or the traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.llm.base import ChatModel, LLMError, Message
from assistant.settings import Settings

logger = logging.getLogger(__name__)

_RETRY_STATUSES = {408, 409, 429}
_MAX_RETRY_AFTER_S = 10.0
_LC_TYPES = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}


@dataclass(frozen=True)
class _Failure:
    """One failed attempt: what went wrong (``key``), whether to retry, and how long to wait."""

    key: str
    retry: bool
    wait_s: float | None = None


def _times(count: int) -> str:
    return {1: "once", 2: "twice", 3: "three times"}.get(count, f"{count} times")


def _unreachable(failure: _Failure) -> bool:
    """Down, stalled or overloaded (worth a pause before the next call), not one bad request."""
    kind, _, detail = failure.key.partition(" ")
    if kind == "status":
        return int(detail) >= 500 or int(detail) == 429
    return kind in ("connect", "timeout", "total")


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        return min(float(exc.response.headers.get("retry-after", "")), _MAX_RETRY_AFTER_S)
    except ValueError:
        return None


class OpenAIChat(ChatModel):
    """A chat model behind the OpenAI chat-completions API, streamed."""

    supports_json = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.llm_model
        self.context_window = settings.llm_context_window
        #: ``(tokens_in, tokens_out)`` of the last call when the server reported usage.
        self.last_usage: tuple[int, int] | None = None
        self._server = urlsplit(settings.llm_base_url or "https://api.openai.com").netloc
        self._server = self._server.rpartition("@")[2]  # never show credentials in a URL
        self._client = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=self._api_key(settings),
            max_retries=0,
            timeout=self._timeout(settings.llm_total_timeout_s),
            stream_usage=True,
        )

    @staticmethod
    def _api_key(settings: Settings) -> SecretStr:
        if settings.llm_api_key and settings.llm_api_key.get_secret_value():
            return settings.llm_api_key
        if settings.llm_base_url:
            return SecretStr("not-needed")  # local servers take any key; the SDK needs one
        raise LLMError("no API key is set for OpenAI (POLKU_LLM_API_KEY or OPENAI_API_KEY)")

    def _timeout(self, remaining_s: float) -> openai.Timeout:
        """Connect timeout, and the read timeout as an idle watchdog, within the deadline."""
        connect = min(self.settings.llm_connect_timeout_s, remaining_s)
        idle = min(self.settings.llm_read_timeout_s, remaining_s)
        return openai.Timeout(idle, connect=connect, read=idle, write=idle, pool=connect)

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int = 800, json_mode: bool = False
    ) -> Iterator[str]:
        self.last_usage = None
        deadline = time.monotonic() + self.settings.llm_total_timeout_s
        prompt = [_LC_TYPES[m.role](content=m.content) for m in messages]
        failures: list[_Failure] = []
        while True:
            shown = False
            try:
                for text in self._attempt(prompt, max_tokens, json_mode, deadline):
                    shown = True
                    yield text
                return
            except LLMError:
                raise
            except Exception as exc:
                failure = self._classify(exc, deadline)
                logger.debug("model call failed: %s (%s)", failure.key, type(exc).__name__)
                if shown:
                    unreachable = _unreachable(failure)
                    raise LLMError(self._broken_reason(failure), unreachable=unreachable) from None
                failures.append(failure)
            self._wait_or_give_up(failures, deadline)

    def _attempt(
        self, prompt: list[BaseMessage], max_tokens: int, json_mode: bool, deadline: float
    ) -> Iterator[str]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LLMError(self._total_reason(), unreachable=True)
        options: dict[str, Any] = {"max_tokens": max_tokens, "timeout": self._timeout(remaining)}
        if json_mode:
            options["response_format"] = {"type": "json_object"}
        chunks = self._client.stream(prompt, **options)
        try:
            for chunk in chunks:
                if chunk.usage_metadata:
                    usage = chunk.usage_metadata
                    self.last_usage = (usage["input_tokens"], usage["output_tokens"])
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
                if time.monotonic() > deadline:
                    raise LLMError(self._total_reason(), unreachable=True)
        finally:
            if isinstance(chunks, Generator):
                chunks.close()  # closes the HTTP response at once

    def _classify(self, exc: Exception, deadline: float) -> _Failure:
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retry = status in _RETRY_STATUSES or status >= 500
            wait = _retry_after(exc) if status == 429 else None
            return _Failure(f"status {status}", retry, wait)
        if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
            if time.monotonic() >= deadline - 0.01:
                return _Failure("total", retry=False)
            return _Failure("timeout", retry=True)
        if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
            return _Failure("connect", retry=True)
        return _Failure(f"error {type(exc).__name__}", retry=False)

    def _wait_or_give_up(self, failures: list[_Failure], deadline: float) -> None:
        """Sleep before the next try, or raise the ``LLMError`` that ends the call."""
        last = failures[-1]
        tries = len(failures)
        backoff = self.settings.llm_retry_backoff_s * 2 ** (tries - 1)
        wait = last.wait_s if last.wait_s is not None else backoff
        out_of_time = time.monotonic() + wait >= deadline
        if not last.retry or tries > self.settings.llm_max_retries or out_of_time:
            repeats = sum(1 for f in failures if f.key == last.key)
            raise LLMError(self._reason(last, repeats), unreachable=_unreachable(last))
        time.sleep(wait)

    def _reason(self, failure: _Failure, repeats: int) -> str:
        kind, _, detail = failure.key.partition(" ")
        if kind == "status":
            return self._status_reason(int(detail), repeats)
        if kind == "timeout":
            seconds = f"{self.settings.llm_read_timeout_s:g}"
            return f"the model server did not answer within {seconds} s ({_times(repeats)})"
        if kind == "connect":
            return f"could not connect to the model server at {self._server} ({_times(repeats)})"
        if kind == "total":
            return self._total_reason()
        return f"the model call failed ({detail})"

    def _broken_reason(self, failure: _Failure) -> str:
        """Text was already shown, so no retry: say how the reply broke off."""
        if failure.key == "timeout":
            seconds = f"{self.settings.llm_read_timeout_s:g}"
            return f"the model server stopped sending mid-reply (nothing for {seconds} s)"
        if failure.key == "total":
            return self._total_reason()
        return "the connection to the model server broke mid-reply"

    def _status_reason(self, status: int, repeats: int) -> str:
        if status in (401, 403):
            return f"the model server refused the key ({status})"
        if status == 404:
            return f"model '{self.name}' not found (404)"
        if status == 429:
            return f"the model server is rate limiting (429 {_times(repeats)})"
        if status >= 500 or status in _RETRY_STATUSES:
            return f"the model server returned {status} {_times(repeats)}"
        return f"the model server rejected the request ({status})"

    def _total_reason(self) -> str:
        return f"the model did not finish within {self.settings.llm_total_timeout_s:g} s"
