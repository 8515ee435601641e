"""Fixes on files: read, fix, show as a diff, write back without ever losing what was there.

A file is read as bytes and decoded as Python would (BOM, PEP 263 cookie), so
it is written back in the same encoding, with the same BOM and line ends. A
file is written only if its fixed text parses, only if its bytes are still the
ones that were read (an editor may have saved meanwhile), and atomically: the
new text goes to a temporary file beside it, which then replaces it, keeping
its permission bits.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import stat
import tempfile
import tokenize
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from secreview.core.model import Finding, Review
from secreview.fixes import Fix, combine, fixes_for

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class FileFix:
    """The fixes that apply together to one file, and its text before and after."""

    path: str  # as the findings name it
    disk_path: Path  # where it is on disk
    data: bytes  # the bytes that were read
    encoding: str
    before: str
    after: str
    applied: tuple[Fix, ...]


def _read(path: Path) -> tuple[bytes, str, str] | None:
    """(bytes, encoding, text) of a Python file, or None if it cannot be read or decoded."""
    try:
        data = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data, encoding, data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def _root(review: Review) -> Path:
    """Where the review's paths start: the repository root in review mode, else the working directory."""
    return Path(review.change.root) if review.change is not None and review.change.root else Path()


def plan(review: Review, findings: tuple[Finding, ...] | None = None) -> list[FileFix]:
    """The fixes for the review's findings (or `findings`), file by file; files with none are left out."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in review.findings if findings is None else findings:
        by_path[finding.location.path].append(finding)
    root = _root(review)
    planned = []
    for path, found in by_path.items():
        disk_path = root / path
        read = _read(disk_path)
        if read is None:
            continue
        data, encoding, text = read
        after, applied = combine(text, fixes_for(path, text, found))
        if applied:
            planned.append(FileFix(path, disk_path, data, encoding, text, after, tuple(applied)))
    return planned


def review_fixes(review: Review) -> dict[Finding, Fix]:
    """Every finding's own fix, each on its own (what SARIF and an editor offer one at a time)."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in review.findings:
        by_path[finding.location.path].append(finding)
    root = _root(review)
    found: dict[Finding, Fix] = {}
    for path, findings in by_path.items():
        read = _read(root / path)
        if read is not None:
            found.update((fix.finding, fix) for fix in fixes_for(path, read[2], findings))
    return found


def unified_diff(planned: list[FileFix]) -> str:
    """A `git apply`-able diff of the planned fixes (paths as `a/PATH` and `b/PATH`)."""
    out = []
    for item in planned:
        name = Path(item.path).as_posix()
        for line in difflib.unified_diff(_lines(item.before), _lines(item.after), f"a/{name}", f"b/{name}"):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines with their ends, split only where Python ends a line (not at form feeds)."""
    return _LINE.findall(text)


def write(item: FileFix) -> str | None:
    """Write one file's fixes; None when written, else why not (the file is then left as it was)."""
    path = item.disk_path
    try:
        if path.read_bytes() != item.data:
            return f"{item.path} changed while it was being fixed; left as it is"
        mode = stat.S_IMODE(path.stat().st_mode)
        encoded = item.after.encode(item.encoding)
    except (OSError, UnicodeEncodeError) as exc:
        return f"{item.path}: cannot fix: {exc}"
    target = path.resolve()
    handle, temp = tempfile.mkstemp(dir=str(target.parent), prefix=f".{target.name}.", suffix=".secreview")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(encoded)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        return f"{item.path}: cannot write the fix: {exc}"
    return None
