"""The interview: one question at a time, offline rules plus a model reader."""
