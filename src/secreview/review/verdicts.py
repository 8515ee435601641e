"""Turn findings and recorded facts into one verdict per CWE-1000 pillar.

A pillar with findings says how many and of which CWEs. A pillar without
findings is explained from the facts the walk recorded for it (see
`secreview.review.facts`), by the sentences in `secreview.review.wording`,
which cite the lines of those facts. A project verdict adds up the same
explanations over all files: how many of each thing, with a few `path:line`
examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from secreview.core.model import Evidence, Finding, PillarVerdict
from secreview.cwe import catalog
from secreview.review.wording import EXPLAIN, Explanation

PILLAR_ORDER = ("284", "435", "664", "682", "691", "693", "697", "703", "707", "710")
EVIDENCE_LIMIT = 40  # facts listed per pillar and file, the cited ones first
PROJECT_EXAMPLES = 2  # path:line examples per counted phrase in a project summary
PROJECT_PHRASES = 6  # counted phrases per pillar in a project summary


def _findings_summary(findings: Sequence[Finding]) -> str:
    cwes = Counter(f"CWE-{f.cwe}" for f in findings)
    listed = ", ".join(f"{cwe} ×{n}" if n > 1 else cwe for cwe, n in sorted(cwes.items()))
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun} ({listed})"


def pillar_of_fact(fact: Evidence) -> str:
    """Facts are filed under a pillar by the prefix of their kind: '664:acquire'."""
    return fact.kind.split(":", 1)[0]


def facts_by_pillar(facts: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    grouped: dict[str, list[Evidence]] = {p: [] for p in PILLAR_ORDER}
    for fact in facts:
        grouped.setdefault(pillar_of_fact(fact), []).append(fact)
    return grouped


def _evidence(cited: Sequence[Evidence], facts: Sequence[Evidence]) -> tuple[Evidence, ...]:
    """The cited facts, then the others up to the limit, in line order, each once."""
    chosen = list(dict.fromkeys(cited))
    seen = set(chosen)
    for fact in facts:
        if len(chosen) >= EVIDENCE_LIMIT:
            break
        if fact not in seen:
            chosen.append(fact)
            seen.add(fact)
    return tuple(sorted(chosen, key=lambda f: (f.path, f.line, f.kind)))


def why_test_code(facts: Iterable[Evidence]) -> str:
    """Why the file of these facts is test code ('' for product code), from its `file:test` fact."""
    return next((f.text for f in facts if f.kind == "file:test"), "")


def explain(pillar: str, facts: Sequence[Evidence], test: str = "") -> Explanation:
    """The explanation of one pillar for one file's facts; `test` says why the file is test code."""
    return EXPLAIN[pillar](facts, test)


def file_verdicts(findings: Iterable[Finding], facts: Iterable[Evidence], *,
                  reviewed: bool = True) -> tuple[PillarVerdict, ...]:
    """The ten verdicts of one file; `reviewed=False` (unreadable, unparsable) claims nothing about it."""
    names = catalog().pillars
    if not reviewed:
        return tuple(PillarVerdict(p, names[p], "not-reviewed", "not reviewed: the file could not be read or parsed")
                     for p in PILLAR_ORDER)
    by_pillar: dict[str, list[Finding]] = {p: [] for p in PILLAR_ORDER}
    for finding in findings:
        by_pillar.setdefault(finding.pillar, []).append(finding)
    grouped = facts_by_pillar(facts)
    test = why_test_code(grouped.get("file", ()))
    verdicts = []
    for pillar in PILLAR_ORDER:
        found = by_pillar[pillar]
        pillar_facts = grouped[pillar]
        if found:
            verdicts.append(PillarVerdict(pillar, names[pillar], "findings", _findings_summary(found),
                                          _evidence((), pillar_facts)))
        else:
            explanation = explain(pillar, pillar_facts, test)
            verdicts.append(PillarVerdict(pillar, names[pillar], "clean", explanation.sentence,
                                          _evidence(explanation.cited, pillar_facts)))
    return tuple(verdicts)


def _where(fact: Evidence) -> str:
    return f"{fact.path}:{fact.line}" if fact.path else f"line {fact.line}"


def _project_summary(pillar: str, files: Sequence[tuple[Sequence[Evidence], str]]) -> tuple[str, list[Evidence]]:
    """'across 12 files: 30 resources closed by a with-block (e.g. a.py:3, b.py:9); ...'."""
    totals: dict[str, list[Evidence]] = {}
    for facts, test in files:
        if not facts:
            continue  # no facts, nothing to tally (most files, for most pillars)
        for phrase, items in explain(pillar, facts, test).tally:
            totals.setdefault(phrase, []).extend(items)
    count = len(files)
    scope = f"{count} file" if count == 1 else f"{count} files"
    if not totals:
        nothing = explain(pillar, ()).sentence
        return f"in {scope}: {nothing}", []
    cited: list[Evidence] = []
    parts = []
    ranked = sorted(totals.items(), key=lambda kv: -len(kv[1]))  # stable: equal counts keep pillar order
    for phrase, items in ranked[:PROJECT_PHRASES]:
        examples = sorted(items, key=lambda f: (f.path, f.line))[:PROJECT_EXAMPLES]
        cited.extend(examples)
        listed = ", ".join(_where(f) for f in examples)
        parts.append(f"{phrase}: {len(items)} ({'e.g. ' if len(items) > len(examples) else ''}{listed})")
    more = len(totals) - PROJECT_PHRASES
    tail = f"; and {more} other kinds of fact" if more > 0 else ""
    return f"across {scope}: " + "; ".join(parts) + tail, cited


def project_verdicts(files: Sequence[tuple[Sequence[Finding], Sequence[Evidence]]]) -> tuple[PillarVerdict, ...]:
    """The verdicts over a whole project: all findings, and the facts of every file added up."""
    findings = [f for found, _ in files for f in found]
    by_pillar: dict[str, list[Finding]] = {p: [] for p in PILLAR_ORDER}
    for finding in findings:
        by_pillar.setdefault(finding.pillar, []).append(finding)
    per_file = [facts_by_pillar(evidence) for _, evidence in files]
    tests = [why_test_code(grouped.get("file", ())) for grouped in per_file]
    names = catalog().pillars
    verdicts = []
    for pillar in PILLAR_ORDER:
        if by_pillar[pillar]:
            verdicts.append(PillarVerdict(pillar, names[pillar], "findings", _findings_summary(by_pillar[pillar])))
            continue
        summary, cited = _project_summary(pillar, [(grouped[pillar], tests[i]) for i, grouped in enumerate(per_file)])
        verdicts.append(PillarVerdict(pillar, names[pillar], "clean", summary, tuple(cited)))
    return tuple(verdicts)
