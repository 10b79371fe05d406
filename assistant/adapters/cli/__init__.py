"""The ``polku`` command line."""

from assistant.adapters.cli.main import app, main

__all__ = ["app", "main"]
