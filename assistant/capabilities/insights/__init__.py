"""Insights from the person's own research: statements read from their files, classified as
pains, gains and needs, grouped into counted themes placed on the journey, quoted verbatim."""
