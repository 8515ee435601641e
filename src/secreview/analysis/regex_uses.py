"""Where a module's compiled pattern is applied to a function's parameter, read from the module's tree.

`NAME = re.compile(P)` at module or class level is often used far from where it
is compiled: in a private helper (`_truncate_html(self, text)`), or through a
local alias (`regex = re_words if words else re_chars; regex.search(text)`).
The use-site rule (`regex-polynomial-backtracking`) judges public parameters
where the name is used directly; this finds the uses it does not judge, so the
pattern can be reported where it is written. Syntactic and per file: a use in
another module is not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

# Methods of a compiled pattern and where each takes the subject (0-based, after self).
SUBJECT_POSITION = {"search": 0, "match": 0, "fullmatch": 0, "findall": 0, "finditer": 0, "split": 0,
                    "sub": 1, "subn": 1}


_TEXT_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "decode", "encode"})


@dataclass(frozen=True)
class Use:
    """`regex.search(text, pos)` on line `line` of `function`, whose parameter `parameter` is the subject."""

    function: str
    line: int
    method: str
    parameter: str
    aliased: bool  # reached through a local alias, not the compiled name itself
    bound: int | None = None  # the text is cut to this many characters first (`text[:8192]`)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} - {"self", "cls"}


def _subject_name(node: ast.expr | None, local: dict[str, ast.expr], params: set[str],
                  depth: int = 3) -> tuple[str, int | None] | None:
    """The parameter whose text is matched: `text`, `str(text)`, `text.lower()`, `text[:8192]`, or a
    local name assigned once from one of those (`head = text[:SIZE]`); with the length of a literal
    cut (`text[:8192]`: 8192), None when it is not cut so."""
    bound = None
    while True:
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name) and node.func.id == "str":
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _TEXT_METHODS:
            node = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            upper = node.slice.upper
            if node.slice.lower is None and isinstance(upper, ast.Constant) and type(upper.value) is int:
                bound = upper.value if bound is None else min(bound, upper.value)
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name):
        return None
    if node.id in params:
        return node.id, bound
    assigned = local.get(node.id)
    found = _subject_name(assigned, local, params, depth - 1) if assigned is not None and depth > 0 else None
    if found is None or bound is None:
        return found
    return found[0], bound if found[1] is None else min(bound, found[1])


def _single_assignments(function: ast.AST) -> dict[str, ast.expr]:
    """Local names assigned exactly once in `function`, with their value."""
    seen: dict[str, ast.expr] = {}
    twice: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            (twice.add(name) if name in seen else seen.__setitem__(name, node.value))
    return {name: value for name, value in seen.items() if name not in twice}


def _receiver(node: ast.expr) -> str | None:
    """`NAME`, or `NAME` of `self.NAME` / `cls.NAME` (a pattern compiled in the class body)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
        return node.attr
    return None


Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class _Index:
    """One walk of a module: pattern-method calls by receiver name, and alias assignments, each with
    the innermost function holding it."""

    calls: dict[str, list[tuple[Function, ast.Call]]]
    aliases: list[tuple[Function, str, frozenset[str]]]  # (function, alias, names its value mentions)


def _build_index(tree: ast.Module) -> _Index:
    """One explicit depth-first, pre-order walk in field order (the order `ast.NodeVisitor` visits in,
    so the lists come out in the same order), each node with the innermost function holding it: a
    function's own decorators, defaults and annotations count as inside it, as they did for the visitor.
    Nodes without fields (`Load`, `Add`, ...) are not pushed: they hold nothing to index."""
    index = _Index({}, [])
    calls = index.calls
    aliases = index.aliases
    node_type = ast.AST
    stack: list[tuple[ast.AST, Function | None]] = [(tree, None)]
    pop = stack.pop
    push = stack.append
    while stack:
        node, function = pop()
        kind = type(node)
        if kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if function is not None and isinstance(func, ast.Attribute) and func.attr in SUBJECT_POSITION:
                receiver = _receiver(func.value)
                if receiver:
                    calls.setdefault(receiver, []).append((function, node))  # type: ignore[arg-type]
        elif kind is ast.Assign:
            # `regex = NAME if words else OTHER`: the local may be the compiled name
            value = node.value  # type: ignore[attr-defined]
            if function is not None and isinstance(value, (ast.IfExp, ast.BoolOp)):
                names = frozenset(n.id for n in ast.walk(value) if isinstance(n, ast.Name))
                for target in node.targets:  # type: ignore[attr-defined]
                    if isinstance(target, ast.Name):
                        aliases.append((function, target.id, names))
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            function = node  # type: ignore[assignment]
        for field in reversed(node._fields):
            child = getattr(node, field, None)
            if type(child) is list:
                for item in reversed(child):
                    if isinstance(item, node_type) and item._fields:
                        push((item, function))
            elif isinstance(child, node_type) and child._fields:
                push((child, function))
    return index


_LAST: list[tuple[ast.Module, _Index]] = []  # the index of the module being reviewed (one file at a time)


def _index(tree: ast.Module) -> _Index:
    if not _LAST or _LAST[0][0] is not tree:
        _LAST[:] = [(tree, _build_index(tree))]
    return _LAST[0][1]


# The parameters flake8 hands a check: the project's own source, by these names.
LINT_PARAMETERS = frozenset({"logical_line", "physical_line"})


def linted_only(tree: ast.Module, name: str) -> bool:
    """The compiled `name` is applied only to a flake8 check's own line (`NAME.match(logical_line)`),
    and read nowhere else: it only ever sees the project's source."""
    sites = _index(tree).calls.get(name, ())
    if not sites:
        return False
    for function, call in sites:
        position = SUBJECT_POSITION[call.func.attr]  # type: ignore[union-attr]
        subject = call.args[position] if len(call.args) > position else None
        if not (isinstance(subject, ast.Name) and subject.id in LINT_PARAMETERS & _parameters(function)):
            return False
    reads = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name
                and isinstance(node.ctx, ast.Load))
    return reads == len(sites)


def parameter_uses(tree: ast.Module, name: str) -> Iterator[Use]:
    """Each use of the compiled `name` (or a local alias of it) on a parameter of the enclosing function."""
    index = _index(tree)
    sites = [(function, call, False) for function, call in index.calls.get(name, ())]
    for function, alias, names in index.aliases:
        if name in names:
            sites += [(f, call, True) for f, call in index.calls.get(alias, ()) if f is function]
    locals_of: dict[int, dict[str, ast.expr]] = {}
    for function, call, aliased in sites:
        params = _parameters(function)
        position = SUBJECT_POSITION[call.func.attr]  # type: ignore[union-attr]
        subject = call.args[position] if len(call.args) > position else None
        if not params or subject is None:
            continue
        local = locals_of.setdefault(id(function), _single_assignments(function))
        found = _subject_name(subject, local, params)
        if found is not None:
            yield Use(function.name, call.lineno, call.func.attr, found[0], aliased, found[1])  # type: ignore[union-attr]
