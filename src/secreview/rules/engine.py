"""One pass over a parsed module: keep the name model current, run the checks.

The walker visits nodes in source order. Before a node's children it runs the
checks that asked for that node (by type, by a call's qualified name, by a
method name, or by an attribute's name); after them it records the bindings the node creates, so that a
check on `x = f(x)` sees the old `x`. Function, lambda and class bodies get
their own scope.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, TypeVar, Union

from secreview.analysis.names import Binding, NameModel
from secreview.rules.base import Check, Context, Rule, WordScan
from secreview.rules.heuristics import GATE_WORDS, mention_gate

if TYPE_CHECKING:
    from secreview.review.facts_base import Collector

# What `Dispatch` indexes: a rule or a fact collector (both say which nodes, calls, methods, attributes they want).
Checker = Union[Rule, "Collector"]
_Checked = TypeVar("_Checked", Rule, "Collector")
_Key = TypeVar("_Key")
# What the walk calls for one key of a dispatch table: each check with its function, read once here rather
# than as an attribute of the check at every node.
Runs = tuple[tuple[Checker, Check], ...]

_FUNCTION_TYPES: Final = (ast.FunctionDef, ast.AsyncFunctionDef)
# The node types the walk compares with at every node, as module constants: compiled, `ast.Lambda` is an
# attribute lookup on the `ast` module each time, a constant is a pointer.
_FUNCTION_DEF: Final = ast.FunctionDef
_ASYNC_FUNCTION_DEF: Final = ast.AsyncFunctionDef
_LAMBDA: Final = ast.Lambda
_CLASS_DEF: Final = ast.ClassDef
_CALL: Final = ast.Call
_ATTRIBUTE: Final = ast.Attribute
_BLOCKS: Final = frozenset({ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.If, ast.For,
                     ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
                     *((ast.TryStar,) if hasattr(ast, "TryStar") else ())})
_INERT_LEAVES: Final = frozenset(
    [ast.Name, ast.Constant, ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal]
    + [sub for base in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
       for sub in base.__subclasses__()]
)
# Fields that never hold a node (names, numbers, flags, comments, lists of strings): not worth a getattr.
_SCALAR_FIELDS: Final = frozenset({"id", "attr", "arg", "asname", "module", "level", "kind", "type_comment", "tag",
                            "lineno", "simple", "conversion", "is_async", "kwd_attrs", "rest", "str"})
_SCALAR_BY_TYPE: Final[dict[type, set[str]]] = {ast.Constant: {"value"}, ast.MatchSingleton: {"value"}, ast.Global: {"names"},
                   ast.Nonlocal: {"names"}}
_PLAIN_VALUES: Final = (type(None), str, bytes, bool, int, float, complex, type(...))
_NAMED_TYPES: Final[tuple[type, ...]] = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias, ast.ExceptHandler, ast.MatchAs, ast.MatchStar,
    *(getattr(ast, name) for name in ("TypeVar", "ParamSpec", "TypeVarTuple") if hasattr(ast, name)))
_OPERATOR_FIELDS: Final = ("ctx", "op", "ops")  # hold only expr_context / operator / cmpop leaves
_DEADLINE_STRIDE: Final = 0x3FF  # look at the clock once every 1,024 nodes: cheap, and fine-grained enough
# Frames left below the deepest node for the checks that run there (some of them recurse).
_STACK_HEADROOM: Final = 50


# `Dispatch.children`'s answers, by whether operator leaves are skipped (see `Dispatch.child_fields`).
_CHILD_FIELDS: Final[dict[bool, dict[type, tuple[str, ...]]]] = {True: {}, False: {}}
# The attribute each qualified name a check asks for ends with (`os.system` -> `system`), for `call_suffixes`.
_CALL_SUFFIXES: Final[dict[str, str]] = {}


def _call_suffix(name: str) -> str:
    suffix = _CALL_SUFFIXES.get(name)
    if suffix is None:
        suffix = _CALL_SUFFIXES[name] = name.rsplit(".", 1)[-1]
    return suffix


class FileTimeout(Exception):
    """The walk of one file ran past its time budget (`--file-timeout`)."""


# Set to 1 to run every check on every file, each asking its `mentions` gate at every node (the
# pre-filter's reference: `tests/test_prefilter.py` compares the two on the corpus).
NO_PREFILTER_ENV: Final = "SECREVIEW_NO_PREFILTER"


class Dispatch:
    """Rules indexed by what they asked to see; built once per rule selection."""

    def __init__(self, rules: Iterable[Rule], collectors: Iterable[Collector] | None = None,
                 prefilter: bool | None = None, *, final: bool = False, index: _Index | None = None) -> None:
        """`collectors` record the facts behind the per-pillar verdicts (default: all of them);
        they are indexed like rules, so they cost nothing for nodes they did not ask for.

        `prefilter` (default: on unless `SECREVIEW_NO_PREFILTER=1`): `for_file` leaves out the checks
        whose `mentions` gate the file's text closes, so they cost nothing there. Off, those checks
        ask their gate at every node instead: slower, the same findings.

        `final`: a dispatch `for_file` made for the files that leave out one set of checks; it is walked
        as it is, never narrowed again, so it skips indexing gates and placements (a large project makes
        hundreds of these). `index`: the tables of `rules` and `collectors`, when the caller has them (a
        wider dispatch's, narrowed)."""
        if collectors is None:
            from secreview.review.facts import all_collectors

            collectors = all_collectors()
        if prefilter is None:
            prefilter = os.environ.get(NO_PREFILTER_ENV, "") != "1"
        rules, collectors = tuple(rules), tuple(collectors)
        self._prefilter = prefilter
        self._rules, self._collectors = rules, collectors
        # The checks with a gate or a claim on imports, and the dispatch for each set of them a file leaves out.
        everything: tuple[Checker, ...] = (*rules, *collectors)
        self._gated: tuple[Checker, ...] = tuple(item for item in everything
                                                 if item.mentions or item.imports) if prefilter and not final else ()
        self._without: dict[frozenset[str], Dispatch] = {}
        self._scan: WordScan | None = None  # made when `_open_for` first needs it: the dispatches it makes never do
        # The checks of a test module (key True) and of any other file (False), where they are fewer than
        # all of them: `Rule.tests`, `Collector.tests` and `Collector.outside_tests` say where each can report.
        self._placed_parts: dict[bool, tuple[tuple[Rule, ...], tuple[Collector, ...]]] = {}
        self._placed: dict[bool, Dispatch] = {}
        for is_test, placed_rules, placed_collectors in () if final else (
                (True, tuple(r for r in rules if r.tests), tuple(c for c in collectors if c.tests)),
                (False, rules, tuple(c for c in collectors if c.outside_tests))):
            if len(placed_rules) < len(rules) or len(placed_collectors) < len(collectors):
                self._placed_parts[is_test] = (placed_rules, placed_collectors)
        if index is None:
            if not prefilter:
                rules = tuple(_gated_per_node(r) for r in rules)
                collectors = tuple(_gated_per_node(c) for c in collectors)
            index = _Index.of((*rules, *collectors))
        self._index = index
        self.by_type, self.by_call, self.by_method = index.by_type, index.by_call, index.by_method
        self.runs_by_type, self.runs_by_call, self.runs_by_method = (
            index.runs_by_type, index.runs_by_call, index.runs_by_method)
        self.by_attr, self.runs_by_attr = index.by_attr, index.runs_by_attr
        self.wants_calls = bool(self.by_call or self.by_method)
        # A call is resolved only if some check could ask for it: a qualified name ends with the
        # attribute called (`x.run(...)` can only be `...run`), so most method calls need no lookup.
        self.call_suffixes = frozenset(_call_suffix(name) for name in self.by_call)
        # Leaves no rule asked for are not visited at all: they bind nothing and hold no
        # children, and they are about half of all nodes (every Name, Load, Constant, operator).
        # So are plain values (None for an absent child, names, flags): a field `children` did not
        # know to leave out costs a set lookup, never a wrong visit.
        self.skipped = frozenset({*_PLAIN_VALUES, *(t for t in _INERT_LEAVES if t not in self.by_type)})
        self._operators_skipped = all(t in self.skipped for t in _INERT_LEAVES
                                      if issubclass(t, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop,
                                                        ast.cmpop)))
        # Filled by `children` as types are met; what it holds depends only on `_operators_skipped`, so
        # every dispatch with the same value shares one.
        self.child_fields: dict[type, tuple[str, ...]] = _CHILD_FIELDS[self._operators_skipped]
        self.checked = frozenset({*self.by_type, *((ast.Call,) if self.wants_calls else ()),
                                  *((ast.Attribute,) if self.by_attr else ())})

    def for_file(self, is_test: bool, ctx: Context | None = None) -> Dispatch:
        """The checks for one file: without those that never report in a test module, for a test module,
        without those that report only in one, for any other file, and, given the file's context, without
        those that cannot report there: their `mentions` gate is closed, or no name of the file can resolve
        into their `imports`."""
        dispatch = self
        parts = self._placed_parts.get(is_test)
        if parts is not None:
            placed = self._placed.get(is_test)
            if placed is None:
                placed = self._placed[is_test] = Dispatch(*parts, prefilter=self._prefilter)
            dispatch = placed
        return dispatch if ctx is None else dispatch._open_for(ctx)

    def _open_for(self, ctx: Context) -> Dispatch:
        """This dispatch without the checks that cannot report in `ctx`'s file; one per set left out."""
        if not self._gated:
            return self
        if self._scan is None:
            self._scan = WordScan([*(word for item in self._gated for word in (*item.mentions, *item.imports)),
                                   *_DYNAMIC_IMPORT_WORDS, *GATE_WORDS])
        ctx.scan_words(self._scan)
        closed = frozenset(item.id for item in self._gated
                           if item.mentions and not ctx.mentions_any(item.mentions)
                           or item.imports and not may_import(ctx, item.imports))
        if not closed:
            return self
        found = self._without.get(closed)
        if found is None:
            found = self._without[closed] = Dispatch(
                [r for r in self._rules if r.id not in closed],
                [c for c in self._collectors if c.id not in closed], prefilter=True, final=True,
                index=self._index.without(closed, [item for item in self._gated if item.id in closed]))
        return found

    def children(self, node_type: type) -> tuple[str, ...]:
        """The fields of `node_type` that may hold a node the walk must visit, in `_fields` order."""
        fields = self.child_fields.get(node_type)
        if fields is None:
            scalar = set(_SCALAR_FIELDS) | _SCALAR_BY_TYPE.get(node_type, set())
            if issubclass(node_type, _NAMED_TYPES):
                scalar.add("name")
            if self._operators_skipped:
                scalar.update(_OPERATOR_FIELDS)
            fields = self.child_fields[node_type] = tuple(f for f in node_type._fields if f not in scalar)  # type: ignore[attr-defined]
        return fields


