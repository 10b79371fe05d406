"""The Slack Web API client Polku posts with: its base URL from settings, retries on
connection errors, and 429 answers honoured by waiting the ``Retry-After`` seconds."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from assistant.settings import Settings

logger = logging.getLogger(__name__)
MAX_WAIT_S = 30.0  # a longer Retry-After would hold a worker too long: give up and log
TIMEOUT_S = 10


def retry_after(response: HttpResponse | None) -> float | None:
    """The Retry-After header in seconds, or None when absent or unreadable."""
    if response is None:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return None
    return None


class RateLimitRetry(RetryHandler):
    """Waits what a 429 asks (``Retry-After``, default 1 s) and tries again, up to
    ``max_retry_count`` times; a wait longer than ``max_wait_s`` is not attempted."""

    def __init__(self, max_retry_count: int = 3, max_wait_s: float = MAX_WAIT_S) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s
        self.sleep = time.sleep

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response)
        if wait is not None and wait > self.max_wait_s:
            logger.warning("Slack asked to wait %.0f s; not retrying", wait)
            return False
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after(response)
        self.sleep(1.0 if wait is None else wait)
        state.next_attempt_requested = True
        state.increment_current_attempt()


def web_client(settings: Settings, **overrides: Any) -> WebClient:
    """A WebClient for ``settings``: token, base URL, timeouts and retry policy."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    options: dict[str, Any] = {
        "token": token,
        "base_url": settings.slack_api_url,
        "timeout": TIMEOUT_S,
        "retry_handlers": [ConnectionErrorRetryHandler(max_retry_count=2), RateLimitRetry()],
    }
    return WebClient(**(options | overrides))
