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
from functools import lru_cache

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
        elif not pillar_facts:  # most pillars of most files: the same sentence every time
            verdicts.append(PillarVerdict(pillar, names[pillar], "clean", _nothing_recorded(pillar, test)))
        else:
            explanation = explain(pillar, pillar_facts, test)
            verdicts.append(PillarVerdict(pillar, names[pillar], "clean", explanation.sentence,
                                          _evidence(explanation.cited, pillar_facts)))
    return tuple(verdicts)


@lru_cache(maxsize=256)
def _nothing_recorded(pillar: str, test: str) -> str:
    """The explanation of a pillar for which the walk recorded no fact in a file: it cites nothing
    and depends on nothing else, so each (pillar, why the file is test code) is worded once per process."""
    return explain(pillar, (), test).sentence


def _where(fact: Evidence) -> str:
    return f"{fact.path}:{fact.line}" if fact.path else f"line {fact.line}"


Tally = tuple[tuple[str, int, tuple[Evidence, ...]], ...]  # (phrase, how many facts, the first by place)
FileTallies = dict[str, Tally]  # pillar -> one file's tally, for the pillars a project summary asked about


def _tally(pillar: str, facts: Sequence[Evidence], test: str) -> Tally:
    """What one file adds to a project summary of `pillar`: per phrase, how many facts and the first
    `PROJECT_EXAMPLES` by (path, line), which are all a project summary can cite of this file."""
    if not facts:
        return ()  # no facts, nothing to tally (most files, for most pillars)
    return tuple((phrase, len(items), tuple(sorted(items, key=_place)[:PROJECT_EXAMPLES]))
                 for phrase, items in explain(pillar, facts, test).tally)


def _place(fact: Evidence) -> tuple[str, int]:
    return fact.path, fact.line


def _project_summary(pillar: str, tallies: Sequence[Tally]) -> tuple[str, list[Evidence]]:
    """'across 12 files: 30 resources closed by a with-block (e.g. a.py:3, b.py:9); ...'.

    Adding up the files' tallies in file order gives what tallying all their facts at once
    gives: the counts add up, a phrase ranks where it first appeared, and the first examples by
    place of all files are among the first of each file (sorting is stable).
    """
    counts: dict[str, int] = {}
    firsts: dict[str, list[Evidence]] = {}
    for tally in tallies:
        for phrase, count, first in tally:
            counts[phrase] = counts.get(phrase, 0) + count
            firsts.setdefault(phrase, []).extend(first)
    files = len(tallies)
    scope = f"{files} file" if files == 1 else f"{files} files"
    if not counts:
        nothing = explain(pillar, ()).sentence
        return f"in {scope}: {nothing}", []
    cited: list[Evidence] = []
    parts = []
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: equal counts keep pillar order
    for phrase, count in ranked[:PROJECT_PHRASES]:
        examples = sorted(firsts[phrase], key=_place)[:PROJECT_EXAMPLES]
        cited.extend(examples)
        listed = ", ".join(_where(f) for f in examples)
        parts.append(f"{phrase}: {count} ({'e.g. ' if count > len(examples) else ''}{listed})")
    more = len(counts) - PROJECT_PHRASES
    tail = f"; and {more} other kinds of fact" if more > 0 else ""
    return f"across {scope}: " + "; ".join(parts) + tail, cited


def project_verdicts(files: Sequence[tuple[Sequence[Finding], Sequence[Evidence]]],
                     tallies: Sequence[FileTallies] | None = None) -> tuple[PillarVerdict, ...]:
    """The verdicts over a whole project: all findings, and the facts of every file added up.

    `tallies`, one dict per file, holds what each file adds to the summary of a pillar; the
    pillars asked for and missing are worked out here and added. Given again for files with the
    same facts (a run after an edit keeps them for the files it did not review again), they
    spare explaining every file's facts again.
    """
    findings = [f for found, _ in files for f in found]
    by_pillar: dict[str, list[Finding]] = {p: [] for p in PILLAR_ORDER}
    for finding in findings:
        by_pillar.setdefault(finding.pillar, []).append(finding)
    clean = [p for p in PILLAR_ORDER if not by_pillar[p]]
    kept = tallies if tallies is not None else [{} for _ in files]
    for (_, facts), tally in zip(files, kept):
        missing = [p for p in clean if p not in tally]
        if missing:
            grouped = facts_by_pillar(facts)
            test = why_test_code(grouped.get("file", ()))
            for pillar in missing:
                tally[pillar] = _tally(pillar, grouped[pillar], test)
    names = catalog().pillars
    verdicts = []
    for pillar in PILLAR_ORDER:
        if by_pillar[pillar]:
            verdicts.append(PillarVerdict(pillar, names[pillar], "findings", _findings_summary(by_pillar[pillar])))
            continue
        summary, cited = _project_summary(pillar, [tally[pillar] for tally in kept])
        verdicts.append(PillarVerdict(pillar, names[pillar], "clean", summary, tuple(cited)))
    return tuple(verdicts)
