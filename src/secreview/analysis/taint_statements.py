"""Statement transfer of the taint pass: assignments, returns, imports, binding targets, guards.

How each simple statement changes the environment of a function pass; compound statements (if, loops,
try, with, match) are in `secreview.analysis.control`, which calls back into these methods.
"""

from __future__ import annotations

import ast
from typing import Final

from secreview.analysis import (
    containers,
    control,
    credentials,
    expressions,
    flags,
    folding,
    guards,
    numbers,
    restores,
    sink_events,
    views,
)
from secreview.analysis.names import BUILTINS, Binding, dynamic_import, getattr_member, member
from secreview.analysis.specs import ALL
from secreview.analysis.summaries import EMPTY, Taint
from secreview.analysis.taint_expressions import ExpressionEvaluation
from secreview.analysis.taint_pass import Clean
from secreview.analysis.taint_state import NOCUT, expression_handler
from secreview.analysis.values import cut, mark, spell

_join: Final = control.join


class StatementTransfer(ExpressionEvaluation):
    """What simple statements do to the taint of names.

    The third part of `secreview.analysis.taint._FunctionPass`, after the expressions (`ExpressionEvaluation`).
    """

    __slots__ = ()

    def _assign(self, stmt: ast.Assign) -> None:
        value = stmt.value
        kind = type(value)
        if (kind is ast.Dict or kind is ast.List or kind is ast.Tuple) and type(stmt.targets[0]) is ast.Name:
            taint, entries = containers.evaluate_literal(self, value)  # type: ignore[arg-type]
            for target in stmt.targets:
                self.bind(target, taint, value)
                if type(target) is ast.Name:
                    containers.assign(self, target.id, entries,
                                      kind is ast.Dict and len(entries) == len(value.keys))  # type: ignore[attr-defined]
            return
        handler = expression_handler(kind)  # `self.ev(value)`, inlined on this hot path
        taint = handler(self, value) if handler is not None else EMPTY
        if (kind is ast.Constant or kind is ast.Call) and self.mod.literals:  # `DB_PASSWORD = "..."`
            taint = _join(taint, credentials.bound(self, value))
        for target in stmt.targets:
            self.bind(target, taint, value)
        if taint and self.mod.specs.name_sinks:  # `session_id = ...`: a use known only by its name
            sink_events.by_name(self, stmt, taint)
        if taint and self.mod.literals:  # `app.secret_key = ...`
            credentials.stored(self, stmt, taint)

    def _ann_assign(self, stmt: ast.AnnAssign) -> None:
        if stmt.value is not None:
            taint = self.ev(stmt.value)
            if self.mod.literals:  # `DB_PASSWORD: str = "..."`
                taint = _join(taint, credentials.bound(self, stmt.value))
            self.bind(stmt.target, taint, stmt.value)

    def _aug_assign(self, stmt: ast.AugAssign) -> None:
        taint = self.ev(stmt.value)
        target = stmt.target
        if taint:
            numbers.augmented(self, stmt, taint)
        key = self.key(target)
        env = self.env
        if key is not None and env is not None:  # (a statement runs on a reachable path: env is set)
            env[key] = _join(self.load_key(key), taint)
            self.resolved.discard(key)
            self.checked.discard(key)
            if taint:
                self.defs.note(key, stmt)
        else:
            self.bind(target, _join(self.ev(target), taint), None)

    def _expr(self, stmt: ast.Expr) -> None:
        value = stmt.value
        handler = expression_handler(type(value))  # `self.ev(value)`, inlined on this hot path
        if handler is not None:
            handler(self, value)
            if type(value) is ast.Call and self._never_returns(value.func):
                control.end_path(self)

    def _never_returns(self, func: ast.expr) -> bool:
        """`abort(400)`, `sys.exit()`, `self.abort()`: a call the spec's guards name as a terminator."""
        kind = type(func)
        last = func.attr if kind is ast.Attribute else func.id if kind is ast.Name else None  # type: ignore[attr-defined]
        if last is None:
            return False
        guards = self.mod.specs.guards
        if last in guards.terminators:
            return True
        return last in guards.terminator_tails and self.resolve(func) in guards.terminators

    def _return(self, stmt: ast.Return) -> None:
        value = stmt.value
        if value is not None and self.html_view:
            views.returned(self, stmt)
        if value is not None:
            if type(value) is ast.Tuple:  # `return name, 3`
                taint, entries = containers.evaluate_literal(self, value)
                first = entries[0][1] if entries else EMPTY
                if self.returns_at is not None:
                    self.returns_at = containers.join_positions(self.returns_at, [e[1] for e in entries],
                                                                len(value.elts))
            else:
                taint = first = self.ev(value)
                self.returns_at = None
            self.returns = _join(self.returns, taint)
            if first and self.class_qual and self.mod.specs.class_sinks:  # `as_sql` of a Django Func
                expressions.returned(self, value, first)
        control.end_path(self)

    def _function_def(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in stmt.decorator_list:
            self.ev(decorator)
        self.nested.append((stmt, self.class_qual))

    def _class_def(self, stmt: ast.ClassDef) -> None:
        if self.mod.specs.class_sinks and stmt.bases:  # `template = ...` in the body of a Django Func
            expressions.class_body(self, stmt)
        self.nested.append((stmt, ""))

    def _import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        if self.node is not None:
            self.mod.names.bind_import(stmt)
            self.bindings.clear()
            self.quals.clear()

    # -- names ------------------------------------------------------------------------
    def resolve(self, node: ast.expr) -> str | None:
        """`names.qualname(node)`, with what a bare name means memoised (the same objects are returned)."""
        kind = type(node)
        if kind is ast.Attribute:
            value = node.value  # type: ignore[attr-defined]
            base = self.resolve(value)
            if base is None and type(value) is ast.Name and value.id == self.self_name and self.class_qual:
                made = self.field_made(node.attr)  # type: ignore[attr-defined]  # `self.tn` of `self.tn = Telnet(h)`
                return None if made is None else made[0]
            return None if base is None else member(base, node.attr)  # type: ignore[attr-defined]
        if kind is ast.Name:
            name = node.id  # type: ignore[attr-defined]
            quals = self.quals
            if name in quals:
                return quals[name]
            qual = quals[name] = self.mod.names.qualname(node)
            return qual
        if kind is ast.Call:
            looked_up = getattr_member(node, self.constant_text)  # type: ignore[arg-type]
            if looked_up is not None and self.binding("getattr") is None:
                base = self.resolve(looked_up[0])
                return None if base is None else member(base, looked_up[1])
            called = self.resolve(node.func)  # type: ignore[attr-defined]
            if called is not None and node.args:  # type: ignore[attr-defined]
                return dynamic_import(node, called, self.constant_text) or called  # type: ignore[arg-type]
            return called
        return None

    def field_made(self, attribute: str) -> tuple[str, ast.Call] | None:
        """The library call this method's class stores `self.<attribute>` from in `__init__` (see
        `instance_fields`), as (its qualified name, the call)."""
        fields = self.mod.library_fields.get(self.class_qual)
        return fields.get(attribute) if fields else None

    def constant_text(self, node: ast.expr) -> object:
        """What a name holds on every feasible path here (`NAME = "system"; getattr(os, NAME)`)."""
        return folding.fold(node, control.known(self), self.resolve)

    def binding(self, name: str) -> Binding | None:
        """`names.lookup(name)`, memoised like `resolve`."""
        bindings = self.bindings
        if name in bindings:
            return bindings[name]
        binding = bindings[name] = self.mod.names.lookup(name)
        return binding

    def rebound(self, name: str) -> None:
        """This pass changed what `name` means in the name model: forget what was memoised."""
        self.bindings.pop(name, None)
        self.quals.pop(name, None)

    def _assert(self, stmt: ast.Assert) -> None:
        self.ev(stmt.test)


    # -- binding ----------------------------------------------------------------------
    def key(self, target: ast.expr) -> str | None:
        """The env key of a name or `name.attr` target."""
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return f"{target.value.id}.{target.attr}"
        return None

    def bind(self, target: ast.expr, taint: Taint, value: ast.expr | None) -> None:
        env = self.env
        assert env is not None  # a statement runs on a reachable path
        kind = type(target)
        if kind is ast.Name:
            name = target.id  # type: ignore[attr-defined]
            if value is not None and type(value) in folding.FOLDABLE:  # `LIMIT = 4`: known to `if`/`while`
                constant = folding.fold(value, control.known(self), self.resolve)
                if constant is not folding.UNKNOWN:  # (a path without this assignment: control.merge_states)
                    env["=" + name] = folding.atoms(constant)
                    self.consts.add(name)
                elif "=" + name in env:
                    env["=" + name] = folding.VARIES
            elif "=" + name in env:
                env["=" + name] = folding.VARIES
            env[name] = taint
            if self.checked:
                self.checked.discard(name)
            if value is not None and type(value) is ast.Call and sink_events.no_text(self, value):
                self.checked.add(name)  # `count = int(request.args["n"])`: a number, whatever the input was
            if taint and self.current is not None and not (self.mod.literals and credentials.only_literals(taint)):
                self.defs.note(name, self.current)  # (a literal's own line is its source: no step of its own)
            if self.flag_facts:
                flags.forget(self, name)
            if name in self.parts:
                containers.forget(self, name)
            if self.html_view:
                views.bound(self, name, value)
            if name in BUILTINS and self.binding(name) is None:  # `input = ...`: the local, not the builtin
                self.mod.names.bind(name, Binding(kind="unknown", line=getattr(target, "lineno", 0)))
                self.rebound(name)
            if self.partials:
                self.partials.pop(name, None)
            if type(value) is not ast.Call:
                self.resolved.discard(name)
                if self.made_by:
                    self.made_by.pop(name, None)
                if value is not None and flags.is_check(value):  # `ok = x in ALLOWED`
                    flags.remember(self, name, guards.guard(self, value))
            else:
                self.made_by[name] = value
                func = value.func
                qual = self.resolve(func)
                if qual in self.mod.specs.validator_calls:  # `ok = url_has_allowed_host_and_scheme(u, ...)`
                    flags.remember(self, name, guards.guard(self, value))
                if qual == "functools.partial" and value.args:
                    self.partials[name] = self._partial(value)
                if self._is_resolved_path(func, qual):
                    self.resolved.add(name)
                else:
                    self.resolved.discard(name)
                module = dynamic_import(value, qual, self.constant_text) if value.args else None
                if module is not None:  # `runner = importlib.import_module(NAME)` is `import NAME as runner`
                    self.mod.names.bind(name, Binding(module, kind="alias", expr=value))
                    self.rebound(name)
                elif qual is not None and "." in qual:
                    self.mod.names.bind(name, Binding(qual, kind="instance", expr=value))
                    self.rebound(name)
                elif self.node is not None and name in self.mod.names.scopes[-1].names:
                    self.mod.names.scopes[-1].names.pop(name)
                    self.rebound(name)
        elif kind is ast.Attribute:
            base = target.value  # type: ignore[attr-defined]
            if isinstance(base, ast.Name):
                env[f"{base.id}.{target.attr}"] = taint  # type: ignore[attr-defined]
                if self.checked:
                    self.checked.discard(f"{base.id}.{target.attr}")  # type: ignore[attr-defined]
                if base.id == self.self_name and self.class_qual:
                    if taint:
                        self.mod.fields.append((f"{self.class_qual}.{target.attr}", self.qualname, taint))  # type: ignore[attr-defined]
                        if self.mod.specs.class_sinks:  # `self.template = ...` of a Django Func
                            expressions.stored(self, target, taint)  # type: ignore[arg-type]
                elif taint:
                    env[base.id] = _join(env.get(base.id, EMPTY), taint)
            else:
                self.ev(base)
        elif kind is ast.Subscript:
            container = target.value  # type: ignore[attr-defined]
            self.ev(target.slice)  # type: ignore[attr-defined]
            specs = self.mod.specs
            kind = type(container)
            sinks = specs.subscript_stores.get(container.attr) if kind is ast.Attribute else \
                specs.subscript_qualnames.get(self.resolve(container) or "") if kind is ast.Name and taint else None
            for sink in sinks or ():
                if sink.receivers and kind is not ast.Name and spell(container.value, 2) not in sink.receivers:
                    continue
                if not taint:  # `response.headers["Expires"] = formatdate(t)`: what the pattern rule defers to
                    sink_events.constant_store(self, target, value, sink)  # type: ignore[arg-type]
                elif sink.unless_imports.isdisjoint(self.mod.imported) and not restores.own_value(self, container, value):
                    sink_events.record(self, sink, taint, target, f"{spell(container)}[…] = {_value_text(value)}")
            containers.store(self, target, taint, value)  # type: ignore[arg-type]
            if taint and type(container) is ast.Name and self.current is not None:
                self.defs.note(container.id, self.current)
            key = self.key(container)
            if key is not None and taint:
                env[key] = _join(env.get(key, EMPTY), taint)
        elif kind is ast.Tuple or kind is ast.List:
            elements = target.elts  # type: ignore[attr-defined]
            plain = not any(type(e) is ast.Starred for e in elements)
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elements) \
                and plain else None
            parts = None
            if plain and taint:
                if type(value) is ast.Name:
                    parts = containers.unpack(self, value.id, len(elements))
                elif type(value) is ast.Call:
                    parts = self._projections(taint, len(elements))  # `x, y = f()`
            for index, element in enumerate(elements):
                if values is not None:
                    self.bind(element, self.ev(values[index]) if taint else EMPTY, values[index])
                else:
                    self.bind(element, parts[index] if parts is not None else taint, None)
                    if parts is not None and type(element) is ast.Name and type(value) is ast.Name:
                        constant = containers.constant_of(self, value.id, index)
                        if constant is not None:  # `program, fmt = pair` with pair[0] a constant
                            env["=" + element.id] = constant
                            self.consts.add(element.id)
        elif kind is ast.Starred:
            self.bind(target.value, taint, None)  # type: ignore[attr-defined]

    def _projections(self, taint: Taint, count: int) -> list[Taint] | None:
        """`x, y = f(...)` of a project call: one call site per element, linked to f's `returns_at`."""
        if len(taint) != 1:
            return None
        kind, called, cuts = next(iter(taint))
        if kind != "c" or cuts or not isinstance(called, int):
            return None
        calls = self.mod.calls
        site = calls[called]
        made = self.mod.projected.get(called)
        if made is not None and len(made) == count:  # met again in a loop body's next run
            return [frozenset({("c", index, NOCUT)}) for index in made]
        found: list[Taint] = []
        made = self.mod.projected[called] = []
        for position in range(count):
            made.append(len(calls))
            found.append(frozenset({("c", len(calls), NOCUT)}))
            calls.append(site._replace(position=position))
        return found

    def bind_each(self, target: ast.expr, iterable: ast.expr, taint: Taint) -> None:
        """Bind the target of a `for` (or a comprehension) to what iterating `iterable` yields."""
        parts = containers.iteration_parts(self, iterable, target, taint)
        if parts is None:
            self.bind(target, taint, None)
        else:
            for element, part in zip(target.elts, parts):  # type: ignore[attr-defined]
                self.bind(element, part, None)

    def _is_resolved_path(self, func: ast.expr, qual: str | None) -> bool:
        """A call of `func` (resolved to `qual`) returns a canonical path (`os.path.realpath`, `.resolve()`)."""
        guards = self.mod.specs.guards
        if type(func) is ast.Attribute and func.attr in guards.path_resolver_methods:
            return True
        return qual is not None and qual in guards.path_resolvers

    def apply_clean(self, clean: Clean) -> None:
        env = self.env
        assert env is not None  # a check is applied on a reachable path
        for key, cuts in clean.items():
            taint = env.get(key)
            if taint is None:
                taint = self.load_key(key)
            if ALL not in cuts:
                env[key] = mark(taint, cuts)
            else:
                env[key] = cut(taint, cuts)
                if taint:
                    self.checked.add(key)

    def guard(self, test: ast.expr) -> tuple[Clean, Clean]:
        """Names a test proves safe in its true branch and in its false branch (see `guards`)."""
        proved = guards.guard(self, test)
        bare = _truth_test(test)  # `if url:` proves only that the other branch's `url` is empty: no step
        for clean in proved:
            for key, cuts in clean.items():  # (for the path of a finding that goes past it)
                if key != bare:
                    self.defs.check(key, test, cuts)
        return proved


def _truth_test(test: ast.expr) -> str | None:
    """The name a test only checks for truth (`x`, `not x`), else None."""
    while type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        test = test.operand
    return test.id if type(test) is ast.Name else None


def _value_text(value: ast.expr | None) -> str:
    return spell(value) if value is not None else "…"
