"""Per-pillar verdicts, and which findings a review reports.

Verdicts: `facts` (the collectors the walk runs, registered through `facts_base`), `claims`,
`sentences`, `wording*`, `verdicts` (the chapters of every report). Which findings are shown:
`suppress` (inline waivers), `baseline` (findings recorded earlier), `changes` (what a change
introduces, in review mode).

Layer 3 of docs/architecture.md, with `analysis` and `rules`. May import: `secreview.core`,
`secreview.cwe`, `secreview.sources`, `secreview.settings`, `secreview.analysis`, `secreview.rules`.
"""
