"""Cold start: `polku ask` in a new process, and where its import time goes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import percentiles, timed

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
HEAVY = ("gradio", "langchain", "langchain_core", "langchain_openai", "openai", "fastapi")


def import_breakdown(env: dict[str, str], argv: list[str]) -> dict[str, Any]:
    """``python -X importtime``: total, the slowest packages (each with what it imports, so
    they overlap), and which of the heavy packages were imported at all."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0.0
    packages: dict[str, float] = {}  # a package's own line: itself and what it imports
    seen: set[str] = set()
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        cumulative, indent, name = int(match[2]) / 1000, len(match[3]), match[4]
        seen.add(name.split(".")[0])
        if indent == 1:
            total += cumulative
        if "." not in name and not name.startswith("_") and name != "assistant":
            packages[name] = max(packages.get(name, 0.0), cumulative)
    slowest = sorted(packages.items(), key=lambda item: -item[1])[:8]
    return {
        "total_ms": round(total, 1),
        "slowest_ms": {name: round(ms, 1) for name, ms in slowest},
        "heavy_imported": sorted(name for name in HEAVY if name in seen),
    }


def bench_startup(data_dir: Path, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "POLKU_DATA_DIR": str(data_dir)}
    ask = ["ask", "Mikä on persoona?"]
    samples = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "assistant", *ask], env=env, check=True, capture_output=True
        ),
        repeat,
    )
    return {
        "polku_ask_one_shot": percentiles(samples),
        "imports_ask": import_breakdown(env, ask),
        "imports_version": import_breakdown(env, ["version"]),
    }
