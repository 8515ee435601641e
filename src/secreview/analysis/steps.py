"""The steps a value took inside one function, for the path a finding shows.

A finding's path starts at the source and ends at the sink, with each call
that carried the value in between (`secreview.analysis.flows`). Inside a
function the value also passes through assignments and transformations: an
f-string, a dict entry, a `.replace()`. The taint pass records, for each
name, the statements that gave it a tainted value (`Defs.note`, a list
append per tainted assignment: cheap), and only when it records a sink, which
is rare, walks back from the names the sink uses through those statements
(`Defs.leading_to`) to list them in source order.

In a loop the value may come from a later line of the body, on an earlier
iteration (`os.system(cmd)` then `cmd = request.args["c"]`): when no statement
before the sink tainted a name, the last one later in a loop that the pass ran
again (`Defs.again`) is listed, "on an earlier iteration of the loop".

A check that would have made the value safe for that sink (`if name not in
ALLOWED: return`) but that the value went past on a branch where it does not
hold is listed too, "past the check ... (not on this path)": a reviewer reading
the code sees the check and needs to know why it did not count.
"""

from __future__ import annotations

import ast
from collections import deque

from secreview.analysis.neutralisers import insufficient, reason_applies
from secreview.analysis.specs import ALL

_MAX_STEPS = 8
PAST = "past the check "  # how a step says the value went past a check that would have cleared it
NOTE = " (not enough: "  # how a step's text says a rewrite on it does not neutralise
EARLIER = " (on an earlier iteration of the loop)"
_TEXT = 60


class Defs:
    """Per function: name -> the statements that made it tainted, in the order they ran."""

    __slots__ = ("_seen", "checks", "found", "loops")

    def __init__(self) -> None:
        self.found: dict[str, list[ast.AST]] = {}
        # statement -> (its text, the names its value reads): call sites ask for the same ones often
        self._seen: dict[ast.AST, tuple[str, list[str]]] = {}
        self.checks: dict[str, list[tuple[ast.expr, frozenset[str]]]] = {}  # name -> (test, sinks it clears)
        self.loops: list[tuple[int, int]] = []  # (first, last line) of loops whose body ran more than once

    def again(self, loop: ast.stmt) -> None:
        """The pass runs the body of `loop` again: a statement in it may feed a line before it."""
        span = (loop.lineno, loop.end_lineno or loop.lineno)
        if span not in self.loops:
            self.loops.append(span)

    def check(self, name: str, test: ast.expr, cleared: frozenset[str]) -> None:
        """`test` clears `name` for the sink classes `cleared` in one of its branches."""
        found = self.checks.setdefault(name, [])
        if not found or found[-1][0] is not test:
            found.append((test, cleared))

    def _check_between(self, name: str, after: int, line: int, kind: str) -> ast.expr | None:
        """The last check between lines `after` and `line` that would have cleared `name` for `kind`."""
        for test, cleared in reversed(self.checks.get(name, ())):
            at = getattr(test, "lineno", 0)
            if after < at < line and (kind in cleared or ALL in cleared):
                return test
        return None

    def note(self, name: str, statement: ast.AST) -> None:
        found = self.found.get(name)
        if found is None:
            self.found[name] = [statement]
        elif found[-1] is not statement:
            found.append(statement)

    def _before(self, name: str, line: int) -> tuple[ast.AST | None, bool]:
        """The last statement before `line` that tainted `name`; else one later in a loop around `line`
        that ran again (True: it reached `line` on an earlier iteration)."""
        found = self.found.get(name, ())
        for statement in reversed(found):
            if getattr(statement, "lineno", 0) < line:
                return statement, False
        for statement in reversed(found):
            at = getattr(statement, "lineno", 0)
            if any(first <= line and at <= last for first, last in self.loops):
                return statement, True
        return None, False

    def leading_to(self, node: ast.AST, line: int, kind: str = "") -> tuple[tuple[int, int, str], ...]:
        """The assignments that built the names `node` (on `line`) uses, transitively, in source order.

        With the sink class `kind`, also the checks for it that the value went past.
        """
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
            statement, earlier = self._before(*item)
            if statement is None:
                continue
            at = getattr(statement, "lineno", 0)
            passed = self._check_between(item[0], at, item[1], kind) if kind and self.checks and not earlier \
                else None
            if passed is not None:
                picked[(passed.lineno, passed.col_offset)] = f"{PAST}`{_short(passed)}` (not on this path)"
            known = self._seen.get(statement)
            if known is None:
                known = self._seen[statement] = (_describe(statement), _names(_value_of(statement)))
            place = (at, getattr(statement, "col_offset", 0))
            if not earlier or place not in picked:
                picked[place] = for_sink(known[0], kind) + (EARLIER if earlier else "")
            pending.extend((name, at) for name in known[1])
        return tuple((at, column, text) for (at, column), text in sorted(picked.items()))


def for_sink(text: str, kind: str) -> str:
    """A step's text for a sink of class `kind`: without a "not enough" note about another class."""
    at = text.find(NOTE) if kind else -1
    if at < 0 or reason_applies(text[at + len(NOTE):-1], kind):
        return text
    return text[:at]


def _names(node: ast.AST | None) -> list[str]:
    """The names `node` reads, in the order `ast.walk` meets them (breadth first: the order steps are
    looked for), without its generators: a walk per recorded sink and per statement it leads back to."""
    if node is None:
        return []
    found = []
    queue = deque((node,))
    take, add = queue.popleft, queue.append
    while queue:
        item = take()
        if type(item) is ast.Name:
            found.append(item.id)
            continue  # (its only child is its context)
        for field in item._fields:
            value = getattr(item, field, None)
            if type(value) is list:
                for child in value:
                    if isinstance(child, ast.AST):
                        add(child)
            elif isinstance(value, ast.AST):
                add(value)
    return found


def _value_of(statement: ast.AST) -> ast.AST | None:
    value: ast.AST | None = getattr(statement, "value", None) or getattr(statement, "iter", None)
    return value


def _short(node: ast.AST) -> str:
    try:
        text = " ".join(ast.unparse(node).split())
    except (ValueError, RecursionError):  # pragma: no cover - unparse handles what ast produces
        return "…"
    return text if len(text) <= _TEXT else text[: _TEXT - 1] + "…"


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
        why = insufficient(value)
        if why:
            return why
        func = value.func
        value = func.value if type(func) is ast.Attribute else None
    return ""
