"""Baselines: adopt secreview in an old code base without drowning in old findings.

`secreview baseline create FILE` records every current finding by its
fingerprint (`secreview.core.fingerprint`: rule, normalised code of the
line, enclosing function and path — no line number), so the record survives
code moving up and down the file. `--baseline FILE` then hides recorded
findings; they are counted as "baselined", never silently dropped.

A fingerprint can occur more than once (the same flagged line twice in one
function). The file therefore keeps one entry per finding and matching
consumes entries: a baseline that recorded one occurrence hides one, and a
second copy of the line added later is shown.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from secreview.core.fingerprint import FINGERPRINT_VERSION, fingerprint
from secreview.core.model import Finding, Review
from secreview.review.verdicts import file_verdicts, project_verdicts

BASELINE_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or was made by an incompatible version (exit status 2)."""


@dataclass(frozen=True)
class Baseline:
    """How many findings the baseline recorded under each fingerprint."""

    counts: Counter[str]

    def __len__(self) -> int:
        return sum(self.counts.values())


def to_dict(findings: Iterable[Finding]) -> dict[str, Any]:
    """The file's content: rule, path and line are for people reading it; only the fingerprint matches."""
    ordered = sorted(findings, key=lambda f: f.sort_key)
    return {
        "version": BASELINE_VERSION,
        "fingerprint": FINGERPRINT_VERSION,
        "findings": [
            {"fingerprint": fingerprint(f), "rule_id": f.rule_id, "cwe": f"CWE-{f.cwe}",
             "path": f.location.path, "line": f.location.line}
            for f in ordered
        ],
    }


def create(review: Review, target: Path) -> int:
    """Write the review's findings to `target`; returns how many were recorded."""
    data = to_dict(review.findings)
    try:
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {target}: {exc.strerror or exc}") from exc
    return len(data["findings"])


def load(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path} is not a secreview baseline (not JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path} is not a version {BASELINE_VERSION} secreview baseline")
    if data.get("fingerprint") != FINGERPRINT_VERSION:
        raise BaselineError(f"{path} holds {data.get('fingerprint')!r} fingerprints, this secreview makes "
                            f"{FINGERPRINT_VERSION!r}: recreate it with `secreview baseline create`")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise BaselineError(f"{path}: 'findings' must be a list of objects with a 'fingerprint'")
    return Baseline(Counter(e["fingerprint"] for e in entries))


def hide(findings: Iterable[Finding], budget: Counter[str], previous_path: str | None = None) -> tuple[
        list[Finding], int]:
    """(findings the baseline does not cover, how many it covers), using up entries of `budget`.

    `budget` starts as a copy of `Baseline.counts` and is shared by every
    call of one run. In review mode the pre-existing findings of the changed
    files are passed first, so when a change copies a baselined line the old
    copy keeps the entry and the new one is shown, wherever it sits; and for
    a file the change renames, `previous_path` lets an entry recorded under
    the old name still match.
    """
    shown: list[Finding] = []
    hidden = 0
    for finding in sorted(findings, key=lambda f: f.sort_key):
        keys = [fingerprint(finding)]
        if previous_path is not None:
            keys.append(fingerprint(replace(finding, location=replace(finding.location, path=previous_path))))
        key = next((k for k in keys if budget[k] > 0), None)
        if key is not None:
            budget[key] -= 1
            hidden += 1
        else:
            shown.append(finding)
    return shown, hidden


def apply(review: Review, baseline: Baseline) -> Review:
    """The review without the baselined findings, each file counting how many it hid."""
    budget = Counter(baseline.counts)
    files = []
    for file_review in review.files:
        shown, hidden = hide(file_review.findings, budget)
        if hidden:
            file_review = replace(file_review, findings=tuple(shown), baselined=file_review.baselined + hidden,
                                  verdicts=file_verdicts(shown, file_review.facts))
        files.append(file_review)
    return replace(review, files=tuple(files),
                   verdicts=project_verdicts([(f.findings, f.facts) for f in files]))
