"""A file's review with the project pass's findings merged in: suppressions, thresholds, deferring patterns.

Shared by the taint link (`taint_project`) and the imported-pattern link (`imported_patterns`), which
both add findings that only the whole project reveals to reviews made one file at a time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from secreview.core.model import FileReview, Finding

if TYPE_CHECKING:
    from secreview.settings.config import Config


def merge(review: FileReview, found: Iterable[Finding], waivers: dict, config: Config,
          cleared: Iterable[tuple[int, str]] = (), dead: Sequence[tuple[int, int]] = (),
          varies: Sequence[int] = ()) -> FileReview:
    """A file's review with the taint findings whose sink is in it (`waivers`: its summary's).

    Pattern rules beside a taint rule defer to the flow: a pattern finding of a taint rule's
    CWE is dropped on a sink the taint pass proved safe (`cleared`: line, sink class) and in
    code no feasible path reaches (`dead`: line ranges). So do the verdict's facts: a sink the
    facts call "given only constants" is given computed values where the pass found a value it
    could not prove constant (`varies`: lines).
    """
    from secreview.analysis.taint_rules import FLOW_ONLY_RULES, TAINT_CWES, cwe_of
    from secreview.review import suppress
    from secreview.review.verdicts import file_verdicts

    found = list(found)
    if varies:
        review = _constants_as_proven(review, frozenset(varies))
    safe = {(line, cwe) for line, kind in cleared if (cwe := cwe_of(kind)) in TAINT_CWES}
    if safe or dead:
        review = _without_pattern(review, safe, dead)
    if not found:
        return review
    taint_ids = FLOW_ONLY_RULES  # (a rule that is also a pattern rule gives way to its own flow on a line)
    # A waiver of the pattern finding on the same sink (line and CWE) waives the taint finding too.
    pattern_waived = {(f.location.line, f.cwe): f.suppressed for f in review.suppressed
                      if f.rule_id not in taint_ids}
    kept, waived = suppress.apply(found, "", by_line=waivers)
    still: list[Finding] = []
    for finding in kept:
        reason = pattern_waived.get((finding.location.line, finding.cwe))
        if reason is not None:
            waived.append(dataclasses.replace(finding, suppressed=reason))
        else:
            still.append(finding)
    shown = config.thresholds.shown(still)
    sinks = {(f.location.line, f.cwe) for f in (*still, *waived)}
    pattern = [f for f in review.findings if (f.location.line, f.cwe) not in sinks or f.rule_id in taint_ids]
    waived_pattern = [f for f in review.suppressed if (f.location.line, f.cwe) not in sinks]
    findings = tuple(sorted((*pattern, *shown), key=lambda f: f.sort_key))
    return dataclasses.replace(
        review,
        findings=findings,
        suppressed=tuple(sorted((*waived_pattern, *waived), key=lambda f: f.sort_key)),
        below_threshold=review.below_threshold + len(still) - len(shown),
        verdicts=file_verdicts(findings, review.facts),
    )


_CONSTANT, _COMPUTED = "707:sink-constant", "707:sink-variable"


def _constants_as_proven(review: FileReview, varies: frozenset[int]) -> FileReview:
    """`review` whose "given only constants" facts hold only where the taint pass found no varying value.

    The facts read a name's last plain assignment in scope; the pass follows the paths, so
    `cmd = "uptime"` before a loop whose body later sets `cmd = argv[1]` is computed there.
    """
    from secreview.review.verdicts import file_verdicts

    if not any(f.kind == _CONSTANT and f.line in varies for f in review.facts):
        return review
    facts = tuple(dataclasses.replace(f, kind=_COMPUTED) if f.kind == _CONSTANT and f.line in varies else f
                  for f in review.facts)
    return dataclasses.replace(review, facts=facts, verdicts=file_verdicts(review.findings, facts))


def _without_pattern(review: FileReview, safe: set[tuple[int, str | None]],
                     dead: Sequence[tuple[int, int]]) -> FileReview:
    """The review without pattern findings of a taint rule's CWE on proven-safe sinks or in dead code."""
    from secreview.analysis.taint_rules import TAINT_CWES
    from secreview.review.verdicts import file_verdicts

    def deferred(finding: Finding) -> bool:
        line = finding.location.line
        if (line, finding.cwe) in safe:
            return True
        return finding.cwe in TAINT_CWES and any(start <= line <= end for start, end in dead)

    kept = tuple(f for f in review.findings if not deferred(f))
    if len(kept) == len(review.findings):
        return review
    return dataclasses.replace(review, findings=kept, verdicts=file_verdicts(kept, review.facts))