class _Index:
    """A dispatch's tables: the checks by node type, by qualified name, by method name and by attribute
    name, each with the (check, function) pairs the walk calls."""

    def __init__(self, by_type: dict[type, list[Checker]], by_call: dict[str, list[Checker]],
                 by_method: dict[str, list[Checker]], by_attr: dict[str, list[Checker]],
                 runs_by_type: dict[type, Runs], runs_by_call: dict[str, Runs], runs_by_method: dict[str, Runs],
                 runs_by_attr: dict[str, Runs]) -> None:
        self.by_type, self.by_call, self.by_method, self.by_attr = by_type, by_call, by_method, by_attr
        self.runs_by_type, self.runs_by_call, self.runs_by_method, self.runs_by_attr = (
            runs_by_type, runs_by_call, runs_by_method, runs_by_attr)

    @staticmethod
    def of(items: tuple[Checker, ...]) -> _Index:
        by_type: defaultdict[type, list[Checker]] = defaultdict(list)
        by_call: defaultdict[str, list[Checker]] = defaultdict(list)
        by_method: defaultdict[str, list[Checker]] = defaultdict(list)
        by_attr: defaultdict[str, list[Checker]] = defaultdict(list)
        for item in items:
            for node_type in item.nodes:
                by_type[node_type].append(item)
            for name in item.calls:
                by_call[name].append(item)
            for name in item.methods:
                by_method[name].append(item)
            for name in sorted(item.attrs):  # a frozenset: sorted, so the tables do not depend on hashing
                by_attr[name].append(item)
        return _Index(dict(by_type), dict(by_call), dict(by_method), dict(by_attr),
                      _runs(by_type), _runs(by_call), _runs(by_method), _runs(by_attr))

    def without(self, ids: frozenset[str], items: list[Checker]) -> _Index:
        """These tables without the checks `ids` names (`items`, which hold them): a copy with only the
        entries those checks are in rewritten, instead of indexing every check again (Nova's files leave
        out ~320 different sets of checks)."""
        by_type, by_call, by_method, by_attr = (
            dict(self.by_type), dict(self.by_call), dict(self.by_method), dict(self.by_attr))
        runs_by_type, runs_by_call, runs_by_method, runs_by_attr = (
            dict(self.runs_by_type), dict(self.runs_by_call), dict(self.runs_by_method), dict(self.runs_by_attr))
        for item in items:
            for node_type in item.nodes:
                _drop(by_type, runs_by_type, node_type, ids)
            for name in item.calls:
                _drop(by_call, runs_by_call, name, ids)
            for name in item.methods:
                _drop(by_method, runs_by_method, name, ids)
            for name in item.attrs:
                _drop(by_attr, runs_by_attr, name, ids)
        return _Index(by_type, by_call, by_method, by_attr, runs_by_type, runs_by_call, runs_by_method,
                      runs_by_attr)


