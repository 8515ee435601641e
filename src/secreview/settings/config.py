"""Settings: `[tool.secreview]` in pyproject.toml, overridden by options.

Keys (all optional)::

    [tool.secreview]
    exclude = ["migrations/", "*_pb2.py"]   # gitignore-style globs
    select = ["command-injection-shell"]    # only these rules (ids or CWE-NNN or pillar CWE-NNN)
    ignore = ["assert-used-for-authorisation"]
    min-severity = "medium"                 # low | medium | high | critical
    min-confidence = "low"                  # low | medium | high
    max-file-size = 5242880                 # bytes; larger files get a diagnostic
    gitignore = true                        # honour .gitignore files
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from secreview.core.model import Confidence, Finding, Severity
from secreview.sources.parse import DEFAULT_MAX_BYTES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 in CI
    import tomli as tomllib


DEFAULT_FILE_TIMEOUT = 5.0  # seconds per file (`--file-timeout`); the largest real modules we know take well under one


class ConfigError(Exception):
    """The configuration file or an option is invalid (exit status 2)."""


@dataclass(frozen=True)
class Thresholds:
    """Findings below either threshold are counted, not reported.

    `shown` is the one place the comparison is made: the per-file review, the project's taint
    findings and a second opinion's findings all pass through it.
    """

    min_severity: Severity = Severity.LOW
    min_confidence: Confidence = Confidence.LOW

    def shown(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings at or above both thresholds, in their order."""
        severity, confidence = self.min_severity, self.min_confidence
        return [f for f in findings if f.severity >= severity and f.confidence >= confidence]


@dataclass(frozen=True)
class Config:
    """The settings of a run, resolved once (file, then options: `merged`) and read by every stage."""

    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity = Severity.LOW
    min_confidence: Confidence = Confidence.LOW
    max_file_size: int = DEFAULT_MAX_BYTES
    gitignore: bool = True
    include_tests: bool = False  # trace data flows in test code too (and list them); not traced otherwise
    source: str | None = field(default=None, compare=False)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.min_severity, self.min_confidence)

    def merged(self, **options: Any) -> "Config":
        """Options given on the command line win over the file; None means not given."""
        given = {k: v for k, v in options.items() if v is not None and v != ()}
        if "exclude" in given:
            given["exclude"] = tuple(self.exclude) + tuple(given["exclude"])
        return replace(self, **given)


_KEYS = {
    "exclude": "exclude",
    "select": "select",
    "ignore": "ignore",
    "min-severity": "min_severity",
    "min-confidence": "min_confidence",
    "max-file-size": "max_file_size",
    "gitignore": "gitignore",
    "include-tests": "include_tests",
}


def find_pyproject(start: Path) -> Path | None:
    start = start.absolute()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Read `[tool.secreview]` from `explicit` or the nearest pyproject.toml."""
    path = explicit or find_pyproject(start or Path.cwd())
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    table = data.get("tool", {}).get("secreview", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.secreview] must be a table")
    values: dict[str, Any] = {"source": str(path)}
    for key, value in table.items():
        attr = _KEYS.get(key) or _KEYS.get(key.replace("_", "-"))
        if attr is None:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.secreview]; known: {', '.join(_KEYS)}")
        values[attr] = _convert(path, key, attr, value)
    return Config(**values)


def _convert(path: Path, key: str, attr: str, value: Any) -> Any:
    try:
        if attr in ("exclude", "select", "ignore"):
            if isinstance(value, str):
                value = [value]
            if not all(isinstance(v, str) for v in value):
                raise TypeError("a list of strings")
            return tuple(value)
        if attr == "min_severity":
            return Severity.parse(value)
        if attr == "min_confidence":
            return Confidence.parse(value)
        if attr == "max_file_size":
            if not isinstance(value, int) or value <= 0:
                raise TypeError("a positive integer")
            return value
        if attr in ("gitignore", "include_tests"):
            if not isinstance(value, bool):
                raise TypeError("true or false")
            return value
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: bad value for {key!r}: {value!r} ({exc})") from exc
    raise AssertionError(attr)  # pragma: no cover
