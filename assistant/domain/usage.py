"""Tokens a turn or a session sent to and received from a model."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TokenUsage(BaseModel):
    """Tokens sent to and received from a model."""

    tokens_in: int = Field(default=0, ge=0, description="Prompt tokens.")
    tokens_out: int = Field(default=0, ge=0, description="Reply tokens.")

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            tokens_in=self.tokens_in + other.tokens_in,
            tokens_out=self.tokens_out + other.tokens_out,
        )

    def __sub__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            tokens_in=max(0, self.tokens_in - other.tokens_in),
            tokens_out=max(0, self.tokens_out - other.tokens_out),
        )