def _drop(table: dict[_Key, list[Checker]], runs: dict[_Key, Runs], key: _Key, ids: frozenset[str]) -> None:
    """`table[key]` and `runs[key]` without the checks `ids` names; the key goes when none is left."""
    kept = [item for item in table.get(key, ()) if item.id not in ids]
    if kept:
        table[key] = kept
        runs[key] = tuple(pair for pair in runs[key] if pair[0].id not in ids)
    else:
        table.pop(key, None)
        runs.pop(key, None)


class Walker:
    """Walks one module for one `Context` with one `Dispatch`."""

    def __init__(self, ctx: Context, dispatch: Dispatch, deadline: float | None = None) -> None:
        self.ctx = ctx
        self.dispatch = dispatch
        self.deadline = deadline  # time.monotonic() value after which the walk gives up (FileTimeout)
        self._count = 0
        self._skipped = dispatch.skipped
        self._checked = dispatch.checked
        self._child_fields = dispatch.child_fields
        # Code nested deeper than the interpreter could walk is a RecursionError (a `nesting-too-deep`
        # diagnostic), whether or not this walker is compiled: compiled calls take no Python frame and
        # would walk on, so the depth is counted (the ancestors) against what the stack has left.
        self._max_depth = sys.getrecursionlimit() - _stack_depth() - _STACK_HEADROOM

    def run(self) -> None:
        self._predeclare(self.ctx.tree.body)
        self.visit(self.ctx.tree)

    def _predeclare(self, body: list[ast.stmt]) -> None:
        """Module-level imports and constants are visible inside functions defined above them."""
        names = self.ctx.names
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                names.bind_import(stmt)
            elif isinstance(stmt, ast.Assign) and names.is_constant(stmt.value):
                for target in stmt.targets:
                    names.bind_target(target, stmt.value, stmt.lineno)
            elif isinstance(stmt, (ast.If, ast.Try)):
                self._predeclare(stmt.body)
                for handler in getattr(stmt, "handlers", ()):
                    self._predeclare(handler.body)
                self._predeclare(stmt.orelse)

    def _check(self, node: ast.AST, node_type: type) -> None:
        ctx = self.ctx
        dispatch = self.dispatch
        runs = dispatch.runs_by_type.get(node_type)
        if runs is not None:
            if ctx.unresolved:
                ctx.unresolved.clear()  # the name model may have changed since the previous node
            # A check on a block may read ahead into it, before the walk has bound the names the
            # block binds: what it resolves then must not be remembered for the checks that run later.
            ctx.memoise = node_type not in _BLOCKS
            for item, func in runs:
                ctx.rule = item
                func(node, ctx)
            ctx.rule = None
            ctx.memoise = True
        if node_type is _ATTRIBUTE:
            # The checks that asked for this attribute's name (`attrs=`): one lookup, not one call per check.
            by_attr = dispatch.runs_by_attr.get(node.attr)  # type: ignore[attr-defined]
            if by_attr is not None:
                if ctx.unresolved and runs is None:
                    ctx.unresolved.clear()
                for item, func in by_attr:
                    ctx.rule = item
                    func(node, ctx)
                ctx.rule = None
            return
        if node_type is _CALL and dispatch.wants_calls:
            called = node.func  # type: ignore[attr-defined]
            by_method: Runs | None = None
            if type(called) is _ATTRIBUTE:
                attr: str = called.attr
                by_method = dispatch.runs_by_method.get(attr)
                if by_method is None and attr not in dispatch.call_suffixes:
                    return
            if ctx.unresolved and runs is None:
                ctx.unresolved.clear()
            name = ctx.call_name(node)  # type: ignore[arg-type]
            if name is not None:
                by_call = dispatch.runs_by_call.get(name)
                if by_call is not None:
                    for item, func in by_call:
                        ctx.rule = item
                        func(node, ctx)
            if by_method is not None:
                for item, func in by_method:
                    ctx.rule = item
                    func(node, ctx)
            ctx.rule = None

    def visit(self, node: ast.AST) -> None:
        ctx = self.ctx
        node_type = type(node)
        if node_type in self._checked:
            self._check(node, node_type)
        self._count += 1
        if not self._count & _DEADLINE_STRIDE and self.deadline is not None and time.monotonic() > self.deadline:
            raise FileTimeout
        if node_type is _FUNCTION_DEF or node_type is _ASYNC_FUNCTION_DEF or node_type is _LAMBDA:
            self._visit_function(node)  # type: ignore[arg-type]
            return
        if node_type is _CLASS_DEF:
            self._visit_class(node)  # type: ignore[arg-type]
            return
        ancestors = ctx.ancestors
        ancestors.append(node)
        if len(ancestors) > self._max_depth:
            raise RecursionError("the code nests deeper than the walk may go")
        skipped = self._skipped
        fields = self._child_fields.get(node_type)
        if fields is None:
            fields = self.dispatch.children(node_type)
        for field in fields:  # ast.iter_child_nodes order, minus inert leaves
            value: Any = getattr(node, field, None)
            # `type(x)`, not `x.__class__`: compiled, the first reads a pointer, the second is an attribute lookup.
            value_type = type(value)
            if value_type is list:
                for child in value:
                    if type(child) not in skipped:
                        self.visit(child)
            elif value_type not in skipped:
                self.visit(value)
        ancestors.pop()
        binder = _BINDERS.get(node_type)
        if binder is not None:
            binder(ctx.names, node)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        ctx = self.ctx
        names = ctx.names
        ctx.ancestors.append(node)
        body: list[ast.stmt] | list[ast.expr]
        if isinstance(node, ast.Lambda):
            name = None
            body = [node.body]
        else:
            name = node.name
            body = node.body
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self.visit(node.returns)
        for default in node.args.defaults:
            self.visit(default)
        for keyword_default in node.args.kw_defaults:
            if keyword_default is not None:
                self.visit(keyword_default)
        if name is not None:
            names.bind(name, Binding(kind="def", line=node.lineno))
        names.push(node, "function")
        ctx.functions.append(node)
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                names.bind(arg.arg, Binding(kind="param", line=node.lineno))
                self.visit(arg)
        for child in body:
            self.visit(child)
        ctx.functions.pop()
        names.pop()
        ctx.ancestors.pop()

    def _visit_class(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        ctx.ancestors.append(node)
        for child in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(child)
        ctx.names.bind(node.name, Binding(kind="def", line=node.lineno))
        ctx.names.push(node, "class")
        ctx.classes.append(node)
        for child in node.body:
            self.visit(child)
        ctx.classes.pop()
        ctx.names.pop()
        ctx.ancestors.pop()


# The calls through which the name model (`names.dynamic_import`) reads a module's name from a string, which
# may be built (`"Cry" + "pto"`): a file that can spell one of them can import anything.
_DYNAMIC_IMPORT_WORDS: Final = ("importlib", "__import__", "builtins")


def may_import(ctx: Context, packages: tuple[str, ...]) -> bool:
    """Whether a name in `ctx`'s file can resolve into one of the top-level `packages`.

    The name model's qualified names start at an import statement, which spells the module (an alias
    too: `import yaml as y`), at a relative import, which stays inside the file's own package, at a
    builtin, or at a dynamic import of a constant string (`importlib.import_module(NAME)`); so a file
    that spells none of `packages`, is in none of them and spells no dynamic import names none of them."""
    return ctx.names.module.partition(".")[0] in packages or ctx.mentions_any(packages) \
        or ctx.mentions_any(_DYNAMIC_IMPORT_WORDS)


def _runs(table: dict[_Key, list[Checker]]) -> dict[_Key, Runs]:
    """`table` with each check paired with its function, as the walk calls them."""
    return {key: tuple((item, item.func) for item in items) for key, items in table.items()}


def _gated_per_node(item: _Checked) -> _Checked:
    """`item` asking its `mentions` gate at every node: what the pre-filter does once per file."""
    if not item.mentions:
        return item
    gate, func = mention_gate(*item.mentions), item.func

    def gated(node: Any, ctx: Context) -> None:
        if gate(ctx):
            func(node, ctx)

    return dataclasses.replace(item, func=gated)


def _stack_depth() -> int:
    """How many Python frames are on the stack now."""
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _bind_assign(names: NameModel, node: ast.Assign) -> None:
    for target in node.targets:
        names.bind_target(target, node.value, node.lineno)


def _bind_ann_assign(names: NameModel, node: ast.AnnAssign) -> None:
    if node.value is not None:
        names.bind_target(node.target, node.value, node.lineno)


def _bind_aug_assign(names: NameModel, node: ast.AugAssign) -> None:
    target = node.target
    if isinstance(target, ast.Name):
        # `msg += x` is `msg = <what msg held> + x`: with the earlier value spelled out, a check
        # following `msg` sees `_("Saved.") + " " + _("Edit it below.")`, not `msg` referring to itself.
        previous = names.lookup(target.id)
        left = previous.expr if previous is not None and previous.expr is not None \
            else ast.Name(id=target.id, ctx=ast.Load())
        combined = ast.BinOp(left=left, op=node.op, right=node.value)
        names.bind_target(target, combined, node.lineno)


def _bind_named_expr(names: NameModel, node: ast.NamedExpr) -> None:
    names.bind_target(node.target, node.value, node.lineno)


def _bind_loop(names: NameModel, node: ast.For | ast.AsyncFor) -> None:
    names.bind_target(node.target, None, node.lineno)


def _bind_with_item(names: NameModel, node: ast.withitem) -> None:
    if node.optional_vars is not None:
        # a withitem has no position of its own: the binding's line is unknown (0), as before
        names.bind_target(node.optional_vars, None, getattr(node, "lineno", 0))


def _bind_handler(names: NameModel, node: ast.ExceptHandler) -> None:
    if node.name:
        names.bind(node.name, Binding(line=node.lineno))


# What each binding statement records once its children are walked (so a check on `x = f(x)` sees the old x).
_BINDERS: Final[dict[type, Callable[[NameModel, Any], None]]] = {
    ast.Assign: _bind_assign, ast.AnnAssign: _bind_ann_assign, ast.AugAssign: _bind_aug_assign,
    ast.NamedExpr: _bind_named_expr, ast.Import: NameModel.bind_import, ast.ImportFrom: NameModel.bind_import,
    ast.For: _bind_loop, ast.AsyncFor: _bind_loop, ast.withitem: _bind_with_item, ast.ExceptHandler: _bind_handler,
}
