"""Read the labelled corpus: `# ruleid: ID[, ID]` and `# ok: ID[, ID]` annotations.

As in Semgrep's test files, an annotation comment labels the next line that
is neither blank nor a comment: `ruleid` says the rule must report a finding
starting on that line, `ok` says it must not. Shared by the corpus test and
`bench/corpus_report.py`, so precision and recall come from the same labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
