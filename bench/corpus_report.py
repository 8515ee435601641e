"""Precision and recall per CWE-1000 pillar on the labelled corpus, for secreview and Bandit.

    python bench/corpus_report.py              # aligned text
    python bench/corpus_report.py --markdown   # the table in the README

Labels come from tests/annotations.py, exactly as tests/test_corpus.py reads
them, and secreview reviews every corpus file the way that test does (under
its path relative to tests/corpus, so only the corpus's own test files count
as test code). Bandit (`pip install '.[bench]'`) runs on a temporary copy of
the corpus laid out with the same relative paths.

Scoring. secreview: a finding on a line labelled `ruleid: R` by the same rule
(or by the taint rule of R's CWE, which replaces R's finding on that sink, as
in the corpus test) is a true positive for R's pillar; any other finding is a
false positive in its own pillar; a `ruleid` label with no finding is a false
negative.
Bandit has its own ids, so a Bandit result on a line labelled `ruleid: R`
counts as a true positive for R when its CWE falls (by the catalogue's primary
pillar) under R's pillar or its test id is one R declares in `Rule.bandit`;
a result on a line with no `ruleid` label (unlabelled, or labelled `ok`) is a
false positive in the pillar of its CWE; a result on a labelled line that
matches none of its labels is a different defect there and is not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from annotations import CORPUS, Label, corpus_files, corpus_review, labels  # noqa: E402

from secreview.cwe import catalog  # noqa: E402
from secreview.rules import REGISTRY  # noqa: E402

UNKNOWN = "other"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Table:
    positives: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    secreview: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    bandit: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))


def pillar_of(cwe: object) -> str:
    """The catalogue's primary pillar for a CWE id, or 'other' when there is none."""
    try:
        return catalog().weakness(str(cwe)).primary_pillar
    except (KeyError, ValueError):
        return UNKNOWN


def load_labels() -> dict[str, list[Label]]:
    return {path.relative_to(CORPUS).as_posix(): labels(path) for path in corpus_files()}


def score_secreview(all_labels: dict[str, list[Label]], table: Table) -> None:
    for relative, file_labels in all_labels.items():
        findings, _ = corpus_review(CORPUS / relative)  # a `*_project` directory is reviewed as one project
        found = {(f.rule_id, f.location.line): f.pillar for f in findings}
        # As in tests/test_corpus.py: a taint finding replaces the pattern finding of the same
        # CWE on the same sink line, so it answers for that pattern rule's label.
        replacing = {(f.cwe, f.location.line): (f.rule_id, f.location.line) for f in findings
                     if "taint" in REGISTRY[f.rule_id].tags}
        matched: set[tuple[str, int]] = set()
        for lab in file_labels:
            if not lab.expected:
                continue
            pillar = REGISTRY[lab.rule_id].pillar
            table.positives[pillar] += 1
            hit = (lab.rule_id, lab.line) if (lab.rule_id, lab.line) in found else \
                replacing.get((REGISTRY[lab.rule_id].cwe, lab.line))
            if hit is not None:
                matched.add(hit)
                table.secreview[pillar].tp += 1
            else:
                table.secreview[pillar].fn += 1
        for key, pillar in found.items():
            if key not in matched:
                table.secreview[pillar].fp += 1


def run_bandit() -> list[dict]:
    """Bandit's JSON results for a copy of the corpus, with paths relative to the corpus root."""
    with tempfile.TemporaryDirectory(prefix="secreview-bench-") as temp:
        copy = Path(temp) / "corpus"
        shutil.copytree(CORPUS, copy)
        completed = subprocess.run(
            [sys.executable, "-m", "bandit", "-r", str(copy), "-f", "json", "-q"],
            capture_output=True, text=True, check=False,
        )
        if completed.returncode not in (0, 1):
            raise SystemExit(f"bandit failed ({completed.returncode}): {completed.stderr.strip()[:500]}\n"
                             "install it with: pip install '.[bench]'")
        results = json.loads(completed.stdout)["results"]
        for result in results:
            result["filename"] = Path(result["filename"]).resolve().relative_to(copy.resolve()).as_posix()
        return results


