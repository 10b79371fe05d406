"""Polku in Slack: methodology answers and map critiques in threads and a /polku command.

``app`` builds the Bolt app (listeners, dedupe, rate-limit aware Web API client); ``http``
mounts it on the server at /slack/events; ``socket`` runs it over Socket Mode; ``format``
turns answers and critiques into Slack mrkdwn blocks.
"""
