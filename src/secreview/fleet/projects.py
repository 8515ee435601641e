"""What `secreview fleet PROJECT...` was asked to review: the projects, their kinds and report names.

A PROJECT is a directory, a source archive (see `archives.SUFFIXES`) or
`@FILE`, a file naming one project per line (blank lines and lines starting
with `#` are skipped; each line is taken as if it had been typed on the
command line, so relative paths are relative to the working directory).

Each project's reports are `DIR/<name>.json` and `DIR/<name>.sarif`: the name
is the directory's own name or the archive's without its suffix, reduced to
characters that are safe in a file name on every system. Names that would
collide (two `src` directories, a project called `summary`) get a short hash
of the project's absolute path appended, so a name never depends on the order
of the list and a resumed run finds each project's previous reports again.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from secreview.fleet import archives

DIRECTORY, ARCHIVE = "directory", "archive"
RESERVED = frozenset({"summary", "index"})  # DIR/summary.json and DIR/index.html
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


class ProjectListError(Exception):
    """An @FILE that cannot be read, or no project at all (a usage error)."""


@dataclass(frozen=True)
class Project:
    name: str  # the reports' base name in the output directory
    given: str  # as named on the command line or in an @FILE
    kind: str  # DIRECTORY or ARCHIVE (decided by the name; a missing path is reported when reviewed)

    @property
    def absolute(self) -> str:
        return os.path.abspath(self.given)


def expand(arguments: list[str]) -> list[str]:
    """The projects named by `arguments`, with each `@FILE` replaced by its lines."""
    named: list[str] = []
    for argument in arguments:
        if not argument.startswith("@"):
            named.append(argument)
            continue
        try:
            text = Path(argument[1:]).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProjectListError(f"cannot read the project list {argument[1:]}: {exc}") from exc
        named.extend(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return named


def projects(arguments: list[str]) -> list[Project]:
    """The projects to review, in the order given, each once, with unique report names."""
    unique: dict[str, str] = {}
    for given in expand(arguments):
        unique.setdefault(os.path.abspath(given), given)  # the same project named twice is reviewed once
    if not unique:
        raise ProjectListError("no project to review (the project lists are empty)")
    kinds = {path: ARCHIVE if archives.is_archive(path) and not os.path.isdir(path) else DIRECTORY
             for path in unique}
    bases = {path: _base_name(path, kinds[path]) for path in unique}
    taken = Counter(base.lower() for base in bases.values())  # `Src` and `src` collide on some file systems
    return [Project(_unique(bases[path], path, taken), given, kinds[path]) for path, given in unique.items()]


def _base_name(absolute: str, kind: str) -> str:
    base = os.path.basename(absolute.rstrip(os.sep)) or "root"
    if kind == ARCHIVE:
        base = archives.stem(base)
    return _UNSAFE.sub("_", base).lstrip(".") or "project"


def _unique(base: str, absolute: str, taken: Counter[str]) -> str:
    if taken[base.lower()] == 1 and base.lower() not in RESERVED:
        return base
    digest = hashlib.blake2b(absolute.encode("utf-8", "surrogateescape"), digest_size=4).hexdigest()
    return f"{base}-{digest}"
