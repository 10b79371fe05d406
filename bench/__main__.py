"""Measure Polku's offline performance on this machine, all in one run.

    python -m bench [--quick]

Writes bench/results.json and prints a Markdown table (copied into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    ("What are the stages of a customer journey?", "en"),
    ("How should B2B maps differ from B2C maps?", "en"),
    ("Mikä on asiakaspolkukartta?", "fi"),
    ("Miten kipupisteet löydetään?", "fi"),
    ("Mis on teenusplaan?", "et"),
    ("Kui tihti kaarti üle vaadata?", "et"),
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.5) * 1000, 2),
        "p95_ms": round(pick(0.95) * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "n": len(ordered),
    }


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def bench_index(data_dir: Path) -> dict[str, Any]:
    from assistant.index import KnowledgeIndex
    from assistant.settings import Settings

    settings = Settings(data_dir=data_dir)
    start = time.perf_counter()
    index = KnowledgeIndex(settings)
    report = index.sync_builtin()
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = KnowledgeIndex(settings).sync_builtin()
    second = time.perf_counter() - start
    return {
        "first_build_s": round(first, 2),
        "chunks": report.chunks_written,
        "embedded": report.embedded,
        "reindex_unchanged_s": round(second, 3),
        "reindex_embedded": again.embedded,
        "speedup": round(first / second, 1),
    }


def bench_retrieval(data_dir: Path, repeat: int) -> dict[str, Any]:
    from assistant.services import Services
    from assistant.settings import Settings

    services = Services(Settings(data_dir=data_dir))
    services.retriever.search("warm up", k=5)
    samples: list[float] = []
    for question, lang in QUESTIONS:
        samples += timed(lambda q=question, la=lang: services.retriever.search(q, la, 5), repeat)
    answers: list[float] = []
    for question, lang in QUESTIONS:
        answers += timed(lambda q=question, la=lang: services.ask(q, lang=la), repeat)
    return {"hybrid_search": percentiles(samples), "offline_ask": percentiles(answers)}


def _answers(lang: str, business: str) -> Any:
    from assistant.domain import InterviewAnswers

    return InterviewAnswers.model_validate(
        {
            "language": lang,
            "business": business,
            "channels": ["Instagram", "website", "store"],
            "pain_points": ["long checkout queues", "slow delivery"],
            "persona": {"who": "Anna, 30", "goals": ["save time"]},
            "evidence": ["interviews"],
            "owner": "CX lead",
            "review_cadence": "quarterly",
        }
    )


def fifty_stage_map() -> str:
    stages = [f"Stage {n}" for n in range(1, 51)]
    rows = ["| | " + " | ".join(stages) + " |", "|---" * 51 + "|"]
    for lane, cell in (
        ("Actions", "Walks in; asks"),
        ("Touchpoints", "Store (offline)"),
        ("Emotion", "+1"),
        ("Pain points", "Long queue"),
        ("Opportunities", "Self-checkout (owner: Store; metric: queue time)"),
    ):
        rows.append(f"| {lane} | " + " | ".join([cell] * 50) + " |")
    return "\n".join(rows) + "\n"


def bench_engine(repeat: int) -> dict[str, Any]:
    """The offline engine in-process: draft, critique, import of a 50-stage map."""
    from assistant.critique import critique_map
    from assistant.drafting import draft_map
    from assistant.parse import parse_map

    cases = [
        _answers("en", "A fashion store with a web shop"),
        _answers("fi", "Hotelli Tampereella"),
        _answers("et", "Tarkvara ettevõtetele"),
    ]
    drafted = [draft_map(a) for a in cases]  # warm caches (catalogs, knowledge documents)
    critique_map(drafted[0])
    drafts: list[float] = []
    critiques: list[float] = []
    for answers, journey in zip(cases, drafted):
        drafts += timed(lambda a=answers: draft_map(a), repeat)
        critiques += timed(lambda j=journey: critique_map(j), repeat)
    big = fifty_stage_map()
    parse_map(big, "md")
    imports = timed(lambda: parse_map(big, "md"), repeat)
    return {
        "draft": percentiles(drafts),
        "critique": percentiles(critiques),
        "import_50_stages": percentiles(imports),
    }


def bench_cli(data_dir: Path, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "POLKU_DATA_DIR": str(data_dir)}
    polku = [sys.executable, "-m", "assistant"]
    samples = timed(
        lambda: subprocess.run(
            [*polku, "ask", "Mikä on persoona?"], env=env, check=True, capture_output=True
        ),
        repeat,
    )
    return {"polku_ask_one_shot": percentiles(samples)}


class _InstantModel:
    """A chat model that answers at once and notes when it was called (pipeline overhead)."""

    name = "instant"
    supports_json = True
    context_window = 8192

    def __init__(self) -> None:
        self.called_at = 0.0
        self.prompt_tokens = 0

    def stream(self, messages: Any, *, max_tokens: int = 800, json_mode: bool = False) -> Any:
        import re

        from assistant.budget import count_messages

        self.called_at = time.perf_counter()
        self.prompt_tokens = count_messages(messages)
        request = messages[-1].content
        if "Draft map" in request:
            keys = re.findall(r'"key": "([^"]+)"', request)
            yield json.dumps(
                {"stages": [{"key": k, "actions": [{"text": "Tailored"}]} for k in keys]}
            )
        else:
            yield "A journey map shows the steps a customer takes [1]."

    def complete(self, messages: Any, **kwargs: Any) -> str:
        return "".join(self.stream(messages, **kwargs))


def bench_llm(data_dir: Path) -> dict[str, Any]:
    """LLM mode without a model's own time: overhead before the call, tokens per prompt."""
    from assistant.llm_drafting import Tailor
    from assistant.services import Services
    from assistant.settings import Settings
    from assistant.tokens import count_tokens

    model = _InstantModel()
    services = Services(Settings(data_dir=data_dir), model=model)  # type: ignore[arg-type]
    count_tokens("warm up the encoding")
    list(services.ask_events("What is a persona?", lang="en"))
    overheads: list[float] = []
    tokens: list[int] = []
    for question, lang in QUESTIONS:
        start = time.perf_counter()
        list(services.ask_events(question, lang=lang))
        overheads.append(model.called_at - start)
        tokens.append(model.prompt_tokens)
    tailor = Tailor(model, services.settings)  # type: ignore[arg-type]
    answers = _answers("en", "A fashion store with a web shop")
    from assistant.drafting import draft_map

    tailor.tailor(draft_map(answers), answers, [])
    return {
        "overhead_before_model": percentiles(overheads),
        "qa_prompt_tokens_max": max(tokens),
        "qa_prompt_tokens_mean": round(statistics.fmean(tokens)),
        "draft_tokens_in": tailor.usage.tokens_in,
        "draft_tokens_out": tailor.usage.tokens_out,
    }


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@contextmanager
def served(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """`polku serve` on a free port with ``env`` added: (url, process, seconds until its
    first HTTP answer); stopped on exit."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url, server, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=20)


def bench_ui(data_dir: Path, repeat: int) -> dict[str, Any]:
    """`polku serve`: start to first HTTP answer, idle memory, chat turns in a real browser."""
    with served({"POLKU_DATA_DIR": str(data_dir)}) as (url, server, started):
        time.sleep(2)
        idle = _rss_mb(server.pid)
        turns = _browser_turns(url, repeat)
    return {
        "start_to_http_s": round(started, 2),
        "idle_rss_mb": idle,
        "chat_turn": percentiles(turns),
    }


def bench_slack(data_dir: Path, repeat: int) -> dict[str, Any]:
    """A signed app_mention to `polku serve`: time to the HTTP ack, and to the answer posted
    on a stand-in Slack Web API on 127.0.0.1 (the whole round trip but Slack itself)."""
    import urllib.request

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


def _ms(result: dict[str, float]) -> str:
    return f"{result['p50_ms']} / {result['p95_ms']} ms"


def table(results: dict[str, Any]) -> str:
    idx, ret, cli, eng = results["index"], results["retrieval"], results["cli"], results["engine"]
    llm, ui = results["llm"], results["ui"]
    one_shot = cli["polku_ask_one_shot"]
    rows = [
        "| measure | p50 / p95 (or value) | target |",
        "|---|---|---|",
        f"| first index build ({idx['chunks']} chunks) | {idx['first_build_s']} s | recorded |",
        f"| re-index unchanged | {idx['reindex_unchanged_s']} s "
        f"({idx['speedup']}x faster) | >= 50x |",
        f"| hybrid retrieval | {_ms(ret['hybrid_search'])} | p95 <= 30 ms |",
        f"| offline ask in-process | {_ms(ret['offline_ask'])} | — |",
        f"| `polku ask` one-shot | {one_shot['p50_ms'] / 1000:.2f} / "
        f"{one_shot['p95_ms'] / 1000:.2f} s | <= 3 s |",
        f"| draft in-process | {_ms(eng['draft'])} | p95 <= 20 ms |",
        f"| critique in-process | {_ms(eng['critique'])} | p95 <= 20 ms |",
        f"| import a 50-stage map | {_ms(eng['import_50_stages'])} | <= 50 ms |",
        f"| `polku serve`: start to first HTTP answer | {ui['start_to_http_s']} s | <= 8 s |",
        f"| `polku serve`: idle RSS | {ui['idle_rss_mb']} MB | <= 600 MB |",
        f"| offline chat turn in the browser | {_ms(ui['chat_turn'])} | p95 <= 300 ms |",
        f"| Slack mention: HTTP ack | {_ms(results['slack']['ack'])} | < 3 s (Slack's limit) |",
        f"| Slack mention: answer posted in the thread | "
        f"{_ms(results['slack']['answer_in_thread'])} | within seconds |",
        f"| LLM mode: overhead before the model call | {_ms(llm['overhead_before_model'])} "
        "| <= 100 ms |",
        f"| LLM mode: prompt tokens per Q&A (max / mean) | {llm['qa_prompt_tokens_max']} / "
        f"{llm['qa_prompt_tokens_mean']} | <= 2,500 |",
        f"| LLM mode: tokens per drafted map (in / out, fake model) | {llm['draft_tokens_in']} / "
        f"{llm['draft_tokens_out']} | recorded |",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 20
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        results = {
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
            "index": bench_index(data_dir),
            "retrieval": bench_retrieval(data_dir, repeat),
            "cli": bench_cli(data_dir, 3 if args.quick else 5),
            "engine": bench_engine(repeat),
            "llm": bench_llm(data_dir),
            "ui": bench_ui(data_dir, 5 if args.quick else 20),
            "slack": bench_slack(data_dir, 5 if args.quick else 20),
        }
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
