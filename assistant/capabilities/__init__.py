"""What Polku can do, one folder each: interview, drafting, critique, qa.

In each folder the offline rules sit beside the model-assisted half (``assisted.py``);
``fallback`` is the one contract by which a model-assisted step falls back offline."""
