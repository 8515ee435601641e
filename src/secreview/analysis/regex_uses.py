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


def _subject_name(node: ast.expr | None) -> str | None:
    """`text`, `str(text)`, `text.lower()`: the name whose text is matched."""
    while isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name) and node.func.id == "str":
        node = node.args[0]
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "strip"):
        node = node.func.value
    return node.id if isinstance(node, ast.Name) else None


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
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SUBJECT_POSITION and isinstance(node.func.value, ast.Name)):
                continue
            receiver = node.func.value.id
            if receiver != name and receiver not in aliases:
                continue
            position = SUBJECT_POSITION[node.func.attr]
            subject = node.args[position] if len(node.args) > position else None
            parameter = _subject_name(subject)
            if parameter in params:
                yield Use(function.name, node.lineno, node.func.attr, parameter, receiver != name)
