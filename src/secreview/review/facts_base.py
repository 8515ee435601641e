"""What fact collectors are made of: the registry they join, and the helpers they share.

Each per-pillar module (`facts_access`, `facts_resources`, ...) registers its collectors here with
`@collector`; `secreview.review.facts.all_collectors` imports those modules, and only it does, so
no collector module imports its importer back. See `secreview.review.facts` for what facts are.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from secreview.rules.base import Check, Context

# As a rule's check: the first parameter says which nodes it is given (`Any` here, so that
# `def collect(node: ast.Call, ctx)` registers as it is).
CollectorFunc = Check


@dataclass(frozen=True)
class Collector:
    """A fact recorder, shaped like a `Rule` so that `Dispatch` can index it the same way."""

    id: str
    func: CollectorFunc = field(compare=False, repr=False)
    nodes: tuple[type, ...] = ()
    calls: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    attrs: frozenset[str] = frozenset()  # as `Rule.attrs`: the `ast.Attribute` nodes it wants, by `.attr`
    mentions: tuple[str, ...] = ()  # as `Rule.mentions`: only files whose text holds one of these words
    imports: tuple[str, ...] = ()  # as `Rule.imports`: records nothing unless a name resolves into these
    # As `Rule.tests`: False, the collector records nothing in a test module (`Context.is_test`), so the
    # engine leaves it out of those files' walks. `tests/test_facts_placement.py` holds it to that.
    tests: bool = True
    # False: the collector records only in a test module, so the engine leaves it out of every other
    # file's walk (`facts:tests-calls` was asked at each of Nova's 178k calls outside tests, for nothing).
    outside_tests: bool = True


COLLECTORS: list[Collector] = []


def collector(
    *, id: str, nodes: Iterable[type] = (), calls: Iterable[str] = (), methods: Iterable[str] = (),
    attrs: Iterable[str] = (), mentions: Iterable[str] = (), imports: Iterable[str] = (), tests: bool = True,
    outside_tests: bool = True,
) -> Callable[[CollectorFunc], CollectorFunc]:
    """Register a fact collector; `id` names it in an internal-error diagnostic. `tests` and `outside_tests`
    declare where it can record (see `Collector`)."""

    def register(func: CollectorFunc) -> CollectorFunc:
        by_name = frozenset(calls)
        words, packages = tuple(mentions), tuple(imports)
        placed = {"tests": tests, "outside_tests": outside_tests}
        COLLECTORS.append(Collector(f"facts:{id}", _not_on_instances(func) if calls else func, tuple(nodes),
                                     tuple(calls), attrs=frozenset(attrs), mentions=words, imports=packages,
                                     **placed))
        if methods:
            # A call can match both a qualified name and a method name (`os.chmod` and
            # `.chmod`); the method entry leaves those to the qualified-name entry.
            def by_method(node: ast.AST, ctx: Context) -> None:
                if not by_name or ctx.call_name(node) not in by_name:  # type: ignore[arg-type]
                    func(node, ctx)

            COLLECTORS.append(Collector(f"facts:{id}", by_method, methods=tuple(methods), mentions=words,
                                        imports=packages, **placed))
        return func

    return register


def _not_on_instances(func: CollectorFunc) -> CollectorFunc:
    """`cx = sqlite3.connect(...); cx("select 1")` calls the connection, not `sqlite3.connect` again: the name
    model resolves an instance to the call that made it, which is right for `cx.execute` and wrong here."""

    def collect(node: ast.AST, ctx: Context) -> None:
        target = node.func  # type: ignore[attr-defined]
        if target.__class__ is ast.Name:
            binding = ctx.names.lookup(target.id)  # type: ignore[attr-defined]
            if binding is not None and binding.kind == "instance":
                return
        func(node, ctx)

    return collect


# -- helpers shared by the collectors ---------------------------------------------


_OPERATORS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
              ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or", ast.Not: "not",
              ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}


def spelled(node: ast.AST | None, limit: int = 60) -> str:
    """How the code spells a name, attribute chain or call (`request.args.get()`), cheaply.

    `ast.unparse` is too slow for facts recorded on every file; this covers the
    shapes facts cite and abbreviates the rest.
    """
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = _OPERATORS.get(node.ops[0].__class__, "?")
        text = f"{spelled(node.left, limit)} {op} {spelled(node.comparators[0], limit)}"
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if isinstance(node, ast.BoolOp):
        text = f" {_OPERATORS.get(node.op.__class__)} ".join(spelled(v, limit) for v in node.values)
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return "not " + spelled(node.operand, limit - 4)
    if isinstance(node, ast.BinOp) and node.op.__class__ in _OPERATORS:
        text = f"{spelled(node.left, limit)} {_OPERATORS[node.op.__class__]} {spelled(node.right, limit)}"
        return text if len(text) <= limit else text[: limit - 1] + "…"
    parts: list[str] = []
    current = node
    suffix = ""
    while current is not None:
        if isinstance(current, ast.Name):
            parts.append(current.id)
            break
        if isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Call):
            if not parts and not suffix:
                suffix = "()"
            current = current.func
        elif isinstance(current, ast.Subscript):
            key = current.slice
            parts.append(f"[{key.value!r}]" if isinstance(key, ast.Constant) else "[…]")
            current = current.value
        elif isinstance(current, ast.Constant):
            text = repr(current.value)
            parts.append(text if len(text) <= 30 else text[:27] + "…")
            break
        else:
            parts.append("…")
            break
    text = ""
    for part in reversed(parts):
        text = text + part if (not text or part.startswith("[")) else f"{text}.{part}"
    text += suffix
    return text if len(text) <= limit else text[: limit - 1] + "…"


def callee(ctx: Context, call: ast.Call) -> str:
    """The qualified name of a call when known (`subprocess.run`), else its spelling."""
    return ctx.call_name(call) or spelled(call.func)


def scope_line(ctx: Context) -> int:
    """The line of the innermost enclosing function (0 at module level)."""
    return getattr(ctx.functions[-1], "lineno", 0) if ctx.functions else 0


def subject_key(ctx: Context, node: ast.AST | None) -> str:
    """A name that identifies the same variable across the facts of one file.

    Locals are scoped by their function, `self.x`/`cls.x` by their class, so
    `f` in two functions are two subjects and `self.conn` in `setUp` and
    `tearDown` is one.
    """
    while isinstance(node, (ast.Subscript, ast.Starred)):
        node = node.value
    if isinstance(node, ast.Name):
        return f"{node.id}@{scope_line(ctx)}"
    if isinstance(node, ast.Attribute):
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls"):
            class_line = ctx.classes[-1].lineno if ctx.classes else 0
            return f"self.{node.attr}@{class_line}"
        inner = subject_key(ctx, base)
        return f"{inner.split('@')[0]}.{node.attr}@{inner.split('@')[-1]}" if inner else ""
    return ""


def target_keys(ctx: Context, target: ast.AST) -> list[str]:
    """Subject keys of an assignment target, tuples included (`fd, path = mkstemp()`)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return [key for element in target.elts for key in target_keys(ctx, element)]
    key = subject_key(ctx, target)
    return [key] if key else []


