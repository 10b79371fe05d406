"""Drafting: interview answers into a journey map, tailored by a model when there is one."""
