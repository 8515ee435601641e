"""The lines of reviewed files, for reports that show code around a finding.

A `Review` keeps only the flagged line of each finding (`Finding.source_line`).
A report that shows the lines around it reads them here: from the text the
caller still has (`sources`, e.g. what `review_source` was given), else from
the file on disk at report time. The file is read as text, decoded the way
the analysis decoded it, and never executed or imported.

A file that changed since it was reviewed (or a `review_source` name that
happens to exist on disk with other content) would show the wrong code, so the
lines are used only when every finding's flagged line still reads the same;
otherwise the report falls back to the flagged lines alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from secreview.core.model import Diagnostic, Finding
from secreview.sources.parse import decode, read_file, split_lines

READ_LIMIT = 64 * 1024 * 1024  # bytes; larger files are never reviewed with the default limits


def read_text(path: str, root: str = "", sources: Mapping[str, str] | None = None) -> str | None:
    """The text of `path`: from `sources` if there, else from disk (relative to `root`); None if unreadable."""
    if sources is not None and path in sources:
        return sources[path]
    on_disk = path if not root or os.path.isabs(path) else os.path.join(root, path)
    read = read_file(on_disk, READ_LIMIT)
    if isinstance(read, Diagnostic) or len(read[0]) > READ_LIMIT:
        return None
    text = decode(path, read[0])
    return None if isinstance(text, Diagnostic) else text


def reviewed_lines(text: str | None, findings: Iterable[Finding]) -> list[str] | None:
    """The lines of `text` if they still hold each of its findings' flagged line, else None."""
    if text is None:
        return None
    lines = split_lines(text)
    for finding in findings:
        line, expected = finding.location.line, finding.source_line
        if expected and not (0 < line <= len(lines) and lines[line - 1].strip() == expected):
            return None
    return lines
