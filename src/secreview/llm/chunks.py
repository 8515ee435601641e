"""Split a long file into parts a model can read whole, each with shared context.

A part is a set of line numbers shown to the model: the *focus* (one or more
top-level functions or classes, or the module-level statements between them)
plus the *context* every part shares — imports and module constants — so a
model reviewing `def handler()` knows what `sp` or `UPLOAD_DIR` is. A class
too long for one part is split into its methods, with the class header as
extra context. Line numbers are always the file's own, so an answer about
"line 214" means line 214 of the file in every part.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from secreview.sources.parse import split_lines

_CONTEXT_TYPES = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)
_UNIT_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_MAX_CONTEXT_STATEMENT = 5  # a 300-line dict literal is not "context"


@dataclass(frozen=True)
class Chunk:
    """One part of a file: the lines to show, and which of them are under review."""

    index: int
    count: int
    lines: tuple[int, ...]  # sorted, 1-based
    focus: tuple[int, int]  # first and last line under review

    def covers(self, line: int) -> bool:
        return self.focus[0] <= line <= self.focus[1]


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def _span(node: ast.stmt) -> tuple[int, int]:
    return _start(node), node.end_lineno or node.lineno


def _context_lines(body: list[ast.stmt]) -> set[int]:
    lines: set[int] = set()
    for stmt in body:
        if isinstance(stmt, _CONTEXT_TYPES):
            first, last = _span(stmt)
            if last - first < _MAX_CONTEXT_STATEMENT:
                lines.update(range(first, last + 1))
    return lines


def _units(body: list[ast.stmt], limit: int, context: frozenset[int]) -> list[tuple[tuple[int, int], frozenset[int]]]:
    """(span, context) for each function/class or run of other statements; big classes split."""
    units: list[tuple[tuple[int, int], frozenset[int]]] = []
    loose: list[ast.stmt] = []

    def flush() -> None:
        if loose:
            units.append(((_start(loose[0]), loose[-1].end_lineno or loose[-1].lineno), context))
            loose.clear()

    for stmt in body:
        if not isinstance(stmt, _UNIT_TYPES):
            loose.append(stmt)
            continue
        flush()
        first, last = _span(stmt)
        members = [s for s in stmt.body if isinstance(s, _UNIT_TYPES)] if isinstance(stmt, ast.ClassDef) else []
        if last - first + 1 > limit and members:
            header = set(range(first, _start(stmt.body[0])))
            inner = context | header | _context_lines(stmt.body)
            units.extend(_units(stmt.body, limit, frozenset(inner)))
        else:
            units.append(((first, last), context))
    flush()
    return units


def split(source: str, tree: ast.Module | None, max_lines: int) -> list[Chunk]:
    """The parts of a file, in order; one part holding every line when the file is short."""
    total = (len(split_lines(source)) - source.endswith(("\n", "\r"))) or 1
    if total <= max_lines or tree is None or not tree.body:
        return [Chunk(0, 1, tuple(range(1, total + 1)), (1, total))]
    shared = frozenset(_context_lines(tree.body))
    groups: list[tuple[int, int, set[int]]] = []
    for (first, last), context in _units(tree.body, max_lines, shared):
        if groups and last - groups[-1][0] + 1 <= max_lines and groups[-1][2] == set(context):
            groups[-1] = (groups[-1][0], last, groups[-1][2])
        else:
            groups.append((first, last, set(context)))
    # a run of imports and constants alone is shown in every part anyway: no request of its own
    groups = [g for g in groups if not set(range(g[0], g[1] + 1)) <= shared] or groups
    # lines before the first statement (shebang, licence comments) and between units belong to a neighbour
    groups[0] = (1, groups[0][1], groups[0][2])
    for i in range(1, len(groups)):
        groups[i] = (groups[i - 1][1] + 1, groups[i][1], groups[i][2])
    groups[-1] = (groups[-1][0], total, groups[-1][2])
    chunks = []
    for index, (first, last, context) in enumerate(groups):
        shown = sorted(context | set(range(first, last + 1)))
        chunks.append(Chunk(index, len(groups), tuple(shown), (first, last)))
    return chunks
