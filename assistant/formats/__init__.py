"""Map files: ``parse`` (imports) and ``render`` (exports), over one cell syntax."""
