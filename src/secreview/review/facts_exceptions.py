"""CWE-703 facts: what each exception handler does, and waits with or without a timeout.

Kinds: `703:handler-<action>` on the `except` line, where the action is the
strongest thing the handler does — `reraise` (bare `raise`), `raise` (raises
another exception), `fail` (in test code: `self.fail`/`pytest.fail`, the test
fails), `return`, `log`, `continue` (or `break`), `pass`,
`handle` (anything else); the text lists the caught types and every action.
`703:timeout` / `703:no-timeout` on a network call or wait; `703:checked` /
`703:unchecked` on a subprocess whose exit status is (not) checked.
"""

from __future__ import annotations

import ast

from secreview.review.facts_base import callee, collector, spelled
from secreview.review.facts_resources import FETCH_CALLS
from secreview.rules.base import Context, argument, is_true, keyword
from secreview.rules.heuristics import name_of

_ORDER = ("reraise", "raise", "fail", "return", "log", "continue", "handle", "pass")  # `pass` only if nothing else
_LOG_METHODS = frozenset({"exception", "error", "warning", "warn", "info", "debug", "critical", "log",
                          "print_exc", "print_exception"})
_WAIT_CALLS = tuple(c for c in FETCH_CALLS if c != "urllib.request.Request") + ("socket.create_connection", "subprocess.run", "subprocess.call",
                             "subprocess.check_call", "subprocess.check_output", "asyncio.wait_for",
                             "asyncio.wait", "concurrent.futures.wait", "select.select")
_WAIT_METHODS = ("wait", "communicate", "wait_for", "settimeout")
_TIMEOUT_POSITION = {"asyncio.wait_for": 1, "select.select": 3}


def fails_test(call: ast.Call) -> bool:
    """`self.fail(...)` or `pytest.fail(...)`: the test ends as failed with the message given."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "fail" and name_of(func.value) in ("self", "pytest")


def _call_action(call: ast.Call, in_test: bool) -> str:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if in_test and fails_test(call):
        return "fail"
    return "log" if name in _LOG_METHODS or name == "print" else "handle"


def _actions(body: list[ast.stmt], in_test: bool) -> set[str]:
    """Everything a handler body does, looking into nested if/with/try blocks but not into functions."""
    found: set[str] = set()
    pending = list(body)
    while pending:
        stmt = pending.pop()
        kind = type(stmt)
        if kind is ast.Raise:
            found.add("reraise" if stmt.exc is None else "raise")  # type: ignore[attr-defined]
        elif kind is ast.Return:
            found.add("return")
        elif kind is ast.Pass:
            found.add("pass")
        elif kind in (ast.Continue, ast.Break):
            found.add("continue")
        elif kind is ast.Expr and isinstance(stmt.value, ast.Constant):  # type: ignore[attr-defined]
            found.add("pass")  # a lone string or `...`
        elif kind is ast.Expr and isinstance(stmt.value, ast.Call):  # type: ignore[attr-defined]
            found.add(_call_action(stmt.value, in_test))  # type: ignore[attr-defined]
        elif kind in (ast.If, ast.With, ast.AsyncWith, ast.Try, ast.For, ast.While):
            if kind in (ast.For, ast.While):
                found.add("handle")  # a loop is work done about the exception, whatever its body
            for name in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, name, ()))
            for handler in getattr(stmt, "handlers", ()):
                pending.extend(handler.body)
        else:
            found.add("handle")
    return found


def caught_types(handler: ast.ExceptHandler) -> str:
    if handler.type is None:
        return "every exception (bare except)"
    if isinstance(handler.type, ast.Tuple):
        return ", ".join(spelled(t) for t in handler.type.elts)
    return spelled(handler.type)


@collector(id="exceptions-handler", nodes=(ast.ExceptHandler,))
def handler(node: ast.ExceptHandler, ctx: Context) -> None:
    actions = _actions(node.body, ctx.is_test)
    ordered = [a for a in _ORDER if a in actions]
    main = ordered[0] if ordered else "pass"
    ctx.fact(f"703:handler-{main}", node, f"{caught_types(node)}: {', '.join(ordered)}")


def _timeout(ctx: Context, node: ast.Call) -> ast.expr | None:
    name = ctx.call_name(node) or ""
    found = keyword(node, "timeout")
    if found is not None:
        return found.value
    position = _TIMEOUT_POSITION.get(name)
    if position is not None:
        return argument(node, position, "timeout")
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("wait", "settimeout") and node.args:
        return node.args[0]  # Event.wait(5), Popen.wait(5), sock.settimeout(5)
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    if isinstance(receiver, ast.Call):  # `timer.start(interval=1, timeout=60).wait()`: the started wait is bounded
        started = keyword(receiver, "timeout")
        return started.value if started is not None else None
    return None


@collector(id="exceptions-timeout", calls=_WAIT_CALLS, methods=_WAIT_METHODS)
def wait(node: ast.Call, ctx: Context) -> None:
    limit = _timeout(ctx, node)
    if limit is not None and not (isinstance(limit, ast.Constant) and limit.value is None):
        ctx.fact("703:timeout", node, f"{callee(ctx, node)} timeout={spelled(limit)}")
    else:
        ctx.fact("703:no-timeout", node, callee(ctx, node))


@collector(id="exceptions-exit-status", calls=("subprocess.run", "subprocess.call", "subprocess.check_call",
                                               "subprocess.check_output"))
def exit_status(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    check = keyword(node, "check")
    if name.startswith("subprocess.check_") or (check is not None and is_true(check.value)):
        ctx.fact("703:checked", node, name)
    elif isinstance(ctx.parent, ast.Expr):
        ctx.fact("703:unchecked", node, name)
