"""Review mode's filter: keep what a change introduces, count the rest.

The whole project is analysed (so flows across modules and whole functions
are seen); only the report is narrowed. A finding belongs to the change when

* it sits on a line the change adds or modifies, or
* its data-flow path (`Finding.path`) passes through such a line, wherever
  the finding itself is: a new call into an old vulnerable helper makes the
  helper's old sink a new defect.

Other findings of the changed files are "pre-existing": counted, listed only
when asked (`--all`). Findings of files the change does not touch are left out
unless their flow runs through the change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from secreview.core.model import (
    ChangeScope,
    Diagnostic,
    DiagnosticKind,
    Evidence,
    FileReview,
    Finding,
    Location,
    Review,
    Step,
)
from secreview.review.baseline import Baseline, hide
from secreview.review.verdicts import file_verdicts, project_verdicts
from secreview.sources.diff import ChangedFile

# A finding reported on a compound statement (a def, an except clause, a with
# block) spans its whole body; only its header line is "the finding's line",
# or every edit inside a function would re-report the function's old defect.
_COMPOUND = re.compile(r"^(?:async\s+)?(?:def|class|with|for|while|if|elif|else|try|except|finally|match|case)\b")

Lines = Mapping[str, frozenset[int]]


def _span(location: Location, source_line: str = "") -> range:
    if source_line and _COMPOUND.match(source_line):
        return range(location.line, location.line + 1)
    return range(location.line, max(location.end_line, location.line) + 1)


def _hits(location: Location, changed: Lines, source_line: str = "") -> bool:
    lines = changed.get(location.path)
    return bool(lines) and any(line in lines for line in _span(location, source_line))


def introduced(finding: Finding, changed: Lines) -> bool:
    """On a changed line, or with a flow step on one."""
    return _hits(finding.location, changed, finding.source_line) or any(
        _hits(step.location, changed) for step in finding.path)


# -- paths: the analysed tree may be a temporary snapshot; reports name files as the diff does ---------


def relocate(review: Review, tree: Path) -> Review:
    """Every path under `tree` made relative to it ('/'-separated), as the diff names files."""
    base = tree.absolute()

    def rel(path: str) -> str:
        try:
            return Path(path).absolute().relative_to(base).as_posix()
        except ValueError:
            return path

    def loc(location: Location) -> Location:
        return replace(location, path=rel(location.path))

    def finding(item: Finding) -> Finding:
        return replace(item, location=loc(item.location),
                       path=tuple(Step(loc(s.location), s.description) for s in item.path))

    def diagnostic(item: Diagnostic) -> Diagnostic:
        return replace(item, path=rel(item.path))

    def evidence(item: Evidence) -> Evidence:
        return replace(item, path=rel(item.path)) if item.path else item

    files = tuple(
        replace(fr, path=rel(fr.path), findings=tuple(map(finding, fr.findings)),
                suppressed=tuple(map(finding, fr.suppressed)), diagnostics=tuple(map(diagnostic, fr.diagnostics)),
                facts=tuple(map(evidence, fr.facts)))
        for fr in review.files
    )
    return replace(review, files=files, diagnostics=tuple(map(diagnostic, review.diagnostics)))


# -- the filter ----------------------------------------------------------------------------------------


def select(
    review: Review,
    changed_files: Sequence[ChangedFile],
    description: str,
    *,
    include_all: bool = False,
    baseline: Baseline | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    root: Path | None = None,
) -> Review:
    """The review of the change: `review` covers the project, with paths named as in the diff."""
    touched = {c.path: c for c in changed_files if c.status != "deleted" and not c.binary}
    changed: dict[str, frozenset[int]] = {path: c.added_lines for path, c in touched.items()}
    budget: Counter[str] = Counter(baseline.counts) if baseline is not None else Counter()
    files: list[FileReview] = []
    introduced_count = 0
    for fr in review.files:
        new = [f for f in fr.findings if introduced(f, changed)]
        old = [f for f in fr.findings if not introduced(f, changed)]
        in_change = fr.path in touched
        if not in_change and not new:
            continue
        previous = touched[fr.path].old_path if in_change else None
        old_shown, old_hidden = hide(old, budget, previous)  # old copies keep their baseline entries first
        new_shown, new_hidden = hide(new, budget, previous)
        introduced_count += len(new_shown)
        listed = new_shown
        if include_all and in_change:
            marked = (replace(f, preexisting=True) for f in old_shown)
            listed = sorted([*new_shown, *marked], key=lambda f: f.sort_key)
        files.append(replace(
            fr,
            findings=tuple(listed),
            suppressed=tuple(f for f in fr.suppressed if introduced(f, changed)),
            preexisting=len(old_shown) if in_change else 0,
            below_threshold=fr.below_threshold if in_change else 0,
            baselined=new_hidden + (old_hidden if in_change else 0),
            verdicts=file_verdicts(listed, fr.facts),
        ))
    kept_paths = {fr.path for fr in files}
    scope = ChangeScope(
        description=description,
        files=sum(1 for fr in files if fr.path in touched),
        added_lines=sum(len(changed[fr.path]) for fr in files if fr.path in touched),
        introduced=introduced_count,
        all_listed=include_all,
        root=str(root) if root is not None else "",
    )
    return replace(
        review,
        files=tuple(files),
        verdicts=project_verdicts([(fr.findings, fr.facts) for fr in files]),
        diagnostics=(*diagnostics, *(d for d in review.diagnostics if d.path in kept_paths or d.path in touched)),
        change=scope,
    )


def may_be_python(change: ChangedFile) -> bool:
    """Whether a changed file can hold Python the review would analyse (`.py`, `.pyw`, or a script without suffix)."""
    if change.status == "deleted":
        return False
    name = change.path.rsplit("/", 1)[-1]
    return name.endswith((".py", ".pyw")) or "." not in name


def skipped(changed_files: Sequence[ChangedFile], reviewed: set[str], tree: Path) -> list[Diagnostic]:
    """Diagnostics for Python files of the diff that could not be reviewed: binary, or not in the tree.

    Files the tree holds but the review left out (excluded by configuration,
    .gitignore, or not Python) are skipped silently, as `scan` does.
    """
    out: list[Diagnostic] = []
    for change in changed_files:
        if change.status == "deleted" or change.path in reviewed:
            continue
        python = change.path.endswith((".py", ".pyw"))
        if change.binary and python:
            out.append(Diagnostic(change.path, DiagnosticKind.BINARY, "the diff shows a binary change; not reviewed"))
        elif python and not _inside(tree, change.path):
            out.append(Diagnostic(change.path, DiagnosticKind.NOT_IN_TREE,
                                  f"the diff names a file that is not in the reviewed tree ({tree}); skipped"))
    return out


def _inside(tree: Path, path: str) -> bool:
    candidate = Path(path)
    if candidate.is_absolute() or ".." in candidate.parts:
        return False
    try:
        return (tree / candidate).exists()
    except OSError:
        return False
