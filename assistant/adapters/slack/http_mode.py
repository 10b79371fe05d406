"""/slack/events on Polku's server: Slack's HTTP requests handed to the Bolt app.

Bolt's dispatch is synchronous, so it runs in the thread pool and never stalls the server's
event loop; it returns at once (lazy listeners answer after the ack).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are a few kilobytes


def mount_slack(api: FastAPI, slack_app: App, signing_secret: str) -> None:
    """Add POST /slack/events to ``api`` (before the web page is mounted at /).

    The signature is checked here first, so a forged or stale request is refused (401)
    before its body is even parsed; a signed body that is not Slack's format gets 400.
    """
    verifier = SignatureVerifier(signing_secret)

    @api.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request too large for a Slack event"}, 413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request too large for a Slack event"}, 413)
        timestamp = request.headers.get("x-slack-request-timestamp", "0")
        signature = request.headers.get("x-slack-signature", "")
        if not verifier.is_valid(body, timestamp, signature):
            return JSONResponse({"error": "invalid or stale Slack signature"}, 401)
        try:
            bolt_request = to_bolt_request(request, body)
        except ValueError:  # json.JSONDecodeError and friends
            return JSONResponse({"error": "the body is not a Slack event or command"}, 400)
        bolt_response = await run_in_threadpool(slack_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)
