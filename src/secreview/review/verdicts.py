"""Turn findings and recorded facts into one verdict per CWE-1000 pillar.

A pillar with findings says how many and of which CWEs. A pillar without
findings is explained from the facts the analysis recorded for it (see
`Context.fact`); with no facts, it says which checks found nothing, so the
sentence still depends on what was run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from secreview.cwe import catalog
from secreview.model import Evidence, Finding, PillarVerdict

PILLAR_ORDER = ("284", "435", "664", "682", "691", "693", "697", "703", "707", "710")


def _findings_summary(findings: Sequence[Finding]) -> str:
    cwes = Counter(f"CWE-{f.cwe}" for f in findings)
    listed = ", ".join(f"{cwe} ×{n}" if n > 1 else cwe for cwe, n in sorted(cwes.items()))
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun} ({listed})"


def _clean_summary(pillar: str, facts: Sequence[Evidence]) -> str:
    if facts:
        cited = "; ".join(f"{fact.text} (line {fact.line})" if fact.line else fact.text for fact in facts[:4])
        more = f"; and {len(facts) - 4} more" if len(facts) > 4 else ""
        return f"no defect: {cited}{more}"
    return "no defect found by this pillar's checks"


def pillar_of_fact(fact: Evidence) -> str:
    """Facts are filed under a pillar by the prefix of their kind: '664:resource-released'."""
    return fact.kind.split(":", 1)[0]


def file_verdicts(findings: Iterable[Finding], facts: Iterable[Evidence]) -> tuple[PillarVerdict, ...]:
    by_pillar: dict[str, list[Finding]] = {p: [] for p in PILLAR_ORDER}
    for finding in findings:
        by_pillar.setdefault(finding.pillar, []).append(finding)
    facts_by_pillar: dict[str, list[Evidence]] = {p: [] for p in PILLAR_ORDER}
    for fact in facts:
        facts_by_pillar.setdefault(pillar_of_fact(fact), []).append(fact)
    names = catalog().pillars
    verdicts = []
    for pillar in PILLAR_ORDER:
        found = by_pillar[pillar]
        if found:
            verdicts.append(PillarVerdict(pillar, names[pillar], "findings", _findings_summary(found)))
        else:
            pillar_facts = facts_by_pillar[pillar]
            verdicts.append(PillarVerdict(pillar, names[pillar], "clean",
                                          _clean_summary(pillar, pillar_facts), tuple(pillar_facts)))
    return tuple(verdicts)


def project_verdicts(files: Sequence[tuple[Sequence[Finding], Sequence[Evidence]]]) -> tuple[PillarVerdict, ...]:
    """The same verdicts over a whole project: all findings, all facts."""
    findings = [f for found, _ in files for f in found]
    facts = [e for _, evidence in files for e in evidence]
    return file_verdicts(findings, facts)
