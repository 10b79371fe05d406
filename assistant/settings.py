"""Settings: one pydantic model, read from ``POLKU_*`` environment variables, passed in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.domain import Lang


def _cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 2


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "polku"


class Settings(BaseSettings):
    """Everything Polku can be configured with. Secrets are ``SecretStr``: never printed."""

    model_config = SettingsConfigDict(env_prefix="POLKU_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the index, embedding cache, sessions and token files live.",
    )
    language: Lang = Field(default="en", description="Default language: en, fi or et.")
    llm_base_url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible server (Ollama, vLLM...)."
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Chat model name.")
    llm_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("POLKU_LLM_API_KEY", "OPENAI_API_KEY"),
        description="API key; falls back to OPENAI_API_KEY.",
    )
    llm_gguf: Path | None = Field(default=None, description="Path to a local GGUF model file.")
    llm_context_window: int = Field(
        default=8192, ge=1024, description="The model's context window in tokens."
    )
    llm_context_budget: int = Field(
        default=1600, ge=200, description="Tokens of retrieved passages packed into a prompt."
    )
    llm_max_output_tokens: int = Field(default=900, ge=16, description="Longest reply asked for.")
    llm_connect_timeout_s: float = Field(default=5.0, gt=0, description="Connect timeout.")
    llm_read_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Idle watchdog: longest wait for the next byte of a reply or stream.",
    )
    llm_total_timeout_s: float = Field(
        default=120.0, gt=0, description="Longest a whole reply may take."
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=6, description="Retries on 429, 5xx and connection errors."
    )
    llm_retry_backoff_s: float = Field(
        default=1.0, ge=0, description="First retry delay; doubles each retry."
    )
    llm_cooldown_s: float = Field(
        default=30.0,
        ge=0,
        description="After the model server proved unreachable (down, timing out, 5xx, 429), "
        "answer offline at once for this long before trying it again; 0 turns this off.",
    )
    llm_structured_attempts: int = Field(
        default=2, ge=1, le=5, description="Tries for a valid structured reply before falling back."
    )
    auth: SecretStr | None = Field(
        default=None, description="Optional login for the web UI and API: 'user:password'."
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL for maps, sessions, users, workspaces, share links and Slack "
        "state (postgresql://user:password@host/db); SQLite in the data dir when unset.",
    )
    trusted_user_header: str | None = Field(
        default=None,
        description="A header naming the signed-in user (e.g. X-Forwarded-User), set by a "
        "reverse proxy in front of Polku; believed only from POLKU_TRUSTED_PROXIES.",
    )
    trusted_proxies: str = Field(
        default="127.0.0.1,::1",
        description="Comma-separated addresses of the proxies whose user header is believed.",
    )
    proxy_user_role: Literal["viewer", "editor"] = Field(
        default="viewer",
        description="The role a user first named by the proxy gets in the 'default' workspace.",
    )
    sign_in_days: float = Field(
        default=14, gt=0, description="How long a sign-in on the page lasts."
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Mark the sign-in cookie Secure; unset: when the request came over HTTPS "
        "(or the proxy says X-Forwarded-Proto: https).",
    )
    chroma_url: str | None = Field(
        default=None, description="URL of a shared Chroma server; embedded Chroma when unset."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "POLKU_SLACK_SIGNING_SECRET"),
        description="Slack app's signing secret; verifies every request to /slack/events.",
    )
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "POLKU_SLACK_BOT_TOKEN"),
        description="Slack bot token (xoxb-...) used to post answers.",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "POLKU_SLACK_APP_TOKEN"),
        description="Slack app-level token (xapp-...) for Socket Mode (polku slack).",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "POLKU_SLACK_API_URL"),
        description="Slack Web API base URL (override for tests or a proxy).",
    )
    retrieval_k: int = Field(default=5, ge=1, le=50, description="Passages per answer.")
    max_upload_mb: int = Field(default=20, ge=1, description="Largest document accepted.")
    lock_timeout_s: float = Field(
        default=30.0, ge=0, description="How long a writer waits for the index lock."
    )
    allowed_origins: str = Field(
        default="",
        description="Comma-separated origins (https://host) whose pages may write to Polku "
        "besides its own address, e.g. the public address behind a proxy that rewrites Host.",
    )
    api_max_active: int = Field(
        default_factory=lambda: min(8, max(2, _cores())),
        ge=1,
        description="REST answers, drafts, critiques and uploads run at once (default: one per "
        "CPU core, 2 to 8: more only makes each wait longer for the cores).",
    )
    api_max_active_maps: int = Field(
        default=16, ge=1, description="REST map reads and saves run at once (a lane of their own)."
    )
    api_max_waiting: int = Field(
        default=64, ge=0, description="REST requests that may wait for a slot; more get 503."
    )
    busy_wait_s: float = Field(
        default=10.0, gt=0, description="Longest wait for a REST slot before a 503 busy answer."
    )
    ui_concurrency: int = Field(default=4, ge=1, description="Web UI events run at once.")
    ui_queue_size: int = Field(
        default=64, ge=1, description="Web UI events that may wait; more get a 'busy' message."
    )

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key or self.llm_gguf)

    @property
    def slack_http_configured(self) -> bool:
        """Both secrets the HTTP endpoint needs are set."""
        return bool(_secret(self.slack_signing_secret) and _secret(self.slack_bot_token))

    @property
    def allowed_origin_list(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def auth_pair(self) -> tuple[str, str] | None:
        """(user, password) from ``POLKU_AUTH``; None when unset or malformed."""
        value = self.auth.get_secret_value() if self.auth else ""
        user, _, password = value.partition(":")
        return (user, password) if user and password else None

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain values, with secrets masked."""
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "********" if value.get_secret_value() else ""
            shown[name] = str(value) if isinstance(value, Path) else value
        return shown


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""
