"""``polku eval``: measure retrieval, answers, drafts, critique and injection resistance on
versioned datasets (eval/datasets), write a report, and gate regressions against thresholds
and a baseline."""
