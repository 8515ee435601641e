"""One pass over a parsed module: keep the name model current, run the checks.

The walker visits nodes in source order. Before a node's children it runs the
checks that asked for that node (by type, by a call's qualified name, or by a
method name); after them it records the bindings the node creates, so that a
check on `x = f(x)` sees the old `x`. Function, lambda and class bodies get
their own scope.
"""

from __future__ import annotations

import ast
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from secreview.analysis.names import Binding
from secreview.rules.base import Context, Rule

if TYPE_CHECKING:
    from secreview.review.facts import Collector

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = frozenset({ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.If, ast.For,
                     ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
                     *((ast.TryStar,) if hasattr(ast, "TryStar") else ())})
_INERT_LEAVES = frozenset(
    [ast.Name, ast.Constant, ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal]
    + [sub for base in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
       for sub in base.__subclasses__()]
)
_DEADLINE_STRIDE = 0x3FF  # look at the clock once every 1,024 nodes: cheap, and fine-grained enough


class FileTimeout(Exception):
    """The walk of one file ran past its time budget (`--file-timeout`)."""


class Dispatch:
    """Rules indexed by what they asked to see; built once per rule selection."""

    def __init__(self, rules: Iterable[Rule], collectors: Iterable[Collector] | None = None) -> None:
        """`collectors` record the facts behind the per-pillar verdicts (default: all of them);
        they are indexed like rules, so they cost nothing for nodes they did not ask for."""
        if collectors is None:
            from secreview.review.facts import all_collectors

            collectors = all_collectors()
        self.by_type: dict[type, list[Rule]] = defaultdict(list)
        self.by_call: dict[str, list[Rule]] = defaultdict(list)
        self.by_method: dict[str, list[Rule]] = defaultdict(list)
        for item in (*rules, *collectors):  # type: ignore[has-type]
            for node_type in item.nodes:
                self.by_type[node_type].append(item)
            for name in item.calls:
                self.by_call[name].append(item)
            for name in item.methods:
                self.by_method[name].append(item)
        self.by_type = dict(self.by_type)
        self.by_call = dict(self.by_call)
        self.by_method = dict(self.by_method)
        self.wants_calls = bool(self.by_call or self.by_method)
        # Leaves no rule asked for are not visited at all: they bind nothing and hold no
        # children, and they are about half of all nodes (every Name, Load, Constant, operator).
        self.skipped = frozenset(t for t in _INERT_LEAVES if t not in self.by_type)


class Walker:
    """Walks one module for one `Context` with one `Dispatch`."""

    def __init__(self, ctx: Context, dispatch: Dispatch, deadline: float | None = None) -> None:
        self.ctx = ctx
        self.dispatch = dispatch
        self.deadline = deadline  # time.monotonic() value after which the walk gives up (FileTimeout)
        self._count = 0
        self._skipped = dispatch.skipped

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

    def _check(self, node: ast.AST) -> None:
        ctx = self.ctx
        if ctx.unresolved:
            ctx.unresolved.clear()  # the name model may have changed since the previous node
        rules = self.dispatch.by_type.get(type(node))
        if rules:
            # A check on a block may read ahead into it, before the walk has bound the names the
            # block binds: what it resolves then must not be remembered for the checks that run later.
            ctx.memoise = type(node) not in _BLOCKS
            for item in rules:
                ctx.rule = item
                item.func(node, ctx)
            ctx.rule = None
            ctx.memoise = True
        if self.dispatch.wants_calls and isinstance(node, ast.Call):
            name = ctx.call_name(node)
            if name is not None:
                for item in self.dispatch.by_call.get(name, ()):
                    ctx.rule = item
                    item.func(node, ctx)
            if isinstance(node.func, ast.Attribute):
                for item in self.dispatch.by_method.get(node.func.attr, ()):
                    ctx.rule = item
                    item.func(node, ctx)
            ctx.rule = None

    def visit(self, node: ast.AST) -> None:
        ctx = self.ctx
        self._check(node)
        self._count += 1
        if not self._count & _DEADLINE_STRIDE and self.deadline is not None and time.monotonic() > self.deadline:
            raise FileTimeout
        names = ctx.names
        node_type = type(node)
        if node_type in _FUNCTION_TYPES or node_type is ast.Lambda:
            self._visit_function(node)  # type: ignore[arg-type]
            return
        if node_type is ast.ClassDef:
            self._visit_class(node)  # type: ignore[arg-type]
            return
        ctx.ancestors.append(node)
        skipped = self._skipped
        visit = self.visit
        for field in node._fields:  # what ast.iter_child_nodes yields, in its order, minus inert leaves
            value = getattr(node, field, None)
            if value.__class__ is list:
                for child in value:
                    if child.__class__ not in skipped and isinstance(child, ast.AST):
                        visit(child)
            elif value.__class__ not in skipped and isinstance(value, ast.AST):
                visit(value)
        ctx.ancestors.pop()
        line = getattr(node, "lineno", 0)
        if node_type is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                names.bind_target(target, node.value, line)  # type: ignore[attr-defined]
        elif node_type is ast.AnnAssign and node.value is not None:  # type: ignore[attr-defined]
            names.bind_target(node.target, node.value, line)  # type: ignore[attr-defined]
        elif node_type is ast.AugAssign:
            target = node.target  # type: ignore[attr-defined]
            if isinstance(target, ast.Name):
                combined = ast.BinOp(left=ast.Name(id=target.id, ctx=ast.Load()), op=node.op, right=node.value)  # type: ignore[attr-defined]
                names.bind_target(target, combined, line)
        elif node_type is ast.NamedExpr:
            names.bind_target(node.target, node.value, line)  # type: ignore[attr-defined]
        elif node_type in (ast.Import, ast.ImportFrom):
            names.bind_import(node)  # type: ignore[arg-type]
        elif node_type in (ast.For, ast.AsyncFor):
            names.bind_target(node.target, None, line)  # type: ignore[attr-defined]
        elif node_type is ast.withitem and node.optional_vars is not None:  # type: ignore[attr-defined]
            names.bind_target(node.optional_vars, None, line)  # type: ignore[attr-defined]
        elif node_type is ast.ExceptHandler and node.name:  # type: ignore[attr-defined]
            names.bind(node.name, Binding(line=line))  # type: ignore[attr-defined]

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        ctx = self.ctx
        names = ctx.names
        ctx.ancestors.append(node)
        is_def = not isinstance(node, ast.Lambda)
        if is_def:
            for decorator in node.decorator_list:  # type: ignore[union-attr]
                self.visit(decorator)
            if node.returns is not None:  # type: ignore[union-attr]
                self.visit(node.returns)  # type: ignore[union-attr]
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self.visit(default)
        if is_def:
            names.bind(node.name, Binding(kind="def", line=node.lineno))  # type: ignore[union-attr]
        names.push(node, "function")
        ctx.functions.append(node)
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                names.bind(arg.arg, Binding(kind="param", line=node.lineno))
                self.visit(arg)
        body = node.body if is_def else [node.body]
        for child in body:  # type: ignore[union-attr]
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
