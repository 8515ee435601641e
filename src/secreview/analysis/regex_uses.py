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


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} - {"self", "cls"}


def _subject_name(node: ast.expr | None, local: dict[str, ast.expr], params: set[str], depth: int = 3) -> str | None:
    """The parameter whose text is matched: `text`, `str(text)`, `text.lower()`, `text[:8192]`, or a
    local name assigned once from one of those (`head = text[:SIZE]`)."""
    while True:
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name) and node.func.id == "str":
            node = node.args[0]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _TEXT_METHODS:
            node = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name):
        return None
    if node.id in params:
        return node.id
    assigned = local.get(node.id)
    return _subject_name(assigned, local, params, depth - 1) if assigned is not None and depth > 0 else None


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


def _aliases(function: ast.AST, name: str) -> set[str]:
    """Local names bound to an expression that may be the compiled name: `regex = NAME if w else OTHER`."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.IfExp, ast.BoolOp)) and any(
                isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.value)):
            found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return found


def parameter_uses(tree: ast.Module, name: str) -> Iterator[Use]:
    """Each use of the compiled `name` (or a local alias of it) on a parameter of the enclosing function."""
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = _parameters(function)
        if not params:
            continue
        aliases = _aliases(function, name)
        local: dict[str, ast.expr] | None = None
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SUBJECT_POSITION):
                continue
            receiver = _receiver(node.func.value)
            if receiver != name and receiver not in aliases:
                continue
            position = SUBJECT_POSITION[node.func.attr]
            subject = node.args[position] if len(node.args) > position else None
            local = _single_assignments(function) if local is None else local
            parameter = _subject_name(subject, local, params)
            if parameter is not None:
                yield Use(function.name, node.lineno, node.func.attr, parameter, receiver != name)
