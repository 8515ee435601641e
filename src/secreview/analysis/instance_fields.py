"""Library objects a class keeps on `self`: `self.tn = telnetlib.Telnet(host)` in `__init__`.

A method of the class that calls `self.tn.write(...)` calls `telnetlib.Telnet.write`, just as `tn.write`
does on a local name bound to the same call: the taint pass resolves `self.tn` to the class the
constructor call names, so the library's specs (sinks, sanitisers, what its methods return) apply.
Only `__init__` is read -- it is where an object's parts are made, and one body to look at keeps the
pass cheap -- and only calls of a library (not of the project, whose objects the link follows
already). An attribute `__init__` assigns from two different calls is left unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator


def library_fields(node: ast.ClassDef, qualname: Callable[[ast.expr], str | None],
                   external_tops: Collection[str]) -> dict[str, tuple[str, ast.Call]]:
    """attribute -> (qualified name of the library call `__init__` assigns it from, that call)."""
    init = next((stmt for stmt in node.body if type(stmt) is ast.FunctionDef and stmt.name == "__init__"), None)
    if init is None or not init.args.args:
        return {}
    self_name = init.args.args[0].arg
    found: dict[str, tuple[str, ast.Call] | None] = {}
    for stmt in _statements(init.body):
        if type(stmt) is not ast.Assign or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        if type(target) is not ast.Attribute or type(target.value) is not ast.Name or target.value.id != self_name:
            continue
        qual = qualname(value.func) if type(value) is ast.Call else None
        known = qual is not None and "." in qual and qual.partition(".")[0] in external_tops
        previous = found.get(target.attr, ())
        if not known or previous is None or (previous and previous[0] != qual):
            found[target.attr] = None  # not a library object, or not always the same one
        else:
            found[target.attr] = (qual, value)  # type: ignore[assignment]
    return {attr: made for attr, made in found.items() if made is not None}


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body and of the blocks nested in it (if, try, with, loops), not of nested defs."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if inner and type(stmt) not in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _statements(handler.body)
