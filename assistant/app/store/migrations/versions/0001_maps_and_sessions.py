"""Maps, their versions and critiques, chat sessions: the schema SQLite files had before
migrations (its tables are kept when they are there already).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "maps" not in existing:
        op.create_table(
            "maps",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("owner", sa.Text, nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("language", sa.Text, nullable=False),
            sa.Column("latest", sa.Integer, nullable=False),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
        )
        op.create_index("maps_owner", "maps", ["owner", "updated_at"])
    if "map_versions" not in existing:
        op.create_table(
            "map_versions",
            sa.Column("map_id", sa.Text, primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True),
            sa.Column("saved_at", sa.Text, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("body", sa.Text, nullable=False),
        )
    if "map_reports" not in existing:
        op.create_table(
            "map_reports",
            sa.Column("map_id", sa.Text, primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True),
            sa.Column("body", sa.Text, nullable=False),
        )
    if "sessions" not in existing:
        op.create_table(
            "sessions",
            sa.Column("owner", sa.Text, primary_key=True),
            sa.Column("data", sa.Text, nullable=False),
            sa.Column("updated_at", sa.Text, nullable=False),
        )
    if "schema_version" in existing:  # the pre-migration marker: Alembic keeps its own
        op.drop_table("schema_version")
