"""Measure Polku's performance on this machine, all in one run, beside the alternatives.

    python -m bench [--quick] [--sizes 1000,10000,100000] [--skip-browser]

Writes bench/results.json and bench/results.md (the tables in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT
from bench.report import markdown, targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes (chunks)")
    parser.add_argument("--skip-browser", action="store_true", help="no chromium, no Slack")
    args = parser.parse_args()
    from bench.adapters import bench_slack, bench_ui
    from bench.editing import bench_editing
    from bench.engine import bench_engine, bench_retrieval, sample_answers
    from bench.ingest import bench_ingest
    from bench.insights import bench_insights
    from bench.multi_server import bench_multi_server
    from bench.relevance import bench_relevance
    from bench.rest import bench_rest
    from bench.scale import bench_scale
    from bench.startup import bench_startup
    from bench.tokens import bench_tokens

    repeat = 3 if args.quick else 20
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        results: dict[str, Any] = {
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "date": time.strftime("%Y-%m-%d"),
            },
            "ingest": bench_ingest(data_dir),
            "retrieval": bench_retrieval(data_dir, repeat),
            "relevance": bench_relevance(data_dir),
            "engine": bench_engine(repeat),
            "insights": bench_insights(data_dir),
            "editing": bench_editing(2 if args.quick else 5),
            "startup": bench_startup(data_dir, 3 if args.quick else 5),
            "rest": bench_rest(data_dir, repeat),
            "llm": bench_tokens(data_dir, sample_answers("en", "A fashion store with a web shop")),
            "scale": bench_scale(data_dir, Path(tmp), sizes, 1 if args.quick else 3),
            "multi_server": bench_multi_server(args.quick),
        }
        if not args.skip_browser:
            results["ui"] = bench_ui(data_dir, 5 if args.quick else 20)
            results["slack"] = bench_slack(data_dir, 5 if args.quick else 20)
    results["targets"] = targets(results)
    results["seconds"] = round(time.perf_counter() - started)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = markdown(results)
    (ROOT / "bench" / "results.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"\nwritten to bench/results.json and bench/results.md in {results['seconds']} s")


if __name__ == "__main__":
    main()
