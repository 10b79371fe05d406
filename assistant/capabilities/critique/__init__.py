"""Critique: guideline checks with cited findings, plus a model's qualitative review."""
