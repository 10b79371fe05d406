"""The web UI in a real browser, and Slack mentions over HTTP, against `polku serve`."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import percentiles, rss_mb, served
from bench.page import bench_page


def bench_ui(data_dir: Path, repeat: int) -> dict[str, Any]:
    """`polku serve`: start to first HTTP answer, idle memory, chat turns in a real browser."""
    with served({"POLKU_DATA_DIR": str(data_dir)}) as (url, server, started):
        time.sleep(2)
        idle = rss_mb(server.pid)
        turns = _browser_turns(url, repeat)
        page = bench_page(url, repeat)
    return {
        "start_to_http_s": round(started, 2),
        "idle_rss_mb": idle,
        "chat_turn": percentiles(turns),
        **page,
    }


def bench_slack(data_dir: Path, repeat: int) -> dict[str, Any]:
    """A signed app_mention to `polku serve`: time to the HTTP ack, and to the answer posted
    on a stand-in Slack Web API on 127.0.0.1 (the whole round trip but Slack itself)."""

    from tests.slack_server import SlackStandIn, event_body, signed_headers

    secret = "bench-signing-secret"
    stand_in = SlackStandIn().start()
    env = {
        "POLKU_DATA_DIR": str(data_dir),
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": stand_in.api_url,
    }
    acks, answers = [], []
    try:
        with served(env) as (url, _server, _started):
            for n in range(repeat + 1):  # the first one warms auth.test and is not counted
                ts = f"1700000000.{n:06d}"
                event = {
                    "type": "app_mention",
                    "text": "<@U1> What is a persona?",
                    "ts": ts,
                    "channel": "C1",
                    "user": "U2",
                }
                body = event_body(event, f"EvBench{n}")
                request = urllib.request.Request(
                    f"{url}/slack/events", data=body.encode(), headers=signed_headers(secret, body)
                )
                start = time.perf_counter()
                urllib.request.urlopen(request, timeout=10).read()
                acked = time.perf_counter() - start
                stand_in.wait_for(
                    lambda c, ts=ts: c.method == "chat.postMessage" and c.body["thread_ts"] == ts
                )
                if n:
                    acks.append(acked)
                    answers.append(time.perf_counter() - start)
    finally:
        stand_in.stop()
    return {"ack": percentiles(acks), "answer_in_thread": percentiles(answers)}


def _browser_turns(url: str, repeat: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.ui_server import CHROMIUM, CHROMIUM_ARGS

    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#polku-chat")
        page.wait_for_function("document.querySelector('#polku-chat').innerText.includes('?')")
        for n in range(repeat):
            before = len(page.inner_text("#polku-chat"))
            page.locator("#polku-message textarea").fill(f"Shop number {n} for families")
            start = time.perf_counter()
            page.locator("#polku-send").click()
            page.wait_for_function(
                "([n]) => document.querySelector('#polku-chat').innerText.length > n",
                arg=[before + 5],
            )
            page.wait_for_function(
                "() => document.querySelector('#polku-message textarea').value === ''"
            )
            samples.append(time.perf_counter() - start)
        browser.close()
    return samples
