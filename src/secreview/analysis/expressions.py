"""Sinks inside a class that derives from a library's class: Django's custom query expressions.

Django compiles a `Func`, `Aggregate`, `Expression`, `Transform` or `Lookup` by calling its
`as_sql(compiler, connection)` (or `as_<vendor>`), which returns `(sql, params)`: the first item is
written into the query as text, the second is bound by the driver. A `Func` without its own `as_sql`
formats `template` (with `function` and `arg_joiner`) the same way. So in a subclass:

* the first item an `as_sql`/`as_<vendor>` method returns is SQL text (`"%s COLLATE %s" % (sql,
  self.collation)`), while what it returns as params is safe (`"%s = %%s" % sql, [*params, value]`);
* what the class assigns to `template`, `function` or `arg_joiner`, in its body or on `self`
  (`self.template = "%%(function)s(%s)" % unit` in `__init__`), is SQL text too.

No call in the reviewed code runs that text (Django does), so these are sinks of a kind of their own:
declared by a spec's `class_bases` with `class_attributes` and `returned_by`. The values reach them
from the constructor's parameters through `self` fields, and the callers' data through the usual
linking (a field's writers, a parameter's callers). https://docs.djangoproject.com/en/stable/ref/models/expressions/
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis import sink_events
from secreview.analysis.specs import SinkSpec

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass
    from secreview.analysis.taint_state import ModuleState


def class_sinks(mod: ModuleState, bases: tuple[str, ...]) -> list[SinkSpec]:
    """The sinks a class with these (resolved) bases holds, through the module's own classes too."""
    table = mod.specs.class_sinks
    found: list[SinkSpec] = []
    seen: set[str] = set()
    pending = list(bases)
    while pending:
        base = pending.pop()
        if base in seen:
            continue
        seen.add(base)
        for sink in table.get(base, ()):
            if sink not in found:
                found.append(sink)
        pending.extend(mod.classes.get(base, ()))  # `class Base(Func)` of this module, then `class F(Base)`
    return found


def _returns_sql(sink: SinkSpec, method: str) -> bool:
    return any(method == name or (name.endswith("*") and method.startswith(name[:-1])) for name in sink.returned_by)


def returned(fn: FunctionPass, value: ast.expr, first: frozenset) -> None:
    """`return sql, params` in `as_sql` of such a class: the first item (`first`) is the sink."""
    node = fn.node
    if not first or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    for sink in class_sinks(fn.mod, fn.mod.classes.get(fn.class_qual, ())):
        if _returns_sql(sink, node.name):
            target = value.elts[0] if type(value) is ast.Tuple and value.elts else value  # type: ignore[attr-defined]
            sink_events.record(fn, sink, first, target)


def stored(fn: FunctionPass, target: ast.Attribute, taint: frozenset) -> None:
    """`self.template = ...` in a method of such a class."""
    for sink in class_sinks(fn.mod, fn.mod.classes.get(fn.class_qual, ())):
        if target.attr in sink.class_attributes:
            sink_events.record(fn, sink, taint, target)


def class_body(fn: FunctionPass, node: ast.ClassDef) -> None:
    """`template = ...` in the body of such a class, run where the class statement runs (in the
    enclosing function, whose names a class body reads: a class made by a factory function)."""
    bases = tuple(base for base in (fn.resolve(expr) for expr in node.bases) if base)
    sinks = class_sinks(fn.mod, bases) if bases else []
    if not sinks:
        return
    for stmt in node.body:
        if type(stmt) is not ast.Assign:
            continue
        names = {target.id for target in stmt.targets if type(target) is ast.Name}  # type: ignore[attr-defined]
        chosen = [sink for sink in sinks if names & set(sink.class_attributes)]
        if chosen:
            taint = fn.ev(stmt.value)  # type: ignore[attr-defined]
            for sink in chosen:
                if taint:
                    sink_events.record(fn, sink, taint, stmt)
