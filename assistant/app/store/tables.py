"""The tables, as SQLAlchemy Core sees them; the migrations in ``migrations/`` create them.

Times are ISO 8601 text in UTC (``saved_at``) or Unix seconds (``at``, for what expires);
secrets given to people (API tokens, share links, sign-in cookies) are kept only as SHA-256.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text

metadata = MetaData()

maps = Table(
    "maps",
    metadata,
    Column("id", Text, primary_key=True),
    Column("owner", Text, nullable=False, doc="an anonymous browser id, or 'ws:' + workspace id"),
    Column("title", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("latest", Integer, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

map_versions = Table(
    "map_versions",
    metadata,
    Column("map_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("saved_at", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("author", Text, nullable=True, doc="who saved it; None for an anonymous browser"),
)

map_reports = Table(
    "map_reports",
    metadata,
    Column("map_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("body", Text, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("owner", Text, primary_key=True),
    Column("data", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("name", Text, primary_key=True),
    Column("password_hash", Text, nullable=True, doc="None for a user a trusted proxy names"),
    Column("created_at", Text, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_name", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("workspace_id", Text, primary_key=True),
    Column("user_name", Text, primary_key=True),
    Column("role", Text, nullable=False),
)

shares = Table(
    "shares",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("map_id", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked", Integer, nullable=False, default=0),
)

sign_ins = Table(
    "sign_ins",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_name", Text, nullable=False),
    Column("expires_at", Float, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("user_name", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("at", Float, nullable=False),
)

slack_events = Table(
    "slack_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("at", Float, nullable=False),
)

slack_threads = Table(
    "slack_threads",
    metadata,
    Column("channel", Text, primary_key=True),
    Column("thread", Text, primary_key=True),
    Column("map", Text, nullable=True),
    Column("pending", Text, nullable=True),
    Column("previous", Text, nullable=True),
    Column("at", Float, nullable=False),
)

server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False, doc="e.g. the key that seals browser ids"),
)
