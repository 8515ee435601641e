"""What the HTML report's script renders: the review's findings and files as one JSON value.

The page's own HTML holds the summary, the categories, the diagnostics and the
rules; findings, suppressed findings and per-file sections are rendered in the
browser a page at a time from this value, so a report with 100,000 findings
opens quickly. Keys are short and every string that repeats is stored once in
`strings` and named by its index (a large report repeats rule names, fixes and
messages thousands of times):

    {"strings":    [text, ...],
     "pillars":    {"707": "CWE-707 Improper Neutralization", ...},
     "files":      [[path, lines, findings, reviewed (0/1), [[pillar, status, summary], ...]], ...],
     "findings":   [finding, ...],
     "suppressed": [finding, ...],
     "code":       {path: [[first line, text, text, ...], ...], ...}}

A finding is {"p": path, "l": line, "sev": 1-4, "conf": 1-3, "rule": rule id,
"name": rule name, "cwe": "78", "cweTitle": title, "pillar": "707",
"msg": message, "fix": fix, "ex": [[first, last], ...] (the excerpt's line
ranges)} plus, only when they apply, "e": last flagged line (when not "l"),
"flow": [[path, line, description], ...], "llm": 1, "pre": 1 (pre-existing),
"notes": [text, ...] and "why" (the suppression's reason). Paths, rule ids,
names, titles, messages, fixes, descriptions, statuses and summaries are
indexes into `strings`; a `code` key is a path's index written as a JSON key.
`code` holds the lines the excerpts and flow steps show, each once per file,
as runs of consecutive lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from secreview.core.display import neutralise
from secreview.core.model import Finding, Review
from secreview.cwe import catalog
from secreview.report.common import cwe_title
from secreview.report.source_lines import read_text, reviewed_lines
from secreview.review.verdicts import PILLAR_ORDER

CONTEXT = 2  # lines shown before and after the flagged ones
LONG_SPAN = 12  # a flagged span longer than this shows its first and last KEPT lines only
KEPT = 5
MAX_LINE = 400  # characters of one code line (generated code can hold megabytes on a line)


def excerpt_ranges(line: int, end_line: int) -> list[tuple[int, int]]:
    """The line ranges (inclusive) shown around a finding flagged on `line`..`end_line`."""
    last = max(line, end_line)
    if last - line + 1 > LONG_SPAN:
        return [(max(1, line - CONTEXT), line + KEPT - 1), (last - KEPT + 1, last + CONTEXT)]
    return [(max(1, line - CONTEXT), last + CONTEXT)]


class _Strings:
    """A table of distinct strings: each is stored once, neutralised, and named by its index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.values)
            self.values.append(neutralise(text))
        return found


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + " …"


class _Payload:
    def __init__(self) -> None:
        self.strings = _Strings()
        self.cwe_titles: dict[str, int] = {}
        self.wanted: dict[str, set[int]] = defaultdict(set)  # path -> lines to put in `code`
        self.flagged: dict[str, list[Finding]] = defaultdict(list)  # path -> its findings (to check the file)

    def finding(self, finding: Finding) -> dict[str, Any]:
        s, loc = self.strings, finding.location
        ranges = excerpt_ranges(loc.line, loc.end_line)
        self.flagged[loc.path].append(finding)
        self.wanted[loc.path].update(n for first, last in ranges for n in range(first, last + 1))
        data: dict[str, Any] = {
            "p": s(loc.path), "l": loc.line, "sev": int(finding.severity), "conf": int(finding.confidence),
            "rule": s(finding.rule_id), "name": s(finding.rule_name or finding.rule_id),
            "cwe": finding.cwe, "cweTitle": self._cwe_title(finding.cwe), "pillar": finding.pillar,
            "msg": s(finding.message), "fix": s(finding.fix), "ex": ranges,
        }
        if loc.end_line > loc.line:
            data["e"] = loc.end_line
        if finding.path:
            data["flow"] = [self._step(step.location.path, step.location.line, step.description)
                            for step in finding.path]
        if finding.source != "static":
            data["llm"] = 1
        if finding.preexisting:
            data["pre"] = 1
        if finding.notes:
            data["notes"] = [neutralise(note) for note in finding.notes]
        if finding.suppressed is not None:
            data["why"] = s(finding.suppressed)
        return data

    def _cwe_title(self, cwe: str) -> int:
        found = self.cwe_titles.get(cwe)
        if found is None:
            found = self.cwe_titles[cwe] = self.strings(cwe_title(cwe))
        return found

    def _step(self, path: str, line: int, description: str) -> list[int]:
        self.wanted[path].add(line)
        return [self.strings(path), line, self.strings(description)]

    def code(self, root: str, sources: Mapping[str, str] | None) -> dict[str, list[list[Any]]]:
        """The wanted lines of each file, read once per file; the flagged lines alone if it cannot be read."""
        out: dict[str, list[list[Any]]] = {}
        for path, wanted in self.wanted.items():
            findings = self.flagged.get(path, ())
            lines = reviewed_lines(read_text(path, root, sources), findings)
            if lines is not None:
                table = {n: lines[n - 1] for n in wanted if 0 < n <= len(lines)}
            else:
                table = {f.location.line: f.source_line for f in findings if f.source_line}
            out[str(self.strings(path))] = _runs(table)
        return out


def _runs(table: dict[int, str]) -> list[list[Any]]:
    """{3: a, 4: b, 9: c} -> [[3, a, b], [9, c]]: consecutive lines without a number each."""
    runs: list[list[Any]] = []
    previous = -1
    for n in sorted(table):
        if n != previous + 1:
            runs.append([n])
        runs[-1].append(_clip(table[n]))
        previous = n
    # One neutralise per run, not per line: the lines hold no line break, so they join and split back.
    return [[run[0], *neutralise("\n".join(run[1:])).split("\n")] for run in runs]


def _files(review: Review, strings: _Strings) -> list[list[Any]]:
    return [
        [strings(fr.path), fr.lines, len(fr.findings), int(fr.reviewed),
         [[v.pillar, strings(v.status), strings(v.summary)] for v in fr.verdicts]]
        for fr in review.files
    ]


def payload(review: Review, sources: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The JSON value the report's script renders (see the module docstring for its shape)."""
    built = _Payload()
    findings = [built.finding(f) for f in review.findings]
    suppressed = [built.finding(f) for f in review.suppressed]
    root = review.change.root if review.change is not None else ""
    code = built.code(root, sources)
    return {
        "pillars": {p: f"CWE-{p} {catalog().pillar_name(p)}" for p in _pillars(review.findings, review.suppressed)},
        "files": _files(review, built.strings),
        "findings": findings,
        "suppressed": suppressed,
        "code": code,
        "strings": built.strings.values,
    }


def _pillars(*groups: Iterable[Finding]) -> list[str]:
    """The ten pillars in report order, then any other a finding names."""
    found = dict.fromkeys(PILLAR_ORDER)
    for group in groups:
        for finding in group:
            found.setdefault(finding.pillar)
    return list(found)
