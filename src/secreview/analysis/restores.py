"""A store that puts back what a container already held is not a new way into it.

WSGI frameworks re-encode the headers a response already has:

    for key, value in list(response.headers.items()):
        response.headers[key] = str(value)

If a header value could carry CR/LF, it was put there by an earlier store, which is where a
header-injection flow is reported; the loop only rewrites it. A store into a sink container
counts as a re-store when every tainted name its value reads was last bound by a `for` over
that same container's `.items()` or `.values()` (optionally through `list(...)`, `sorted(...)`
or `tuple(...)`), or by an assignment in the loop (`val = str(val)`) from such names.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.values import spell

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

_VIEWS = frozenset({"items", "values"})
_COPIES = frozenset({"list", "sorted", "tuple"})


def own_value(fn: FunctionPass, container: ast.expr, value: ast.expr | None) -> bool:
    """`container[key] = value` stores a value read from `container` itself by the enclosing loop."""
    if value is None or fn.env is None:
        return False
    tainted = {node.id for node in ast.walk(value) if type(node) is ast.Name and fn.env.get(node.id)}
    if not tainted:
        return False
    wanted = spell(container)
    return all(_from_loop(fn, name, wanted, 3) for name in tainted)


def _from_loop(fn: FunctionPass, name: str, wanted: str, depth: int) -> bool:
    """`name` was last bound by a loop over `wanted`'s items, possibly rewritten since by itself
    (`val = str(val)`), or by an assignment whose tainted names were."""
    for statement in reversed(fn.defs.found.get(name, ())):
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            return _iterated(statement.iter) == wanted
        if not isinstance(statement, ast.Assign) or not depth:
            return False
        names = {node.id for node in ast.walk(statement.value) if type(node) is ast.Name and fn.env.get(node.id)}  # type: ignore[union-attr]
        if names == {name}:
            continue  # `val = str(val)`: the same value, rewritten
        return bool(names) and name not in names and all(_from_loop(fn, inner, wanted, depth - 1) for inner in names)
    return False


def _iterated(node: ast.expr) -> str | None:
    """The container a loop iterates the items or values of: `X.items()`, `list(X.items())`."""
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id in _COPIES and node.args:  # type: ignore[attr-defined]
        node = node.args[0]  # type: ignore[attr-defined]
    if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _VIEWS:  # type: ignore[attr-defined]
        return spell(node.func.value)  # type: ignore[attr-defined]
    return None
