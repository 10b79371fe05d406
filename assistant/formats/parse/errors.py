"""The one error the importer raises: what was wrong, where, and what to do."""

from __future__ import annotations


class MapParseError(ValueError):
    """A map file could not be read; the message names the line or cell and what to do."""


class NoLanesError(MapParseError):
    """A table names no lane Polku knows (another table in the file may still be the map)."""
