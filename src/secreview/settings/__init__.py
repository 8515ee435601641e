"""The settings of a run: `[tool.secreview]` in pyproject.toml and the options that override it.

Holds: `config` (the settings, resolved once into one frozen `Config` that every later stage reads,
and `Thresholds`, the one place findings are compared with the severity and confidence thresholds).

Layer 2 of docs/architecture.md. May import: `secreview.core`, `secreview.cwe`, `secreview.sources`.
"""