def value_role(ctx: Context) -> tuple[str, list[str], ast.AST | None]:
    """What happens to the value of the node being checked, judged from its ancestors.

    Returns (role, subject keys, the ancestor that decided): role is "with"
    (a with-item), "exitstack" (`stack.enter_context(...)`), "returned"
    (returned or yielded to the caller), "bound" (assigned to names), "passed"
    (an argument of another call) or "other".
    """
    for ancestor in reversed(ctx.ancestors):
        kind = type(ancestor)
        if kind is ast.Await or kind is ast.keyword or kind is ast.Starred:
            continue
        if kind is ast.withitem:
            optional = ancestor.optional_vars  # type: ignore[attr-defined]
            return "with", (target_keys(ctx, optional) if optional is not None else []), ancestor
        if kind is ast.Call:
            func = ancestor.func  # type: ignore[attr-defined]
            if isinstance(func, ast.Attribute) and func.attr in ("enter_context", "enter_async_context"):
                return "exitstack", [], ancestor
            if ctx.call_name(ancestor) == "contextlib.closing":  # type: ignore[arg-type]
                continue
            return "passed", [], ancestor
        if kind in (ast.Return, ast.Yield, ast.YieldFrom):
            return "returned", [], ancestor
        if kind is ast.Assign:
            keys = [k for t in ancestor.targets for k in target_keys(ctx, t)]  # type: ignore[attr-defined]
            return "bound", keys, ancestor
        if kind is ast.AnnAssign or kind is ast.NamedExpr:
            return "bound", target_keys(ctx, ancestor.target), ancestor  # type: ignore[attr-defined]
        return "other", [], ancestor
    return "other", [], None


def enclosing_def(ctx: Context) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost `def` (lambdas skipped)."""
    for function in reversed(ctx.functions):
        if not isinstance(function, ast.Lambda):
            return function
    return None


def in_finally(ctx: Context) -> bool:
    """Whether the node being checked sits in the `finally:` block of an enclosing `try`."""
    ancestors = ctx.ancestors
    for index in range(len(ancestors) - 1, 0, -1):
        ancestor = ancestors[index - 1]
        if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return any(stmt is ancestors[index] for stmt in ancestor.finalbody)
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


def constant_args(ctx: Context, call: ast.Call) -> bool:
    """Every positional and keyword argument is a compile-time constant."""
    return all(ctx.is_constant(a) for a in call.args) and all(ctx.is_constant(k.value) for k in call.keywords)
