"""The settings of a run: `[tool.secreview]` in pyproject.toml and the options that override it.

Holds: `config` (the settings, resolved once into one frozen `Config` that every later stage reads).

May import: `secreview.core`, `secreview.sources`.
"""
