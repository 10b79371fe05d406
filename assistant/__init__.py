"""Polku: an offline-first assistant for drafting and critiquing customer journey maps."""

__version__ = "0.1.0"
