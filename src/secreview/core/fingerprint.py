"""A stable identity for a finding, shared by every machine-readable format.

Code-scanning services (GitHub, Azure DevOps, DefectDojo) match the results of
one run with those of the previous run to tell new defects from old ones, and
to keep a dismissal attached to the defect it dismissed. If the identity
included the line number, inserting a line at the top of a file would make
every finding below it look new and resurrect every dismissed alert.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath, PureWindowsPath

from secreview.core.model import Finding

FINGERPRINT_VERSION = "secreview/v2"
"""Key under which SARIF `partialFingerprints` carries `fingerprint()`; bump it if the recipe changes."""


def _posix(path: str) -> str:
    """The same file must hash the same whether it was named with / or \\."""
    if "\\" in path:
        return PureWindowsPath(path).as_posix()
    return PurePath(path).as_posix()


def fingerprint(finding: Finding) -> str:
    """SHA-256 (hex) over the rule id, the flagged code, the enclosing function and the file path.

    Why these parts: the line and column are left out so the identity
    survives line moves (code added or removed above the finding); the
    flagged source line, with its whitespace collapsed, is kept so that
    re-indenting or reformatting spaces does not matter but changing the code
    does, which is exactly when a reviewer should look again; the rule id
    keeps two rules firing on one line apart; the path keeps the same line in
    two files apart. The enclosing function or class (`Finding.context`,
    e.g. `Handler.post`) tells apart the same line in two functions of one
    file, so moving code around does not swap their identities; at module
    level it is empty and left out. Two identical lines in one function
    flagged by one rule still share a fingerprint: `fingerprints` numbers
    them by occurrence.

    The parts are joined with NUL, which none of them can contain, so
    different parts can never run together into the same input.
    """
    code = " ".join(finding.source_line.split())
    parts = (finding.rule_id, code, _posix(finding.location.path))
    if finding.context:
        parts += (finding.context,)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """`fingerprint` of each finding, with `:N` added to the N-th (N >= 2) finding sharing one.

    Occurrences are counted in source order, so the result does not depend on
    the order `findings` come in. This is what SARIF `partialFingerprints`
    carries; a baseline stores plain fingerprints with a count instead (see
    `secreview.review.baseline`), which needs no order at all.
    """
    plain = [fingerprint(f) for f in findings]
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key)
    seen: Counter[str] = Counter()
    out = list(plain)
    for index in order:
        seen[plain[index]] += 1
        if seen[plain[index]] > 1:
            out[index] = f"{plain[index]}:{seen[plain[index]]}"
    return out


__all__ = ["FINGERPRINT_VERSION", "fingerprint", "fingerprints"]
