"""CWE-703 facts about polling loops: is each wait bounded, and what happens when it runs out?

A loop that sleeps between tries is a wait. A reviewer asks two things of it:
what stops it if the awaited state never comes (an attempt counter, a
deadline compared with the clock, a finite sequence), and what the code does
then (fails the test, raises). The walk records:

- `703:poll-bounded` on the loop line; the text says how (`at most 10
  attempts`, `bounded by timeout < 10.0`, `one try per item of hosts`);
- `703:poll-unbounded` on the loop line when nothing in view bounds it;
- `703:poll-expiry` on the statement right after the loop (or its `else:`)
  that fails the test or raises; subject `loop@<loop line>` pairs it with its loop.

The subject of a loop fact is the enclosing function's name, so the wording
can tell a test's own polling helper (`wait_till_active`) from one defined
elsewhere.
"""

from __future__ import annotations

import ast

from secreview.review.facts_base import collector, enclosing_def, spelled
from secreview.review.facts_exceptions import fails_test
from secreview.rules.base import Context

_CLOCKS = frozenset({"time", "monotonic", "perf_counter", "utcnow", "now"})
_ENDLESS = frozenset({"count", "cycle", "repeat"})  # itertools: no last item
_BLOCKS = (ast.If, ast.With, ast.AsyncWith, ast.Try)


def _called(node: ast.expr) -> str:
    node = node.value if isinstance(node, ast.Await) else node
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """The loop's own statements, nested if/with/try blocks included, inner loops and functions not."""
    found: list[ast.stmt] = []
    pending = list(body)
    while pending:
        stmt = pending.pop()
        found.append(stmt)
        if isinstance(stmt, _BLOCKS):
            for name in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, name, ()))
            for handler in getattr(stmt, "handlers", ()):
                pending.extend(handler.body)
    return found


def _exits(body: list[ast.stmt]) -> bool:
    """The block leaves the loop: break, return, raise, or a failed test."""
    for stmt in _statements(body):
        if isinstance(stmt, (ast.Break, ast.Return, ast.Raise)):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and fails_test(stmt.value):
            return True
    return False


def _bounding(test: ast.expr, counters: set[str]) -> ast.Compare | None:
    """The comparison in a condition that bounds a loop: of a counter the loop changes, or of the clock."""
    pending: list[ast.expr] = [test]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.BoolOp):
            pending.extend(reversed(node.values))
        elif isinstance(node, ast.UnaryOp):
            pending.append(node.operand)
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                parts = [side.left, side.right] if isinstance(side, ast.BinOp) else [side]
                for part in parts:
                    if isinstance(part, (ast.Name, ast.Attribute)) and spelled(part) in counters:
                        return node
                    if _called(part) in _CLOCKS:
                        return node
    return None


def _bound(loop: ast.While | ast.For, statements: list[ast.stmt]) -> str:
    """How the loop is bounded, as the sentence will say it; '' when nothing in view bounds it."""
    if isinstance(loop, ast.For):
        iterated = loop.iter
        name = _called(iterated)
        if name == "range" and isinstance(iterated, ast.Call):
            stop = iterated.args[0] if len(iterated.args) == 1 else None
            if isinstance(stop, ast.Constant) and isinstance(stop.value, int):
                return f"at most {stop.value} attempts"
            return f"one try per value of range({', '.join(spelled(a, 20) for a in iterated.args)})"
        if name in _ENDLESS:
            return ""
        return f"one try per item of {spelled(iterated, 40)}"
    counters = {spelled(s.target) for s in statements if isinstance(s, ast.AugAssign)}
    bound = _bounding(loop.test, counters)
    if bound is not None:
        return f"bounded by {spelled(bound, 50)}"
    for stmt in statements:
        if isinstance(stmt, ast.If) and _exits(stmt.body):
            bound = _bounding(stmt.test, counters)
            if bound is not None:
                return f"bounded by {spelled(bound, 50)}"
    return ""


def _failure(stmt: ast.stmt) -> tuple[ast.stmt, str] | None:
    """(statement, what it does) when `stmt` fails the test or raises, directly or as an `if`'s first act."""
    if isinstance(stmt, ast.If) and stmt.body:
        stmt = stmt.body[0]
    if isinstance(stmt, ast.Raise):
        return stmt, f"raises {spelled(stmt.exc, 40)}" if stmt.exc is not None else "re-raises"
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and fails_test(stmt.value):
        return stmt, f"fails the test ({spelled(stmt.value.func)})"
    if isinstance(stmt, ast.Assert):
        return stmt, "fails the test (assert)"
    return None


def _after(loop: ast.stmt, parent: ast.AST | None) -> ast.stmt | None:
    """The statement that runs when the loop ends without leaving the function: its `else:`, or the next one."""
    if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)) and loop.orelse:
        return loop.orelse[0]
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list):
            for index, stmt in enumerate(block):
                if stmt is loop:
                    return block[index + 1] if index + 1 < len(block) else None
    return None


@collector(id="waits-poll", nodes=(ast.While, ast.For, ast.AsyncFor))
def polling_loop(node: ast.While | ast.For, ctx: Context) -> None:
    """A loop that sleeps between tries: its bound, and what runs when the bound is reached."""
    statements = _statements(node.body)
    if not any(isinstance(s, ast.Expr) and _called(s.value) == "sleep" for s in statements):
        return
    function = enclosing_def(ctx)
    owner = function.name if function is not None else ""
    bound = _bound(node, statements)
    if not bound:
        test = spelled(node.test, 50) if isinstance(node, ast.While) else spelled(node.iter, 50)
        ctx.fact("703:poll-unbounded", node, f"while {test}" if isinstance(node, ast.While) else f"over {test}",
                 owner)
        return
    ctx.fact("703:poll-bounded", node, bound, owner)
    after = _after(node, ctx.parent)
    failure = _failure(after) if after is not None else None
    if failure is not None:
        ctx.fact("703:poll-expiry", failure[0], failure[1], f"loop@{node.lineno}")
