"""Read the labelled corpus: `# ruleid: ID[, ID]` and `# ok: ID[, ID]` annotations.

As in Semgrep's test files, an annotation comment labels the next line that
is neither blank nor a comment: `ruleid` says the rule must report a finding
starting on that line, `ok` says it must not. Shared by the corpus test and
`bench/corpus_report.py`, so precision and recall come from the same labels.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
_ANNOTATION = re.compile(r"#\s*(ruleid|ok):\s*([\w\-, ]+?)\s*$")


@dataclass(frozen=True)
class Label:
    path: Path
    line: int  # the labelled line
    rule_id: str
    expected: bool  # True: must be reported; False: must not


def labels(path: Path) -> list[Label]:
    lines = path.read_text("utf-8").splitlines()
    found: list[Label] = []
    pending: list[tuple[str, str]] = []
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        match = _ANNOTATION.search(stripped) if stripped.startswith("#") else None
        if match:
            pending.extend((match.group(1), rid.strip()) for rid in match.group(2).split(",") if rid.strip())
            continue
        if not stripped or stripped.startswith("#"):
            continue
        for kind, rule_id in pending:
            found.append(Label(path, number, rule_id, kind == "ruleid"))
        pending = []
    return found


def corpus_files(root: Path = CORPUS) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


PROJECT_SUFFIX = "_project"  # a corpus directory whose files are reviewed together, as one project


def project_of(path: Path) -> Path | None:
    """The `*_project` directory a corpus file belongs to (cross-module cases), or None."""
    for parent in path.resolve().relative_to(CORPUS).parents:
        if parent.name.endswith(PROJECT_SUFFIX):
            return CORPUS / parent
    return None


def corpus_review(path: Path) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(findings, diagnostics) of one corpus file, reviewed as the corpus test and report both do.

    A file is reviewed alone under its path relative to the corpus, so that only files the
    corpus itself names as tests (test_*.py, tests/) are test code. A file in a `*_project`
    directory is reviewed with the rest of that directory, laid out under the same relative
    path in a temporary directory (the checkout's own `tests/` would make it test code).
    """
    from secreview import review_source
    from secreview.settings.config import Config

    project = project_of(path)
    relative = path.resolve().relative_to(CORPUS).as_posix()
    if project is None:
        review = review_source(path.read_text("utf-8"), filename=relative, config=Config())
        return review.findings, review.all_diagnostics
    by_file = _project_review(project)
    return by_file.get(relative, ((), ()))


@functools.cache
def _project_review(project: Path) -> dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]:
    from secreview import review_paths
    from secreview.settings.config import Config

    top = Path(tempfile.mkdtemp(prefix="corpus-"))
    try:
        copy = top / project.relative_to(CORPUS)
        shutil.copytree(project, copy)
        review = review_paths([copy], Config())
        return {Path(f.path).resolve().relative_to(top.resolve()).as_posix():
                (f.findings, tuple(f.diagnostics) + tuple(review.diagnostics)) for f in review.files}
    finally:
        shutil.rmtree(top, ignore_errors=True)