def score_bandit(all_labels: dict[str, list[Label]], results: list[dict], table: Table) -> None:
    matched: set[tuple[str, int, str]] = set()
    for result in results:
        relative = result["filename"]
        lines = set(result.get("line_range") or []) | {result["line_number"]}
        file_labels = all_labels.get(relative, [])
        positives = [lab for lab in file_labels if lab.expected and lab.line in lines]
        cwe_pillar = pillar_of((result.get("issue_cwe") or {}).get("id", ""))
        if not positives:
            table.bandit[cwe_pillar].fp += 1
            continue
        for lab in positives:
            item = REGISTRY[lab.rule_id]
            if cwe_pillar == item.pillar or result["test_id"] in item.bandit:
                matched.add((relative, lab.line, lab.rule_id))
    for relative, file_labels in all_labels.items():
        for lab in file_labels:
            if lab.expected:
                pillar = REGISTRY[lab.rule_id].pillar
                if (relative, lab.line, lab.rule_id) in matched:
                    table.bandit[pillar].tp += 1
                else:
                    table.bandit[pillar].fn += 1


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def rows(table: Table) -> list[list[str]]:
    pillars = sorted({*table.positives, *table.secreview, *table.bandit}, key=lambda p: (p == UNKNOWN, p))
    out = []
    totals = (Score(), Score())
    for pillar in pillars:
        name = f"CWE-{pillar} {catalog().pillar_name(pillar)}" if pillar != UNKNOWN else "no pillar (CWE unknown)"
        ours, theirs = table.secreview[pillar], table.bandit[pillar]
        for total, score in zip(totals, (ours, theirs)):
            total.tp, total.fp, total.fn = total.tp + score.tp, total.fp + score.fp, total.fn + score.fn
        out.append(_row(name, table.positives.get(pillar, 0), ours, theirs))
    out.append(_row("all pillars", sum(table.positives.values()), *totals))
    return out


def _row(name: str, positives: int, ours: Score, theirs: Score) -> list[str]:
    return [name, str(positives),
            str(ours.tp), str(ours.fp), str(ours.fn), _ratio(ours.precision), _ratio(ours.recall),
            str(theirs.tp), str(theirs.fp), str(theirs.fn), _ratio(theirs.precision), _ratio(theirs.recall)]


HEADER = ["pillar", "labelled", "secreview TP", "FP", "FN", "precision", "recall",
          "Bandit TP", "FP", "FN", "precision", "recall"]


def render(table_rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(HEADER))) + "|"
        lines = ["| " + " | ".join(HEADER) + " |", rule]
        lines += ["| " + " | ".join(row) + " |" for row in table_rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in [HEADER, *table_rows]) for i in range(len(HEADER))]

    def fmt(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([fmt(HEADER), *(fmt(r) for r in table_rows)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args(argv)
    all_labels = load_labels()
    table = Table()
    score_secreview(all_labels, table)
    score_bandit(all_labels, run_bandit(), table)
    sys.stdout.write(render(rows(table), args.markdown))
    files = len(all_labels)
    annotated = sum(len(v) for v in all_labels.values())
    sys.stdout.write(f"\n{files} corpus files, {annotated} annotations "
                     f"({sum(table.positives.values())} labelled defects).\n")
    sys.stdout.write("\n" + render_capabilities(capabilities(all_labels), args.markdown))
    return 0


_CAPABILITY = re.compile(r"^\s*#\s*capability:\s*([\w\-, ]+?)\s*$")


def capabilities(all_labels: dict[str, list[Label]]) -> dict[str, list[int]]:
    """Capability -> [flagged cases, safe twins]: every label after a `# capability: NAME` comment
    (until the next one) in a corpus file counts for that capability of the data-flow engine."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for relative, file_labels in all_labels.items():
        marks: list[tuple[int, list[str]]] = []
        for number, text in enumerate((CORPUS / relative).read_text("utf-8").splitlines(), start=1):
            match = _CAPABILITY.match(text)
            if match:
                marks.append((number, [c.strip() for c in match.group(1).split(",") if c.strip()]))
        for label in file_labels:
            current: list[str] = []
            for line, names in marks:
                if line < label.line:
                    current = names
            for name in current:
                counts[name][0 if label.expected else 1] += 1
    return dict(sorted(counts.items()))


def render_capabilities(counts: dict[str, list[int]], markdown: bool) -> str:
    header = ["data-flow capability", "flagged cases", "safe twins"]
    table_rows = [[name, str(flagged), str(safe)] for name, (flagged, safe) in counts.items()]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|"]
        return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in table_rows)]) + "\n"
    widths = [max(len(r[i]) for r in [header, *table_rows]) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in [header, *table_rows]) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
