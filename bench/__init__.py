"""Benchmarks: `python -m bench` measures and writes bench/results.json and a Markdown table."""
