"""Positions in source text, and text edits made from them.

`ast` gives lines (1-based, counting `\\r\\n`, `\\r` and `\\n` as line ends, as the
tokenizer does) and columns in UTF-8 bytes. An `Edit` is in lines and *code
point* columns, the unit SARIF's `unicodeCodePoints` and an editor's text use,
and is applied to the text itself: nothing is ever unparsed, so everything the
edit does not cover — formatting, comments, line ends — stays byte for byte.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, order=True)
class Pos:
    """A point between two characters: line 1-based, column in code points 0-based."""

    line: int
    column: int


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from `start` to `end` with `text` (an insertion when they are equal)."""

    start: Pos
    end: Pos
    text: str


class SourceText:
    """A module's text with the table that turns `ast` positions into offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
        found = _LINE_END.search(text)
        self.newline = found.group() if found else "\n"

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its line end; "" past the end."""
        if not 0 < number <= len(self.starts):
            return ""
        start = self.starts[number - 1]
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def char_column(self, line: int, byte_column: int) -> int:
        """An `ast` column (UTF-8 bytes) as a code point column."""
        text = self.line(line)
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> Pos:
        line = node.lineno  # type: ignore[attr-defined]
        return Pos(line, self.char_column(line, node.col_offset))  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> Pos:
        line = node.end_lineno  # type: ignore[attr-defined]
        return Pos(line, self.char_column(line, node.end_col_offset))  # type: ignore[attr-defined]

    def offset(self, pos: Pos) -> int:
        return self.starts[pos.line - 1] + pos.column

    def position(self, offset: int) -> Pos:
        """The position of a character offset."""
        line = bisect_right(self.starts, offset)
        return Pos(line, offset - self.starts[line - 1])

    def between(self, start: Pos, end: Pos) -> str:
        return self.text[self.offset(start):self.offset(end)]

    def segment(self, node: ast.AST) -> str:
        """The node's own source text."""
        return self.between(self.start(node), self.end(node))

    def line_prefix(self, pos: Pos) -> str:
        """What stands on `pos`'s line before it."""
        return self.line(pos.line)[:pos.column]

    def line_suffix(self, pos: Pos) -> str:
        """What stands on `pos`'s line after it (without the line end)."""
        return self.line(pos.line)[pos.column:]

    def replace(self, node: ast.AST, text: str) -> Edit:
        return Edit(self.start(node), self.end(node), text)


def overlaps(a: Edit, b: Edit) -> bool:
    """Whether two edits change the same text (insertions at one point go in one after the other)."""
    if a == b:
        return False
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def apply(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit made (identical edits count once). Raises ValueError when edits overlap."""
    source = SourceText(text)
    unique: Sequence[Edit] = sorted(set(edits))
    for first, second in pairwise(unique):
        if overlaps(first, second):
            raise ValueError(f"edits overlap at line {second.start.line}")
    out = text
    for edit in reversed(unique):
        out = out[:source.offset(edit.start)] + edit.text + out[source.offset(edit.end):]
    return out


def parses(text: str) -> bool:
    """Whether the text is still a Python module (checked before any fix is written)."""
    try:
        compile(text, "<fixed>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
