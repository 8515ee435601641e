"""Inline suppressions: `# secreview: ignore[rule-id] reason` and Bandit's `# nosec`.

A suppressed finding is kept (marked with the reason) and counted in the
summary, never silently dropped, so a reviewer can audit what was waived.
The comment may sit on the first or the last line of the flagged code.
"""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from collections.abc import Iterable

from secreview.core.model import Finding
from secreview.rules.base import REGISTRY

_OURS = re.compile(r"#\s*secreview:\s*ignore(?:\[(?P<ids>[^\]]*)\])?(?P<reason>.*)$", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b(?P<ids>[:\s]*[A-Za-z0-9_,\- ]*)?", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Waiver:
    ids: frozenset[str] | None  # None: every rule
    reason: str


def waivers(source: str) -> dict[int, list[Waiver]]:
    """Suppression comments by line. Only real comments count, not strings."""
    if "secreview" not in source and "nosec" not in source:
        return {}
    found: dict[int, list[Waiver]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {}
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        waiver = _parse(token.string)
        if waiver is not None:
            found.setdefault(token.start[0], []).append(waiver)
    return found


def _parse(comment: str) -> Waiver | None:
    match = _OURS.search(comment)
    if match:
        ids = match.group("ids")
        reason = match.group("reason").strip(" :-—") or "no reason given"
        return Waiver(frozenset(i.strip() for i in ids.split(",") if i.strip()) if ids else None, reason)
    match = _NOSEC.search(comment)
    if match:
        raw = (match.group("ids") or "").strip(" :")
        ids = frozenset(i.strip() for i in re.split(r"[,\s]+", raw) if i.strip())
        return Waiver(ids or None, "nosec")
    return None


def _covers(waiver: Waiver, finding: Finding) -> bool:
    if waiver.ids is None:
        return True
    if finding.rule_id in waiver.ids:
        return True
    rule = REGISTRY.get(finding.rule_id)
    return rule is not None and bool(waiver.ids & set(rule.bandit))


def apply(findings: Iterable[Finding], source: str,
          by_line: dict[int, list[Waiver]] | None = None) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (reported, suppressed-with-reason).

    `by_line`: the file's `waivers(source)` when already known (the taint pass keeps them
    in its per-file summary and no longer has the source); `source` is then not read.
    """
    if by_line is None:
        by_line = waivers(source)
    kept: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        loc = finding.location
        candidates = by_line.get(loc.line, []) + (by_line.get(loc.end_line, []) if loc.end_line != loc.line else [])
        waiver = next((w for w in candidates if _covers(w, finding)), None)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(dataclasses.replace(finding, suppressed=waiver.reason))
    return kept, waived
