"""The text of a regular expression built from constants, folded as `re` would receive it.

`Context.constant_value` knows literals, names bound to literals and `+` of
strings; patterns are often assembled further: `"%s|%s" % (A, B)`,
`"({})".format(WORD)`, `f"^{NAME}$"`, `re.escape(SEP)` and `"|".join(WORDS)`
with module constants. This folds those (and nothing that could come from
outside the program), so the backtracking analysis sees the pattern itself.
"""

from __future__ import annotations

import ast
import re

from secreview.rules.base import Context

_MAX_TEXT = 5000  # a longer pattern is data, not a hand-written pattern
# Helpers that turn a str pattern into bytes (py2/3 compatibility layers): the pattern is unchanged.
_ENCODERS = frozenset({"tobytes", "to_bytes", "force_bytes", "ensure_bytes", "b"})


def pattern_text(ctx: Context, node: ast.expr | None, depth: int = 0) -> str | None:
    """The folded string of `node`, or None when any part of it is not a constant."""
    if node is None or depth > 8:
        return None
    value = ctx.constant_value(node)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return value
    text = _folded(ctx, node, depth + 1)
    return text if text is not None and len(text) <= _MAX_TEXT else None


def _folded(ctx: Context, node: ast.expr, depth: int) -> str | None:
    if isinstance(node, ast.Name):
        bound = ctx.assigned_value(node)
        return pattern_text(ctx, bound, depth) if bound is not None and bound is not node else None
    if isinstance(node, ast.JoinedStr):
        parts = [pattern_text(ctx, p.value, depth) if isinstance(p, ast.FormattedValue) and p.format_spec is None
                 and p.conversion == -1 else pattern_text(ctx, p, depth) if isinstance(p, ast.Constant) else None
                 for p in node.values]
        return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # `A + B + C + ...` is one level, however long: the chain nests left, and counting each `+` as a
        # level stopped a header grammar of eight pieces (python-multipart's OPTION_RE) from folding
        parts = _texts(ctx, _addends(node), depth)
        return None if parts is None else "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = pattern_text(ctx, node.left, depth)
        if left is None:
            return None
        args = _texts(ctx, node.right.elts if isinstance(node.right, ast.Tuple) else [node.right], depth)
        try:
            return None if args is None else left % tuple(args)
        except (TypeError, ValueError, KeyError):
            return None
    if isinstance(node, ast.Call) and _name(node.func) in _ENCODERS and len(node.args) == 1 and not node.keywords:
        return pattern_text(ctx, node.args[0], depth)  # `tobytes("^...$")`: the same pattern as bytes
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords:
        name = ctx.qualname(node.func) or ""
        if name == "re.escape" and len(node.args) == 1:
            inner = pattern_text(ctx, node.args[0], depth)
            return None if inner is None else re.escape(inner)
        owner = pattern_text(ctx, node.func.value, depth)
        if owner is None:
            return None
        if node.func.attr == "format":
            args = _texts(ctx, node.args, depth)
            try:
                return None if args is None else owner.format(*args)
            except (IndexError, KeyError, ValueError):
                return None
        if node.func.attr == "join" and len(node.args) == 1:
            items = node.args[0]
            if isinstance(items, ast.Name):
                items = ctx.assigned_value(items) or items
            if isinstance(items, (ast.List, ast.Tuple)):
                args = _texts(ctx, items.elts, depth)
                return None if args is None else owner.join(args)
    return None


def _addends(node: ast.BinOp) -> list[ast.expr]:
    """The operands of a left-nested chain of `+`, in order."""
    parts: list[ast.expr] = [node.right]
    left = node.left
    while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
        parts.append(left.right)
        left = left.left
    parts.append(left)
    return parts[::-1]


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _texts(ctx: Context, nodes: list[ast.expr], depth: int) -> list[str] | None:
    out = [pattern_text(ctx, n, depth) for n in nodes]
    return None if any(t is None for t in out) else out  # type: ignore[return-value]
