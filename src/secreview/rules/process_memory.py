"""Bytes a program keeps in its own memory (or passes to itself): unpickling them is not deserialising
outside input.

Django's local-memory cache stores `pickle.dumps(value)` in a dictionary of the process
(`self._cache = _caches.setdefault(name, OrderedDict())`, `_caches = {}`) and unpickles what it
reads back: whoever could write those bytes already runs code in the process. A value read from
an attribute of `self` counts as process memory when every assignment of that attribute in the
class is an in-memory container — a dict or list display, `dict()`, `OrderedDict()`,
`defaultdict(...)`, or `setdefault(key, <one of those>)` on a module-level dictionary.

A forked child that pickles its result into an `os.pipe()` its parent made, and the parent that
unpickles what it reads from that pipe, pass bytes between two halves of one program: only they
hold the pipe's ends (ansible's `daemonize`).
"""

from __future__ import annotations

import ast

from secreview.rules.base import Context
from secreview.rules.heuristics import walk_body

_CONTAINERS = frozenset({"dict", "list", "collections.OrderedDict", "collections.defaultdict"})
_READS = frozenset({"get", "pop"})


def from_process_memory(ctx: Context, data: ast.expr) -> bool:
    """`data` (or the local it names) is read from an in-memory container attribute of `self`."""
    value = ctx.assigned_value(data) if type(data) is ast.Name else data
    attribute = _read_attribute(value)
    if attribute is None or not ctx.classes:
        return False
    assigned = [node.value for node in ast.walk(ctx.classes[-1]) if type(node) is ast.Assign
                for target in node.targets if _self_attribute(target) == attribute]
    return bool(assigned) and all(_container(ctx, expr) for expr in assigned)


def _read_attribute(node: ast.expr | None) -> str | None:
    """`self.X[key]`, `self.X.get(key)`, `self.X.pop(key)`: X."""
    if type(node) is ast.Subscript:
        return _self_attribute(node.value)  # type: ignore[attr-defined]
    if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _READS:  # type: ignore[attr-defined]
        return _self_attribute(node.func.value)  # type: ignore[attr-defined]
    return None


def _self_attribute(node: ast.expr) -> str | None:
    if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id == "self":  # type: ignore[attr-defined]
        return node.attr  # type: ignore[attr-defined]
    return None


def _container(ctx: Context, node: ast.expr | None, depth: int = 0) -> bool:
    if type(node) in (ast.Dict, ast.List, ast.DictComp, ast.ListComp):
        return True
    if type(node) is not ast.Call or depth > 2:
        return False
    name = ctx.call_name(node) or ""  # type: ignore[arg-type]
    if name in _CONTAINERS:
        return True
    func = node.func  # type: ignore[attr-defined]
    if type(func) is ast.Attribute and func.attr == "setdefault" and len(node.args) == 2:  # type: ignore[attr-defined]
        return _container(ctx, node.args[1], depth + 1) and _container(ctx, ctx.assigned_value(func.value),  # type: ignore[attr-defined]
                                                                      depth + 1)
    return False


def from_own_pipe(ctx: Context, data: ast.expr) -> bool:
    """`data` is built only from `os.read()` of an `os.pipe()` the function made, in a function that
    forks: the bytes come from the program's other half, not from outside."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = walk_body(function)
    pipes = {t.id for n in body if type(n) is ast.Assign and type(n.value) is ast.Call
             and ctx.call_name(n.value) == "os.pipe" for t in n.targets if type(t) is ast.Name}
    forks = {t.id for n in body if type(n) is ast.Assign and type(n.value) is ast.Call
             and _forks(ctx, n.value) for t in n.targets if type(t) is ast.Name}
    if not pipes or not forks:
        return False
    child = _other_half(ctx, forks)
    parent_body = [n for n in body if id(n) not in child]
    reads = [call for value in _feeding(ctx, parent_body, data) for call in ast.walk(value) if type(call) is ast.Call
             and type(call.func) is ast.Attribute and call.func.attr in _STREAM_READS]
    return bool(reads) and all(ctx.call_name(call) == "os.read" and call.args
                               and _names(call.args[0]) <= pipes for call in reads)


_STREAM_READS = frozenset({"read", "recv", "recv_into", "readline", "readlines", "recvfrom"})


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if type(n) is ast.Name}


def _forks(ctx: Context, call: ast.Call) -> bool:
    """`os.fork()`, or a call of a function of this module that forks (ansible's `fork_process()`,
    which forks twice to detach and returns the pid)."""
    if ctx.call_name(call) == "os.fork":
        return True
    if type(call.func) is not ast.Name:
        return False
    name = call.func.id
    return any(type(node) is ast.FunctionDef and node.name == name
               and any(type(n) is ast.Call and ctx.call_name(n) == "os.fork" for n in ast.walk(node))
               for node in ctx.tree.body)


def _other_half(ctx: Context, forks: set[str]) -> set[int]:
    """The nodes of the child's branch (`if pid == 0:`) when the load is in the parent's (its `else`):
    what the child assigns never reaches the parent's variables."""
    for ancestor in ctx.ancestors:
        if type(ancestor) is ast.If and _child_test(ancestor.test, forks) \
                and not any(node is ctx.ancestors[-1] for stmt in ancestor.body for node in ast.walk(stmt)):
            return {id(node) for stmt in ancestor.body for node in ast.walk(stmt)}
    return set()


def _child_test(test: ast.expr, forks: set[str]) -> bool:
    """`pid == 0` (or `0 == pid`, `not pid`) for a name assigned `os.fork()`."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        return type(test.operand) is ast.Name and test.operand.id in forks
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = (test.left, test.comparators[0])
    return any(type(s) is ast.Name and s.id in forks for s in sides) and \
        any(type(s) is ast.Constant and s.value == 0 for s in sides)


def _feeding(ctx: Context, body: list[ast.AST], data: ast.expr) -> list[ast.expr]:
    """`data` and every value assigned in the function to a local it is built from, transitively.
    A `pickle.dumps(...)` is where the program's own objects become bytes: not followed further."""
    writes: dict[str, list[ast.expr]] = {}
    for node in body:
        if type(node) is ast.Assign:
            for target in node.targets:
                if type(target) is ast.Name:
                    writes.setdefault(target.id, []).append(node.value)
        elif type(node) is ast.AugAssign and type(node.target) is ast.Name:
            writes.setdefault(node.target.id, []).append(node.value)
    values, seen, pending = [data], set(), _names(data)
    while pending:
        name = pending.pop()
        seen.add(name)
        for value in writes.get(name, ()):
            if type(value) is ast.Call and (ctx.call_name(value) or "").endswith("dumps"):
                continue
            values.append(value)
            pending |= _names(value) - seen
    return values
