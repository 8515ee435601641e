"""The Python API: the same reviews the command line prints.

    >>> import secreview
    >>> review = secreview.review_source("import os\\nos.system(cmd)\\n", filename="x.py")
    >>> [f.rule_id for f in review.findings]
    ['command-injection-shell']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from secreview import __version__
from secreview.analyze import Thresholds, review_file, review_text
from secreview.config import Config, ConfigError
from secreview.config import load as load_config
from secreview.discover import discover
from secreview.engine import Dispatch
from secreview.model import Review
from secreview.review.verdicts import project_verdicts
from secreview.rules import select_rules, unknown_selectors


def _dispatch(config: Config) -> Dispatch:
    unknown = unknown_selectors([*config.select, *config.ignore])
    if unknown:
        raise ConfigError(f"unknown rule or CWE in select/ignore: {', '.join(unknown)} (see `secreview rules`)")
    return Dispatch(select_rules(config.select, config.ignore))


def _thresholds(config: Config) -> Thresholds:
    return Thresholds(config.min_severity, config.min_confidence)


def review_paths(paths: Sequence[str | Path], config: Config | None = None) -> Review:
    """Review files and directories. Raises MissingPath or ConfigError for usage errors."""
    names = [str(p) for p in paths]
    if config is None:
        config = load_config(Path(names[0]) if names else None)
    dispatch = _dispatch(config)
    found = discover(names, config.exclude, config.gitignore)
    thresholds = _thresholds(config)
    files = tuple(review_file(path, dispatch, config.max_file_size, thresholds) for path in found.files)
    return Review(
        files=files,
        verdicts=project_verdicts([(f.findings, f.facts) for f in files]),
        diagnostics=tuple(found.diagnostics),
        tool_version=__version__,
    )


def review_source(code: str, filename: str = "<string>", config: Config | None = None) -> Review:
    """Review a string of Python source as if it were the file `filename`."""
    config = config or Config()
    file_review = review_text(filename, code, _dispatch(config), _thresholds(config))
    return Review(files=(file_review,), verdicts=file_review.verdicts, tool_version=__version__)
