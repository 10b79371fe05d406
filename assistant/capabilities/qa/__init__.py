"""Methodology questions: extractive answers offline, generated and grounded with a model."""
