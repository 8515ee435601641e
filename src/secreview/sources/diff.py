"""What a change touches: the files of a unified diff and the lines it adds.

Review mode reports what a change introduces, so it needs, for each file the
new side of the diff holds, the line numbers (in the new file) of the added
or modified lines. Parsing is done by `unidiff`, which understands git's
extended headers: renames (with or without edits), new and deleted files,
binary changes and C-quoted file names.

A modified line appears in a unified diff as a removed line plus an added
one, so "added lines" covers modifications too. Pure deletions add no line:
nothing in the new file is attributed to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from secreview.core.display import neutralise

DEV_NULL = "/dev/null"
_HEADER = re.compile(r"^(diff |--- |\+\+\+ )", re.MULTILINE)
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class ChangeError(Exception):
    """The change cannot be read: not a diff, not a git repository, a bad revision (exit status 2)."""


@dataclass(frozen=True)
class ChangedFile:
    """One file of a diff, named as on the new side (repository-relative, '/'-separated)."""

    path: str  # the new name; for a deleted file, the old one
    status: str  # "added" | "modified" | "renamed" | "deleted"
    added_lines: frozenset[int] = frozenset()
    old_path: str | None = None  # the name before a rename
    binary: bool = False


def unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names: `"caf\\303\\251.py"` -> `café.py`."""
    if len(name) < 2 or not (name[0] == name[-1] == '"'):
        return name
    body = name[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt, octal = body[i + 1], body[i + 1:i + 4]
            if len(octal) == 3 and all(c in "01234567" for c in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        out += char.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _strip_prefixes(source: str | None, target: str | None) -> tuple[str | None, str | None]:
    """Drop git's `a/` and `b/` prefixes, but only when the diff uses them (not for `--no-prefix` diffs)."""
    prefixed = (source is None or source.startswith("a/")) and (target is None or target.startswith("b/"))
    if not prefixed:
        return source, target
    return (source[2:] if source else None), (target[2:] if target else None)


def _name(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = unquote(raw.strip())
    return None if name in (DEV_NULL, "") else name


def parse_diff(text: str) -> list[ChangedFile]:
    """The files of a unified diff (git's or plain `diff -u`), in the diff's order; raises ChangeError."""
    try:
        patch = PatchSet(text)
    except UnidiffParseError as exc:  # the message quotes the input: neutralise it before it reaches a terminal
        raise ChangeError(f"cannot parse the diff: {neutralise(str(exc))}") from exc
    if not patch and text.strip() and not _HEADER.search(text):
        raise ChangeError("the input is not a unified diff (no file headers found)")
    files: list[ChangedFile] = []
    for patched in patch:
        old, new = _strip_prefixes(_name(patched.source_file), _name(patched.target_file))
        added = frozenset(line.target_line_no for hunk in patched for line in hunk
                          if line.is_added and line.target_line_no is not None)
        binary = bool(patched.is_binary_file)
        if new is None and old is not None:
            files.append(ChangedFile(old, "deleted", binary=binary))
        elif new is None:
            continue  # a header without any file name: nothing to attribute
        elif old is None or patched.is_added_file:
            files.append(ChangedFile(new, "added", added, binary=binary))
        elif old != new:
            files.append(ChangedFile(new, "renamed", added, old_path=old, binary=binary))
        else:
            files.append(ChangedFile(new, "modified", added, binary=binary))
    return files
