"""The steps a value took inside one function, for the path a finding shows.

A finding's path starts at the source and ends at the sink, with each call
that carried the value in between (`secreview.analysis.flows`). Inside a
function the value also passes through assignments and transformations: an
f-string, a dict entry, a `.replace()`. The taint pass records, for each
name, the statements that gave it a tainted value (`Defs.note`, a list
append per tainted assignment: cheap), and only when it records a sink, which
is rare, walks back from the names the sink uses through those statements
(`Defs.leading_to`) to list them in source order.
"""

from __future__ import annotations

import ast

from secreview.analysis.neutralisers import insufficient

_MAX_STEPS = 8
NOTE = " (not enough: "  # how a step's text says a rewrite on it does not neutralise
_TEXT = 60


class Defs:
    """Per function: name -> the statements that made it tainted, in the order they ran."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found: dict[str, list[ast.AST]] = {}

    def note(self, name: str, statement: ast.AST) -> None:
        found = self.found.get(name)
        if found is None:
            self.found[name] = [statement]
        elif found[-1] is not statement:
            found.append(statement)

    def _before(self, name: str, line: int) -> ast.AST | None:
        """The last statement before `line` that tainted `name`."""
        for statement in reversed(self.found.get(name, ())):
            if getattr(statement, "lineno", 0) < line:
                return statement
        return None

    def leading_to(self, node: ast.AST, line: int) -> tuple[tuple[int, int, str], ...]:
        """The assignments that built the names `node` (on `line`) uses, transitively, in source order."""
        if not self.found:
            return ()
        picked: dict[tuple[int, int], str] = {}
        pending = [(name, line) for name in _names(node)]
        seen: set[tuple[str, int]] = set()
        while pending and len(picked) < _MAX_STEPS:
            item = pending.pop()
            if item in seen:
                continue
            seen.add(item)
            statement = self._before(*item)
            if statement is None:
                continue
            at = getattr(statement, "lineno", 0)
            picked[(at, getattr(statement, "col_offset", 0))] = _describe(statement)
            pending.extend((name, at) for name in _names(_value_of(statement)))
        return tuple((at, column, text) for (at, column), text in sorted(picked.items()))


def _names(node: ast.AST | None) -> list[str]:
    if node is None:
        return []
    return [n.id for n in ast.walk(node) if type(n) is ast.Name]  # type: ignore[attr-defined]


def _value_of(statement: ast.AST) -> ast.AST | None:
    return getattr(statement, "value", None) or getattr(statement, "iter", None)


def _describe(statement: ast.AST) -> str:
    """`x = d['user']`, shortened: how the value was built on that line."""
    try:
        if type(statement) in (ast.For, ast.AsyncFor):
            text = f"for {ast.unparse(statement.target)} in {ast.unparse(statement.iter)}"  # type: ignore[attr-defined]
        elif type(statement) is ast.withitem:
            text = f"with {ast.unparse(statement)}"
        else:
            text = ast.unparse(statement)
    except (ValueError, RecursionError):  # pragma: no cover - unparse handles what ast produces
        return "…"
    text = " ".join(text.split())
    text = text if len(text) <= _TEXT else text[: _TEXT - 1] + "…"
    why = _insufficient(statement)
    return f"{text}{NOTE}{why})" if why else text


def _insufficient(statement: ast.AST) -> str:
    """A rewrite on this line that looks like neutralising but is not (see neutralisers.insufficient)."""
    value = _value_of(statement)
    while type(value) is ast.Call:
        why = insufficient(value)  # type: ignore[arg-type]
        if why:
            return why
        func = value.func  # type: ignore[attr-defined]
        value = func.value if type(func) is ast.Attribute else None
    return ""
