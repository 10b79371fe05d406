"""Adapters: the edges where a person reaches Polku (CLI, web page and REST API, Slack).

Each adapter turns a person's action into a call on ``assistant.app`` and renders the events
it yields. Nothing else imports this package."""
