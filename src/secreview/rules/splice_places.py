"""Where in a built string a spliced part lands: the literal text around each place it fills.

`"SELECT `%s` FROM `%s`" % (column, table)` puts both values between backquotes, `f"... = '{name}'"`
puts `name` inside a string literal. A rule that cares what a value *is* in the result (a quoted SQL
identifier, a string literal) reads the text on either side of each place. Other values' places are
written as `VALUE` (one character that is in no keyword or quote), so `"%s.%s"` reads as
`"\0." + part` for the second part.
"""

from __future__ import annotations

import ast
import re
import string

from secreview.rules.base import Context

VALUE = "\0"
_CONVERSION = re.compile(r"%(?:\((\w*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsab%])")
_FORMATTER = string.Formatter()
_FIELD_HEAD = re.compile(r"^[^.\[]*")


def around(ctx: Context, built: ast.expr | None, part: ast.expr) -> list[tuple[str, str]]:
    """(text before, text after) for every place `part` fills in `built` (an f-string, `%`-formatting,
    `str.format()` of a constant template, or a `+` chain); empty when it is not one of them or `part`
    is not one of its direct values (it came from a string built elsewhere)."""
    if isinstance(built, ast.JoinedStr):
        return _places([_f_string_piece(v) for v in built.values], [v.value if isinstance(v, ast.FormattedValue)
                                                                    else None for v in built.values], part)
    if isinstance(built, ast.BinOp) and isinstance(built.op, ast.Add):
        pieces = list(_operands(built))
        return _places([ctx.constant_value(p) if isinstance(ctx.constant_value(p), str) else None for p in pieces],
                       [None if isinstance(ctx.constant_value(p), str) else p for p in pieces], part)
    if isinstance(built, ast.BinOp) and isinstance(built.op, ast.Mod):
        template = ctx.constant_value(built.left)
        return _percent(template, built.right, part) if isinstance(template, str) else []
    if isinstance(built, ast.Call) and isinstance(built.func, ast.Attribute) and built.func.attr == "format":
        template = ctx.constant_value(built.func.value)
        return _format(template, built, part) if isinstance(template, str) else []
    return []


def _f_string_piece(value: ast.expr) -> str | None:
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_operands(node.left), *_operands(node.right)]
    return [node]


def _places(texts: list[str | None], values: list[ast.expr | None], part: ast.expr) -> list[tuple[str, str]]:
    """Pieces in order, each literal text (`texts[i]`) or a value (`values[i]`): the places of `part`."""
    rendered = [VALUE if text is None else text for text in texts]
    return [("".join(rendered[:i]), "".join(rendered[i + 1:])) for i, value in enumerate(values) if value is part]


def _percent(template: str, right: ast.expr, part: ast.expr) -> list[tuple[str, str]]:
    matches = [m for m in _CONVERSION.finditer(template) if m.group(2) != "%"]
    if isinstance(right, ast.Dict):
        keys = [k.value if isinstance(k, ast.Constant) else None for k, v in zip(right.keys, right.values)
                if v is part]
        chosen = [m for m in matches if m.group(1) is not None and m.group(1) in keys]
    else:
        values = right.elts if isinstance(right, ast.Tuple) else [right]
        if len(values) != len(matches):
            return []
        chosen = [m for m, value in zip(matches, values) if value is part]
    return [(_blank(template[:m.start()], matches), _blank(template[m.end():], matches, m.end())) for m in chosen]


def _blank(text: str, matches: list[re.Match[str]], offset: int = 0) -> str:
    """`text` (a slice of the template starting at `offset`) with the other conversions written as VALUE."""
    for match in reversed(matches):
        start, end = match.start() - offset, match.end() - offset
        if 0 <= start and end <= len(text):
            text = text[:start] + VALUE + text[end:]
    return text


def _format(template: str, call: ast.Call, part: ast.expr) -> list[tuple[str, str]]:
    try:
        fields = list(_FORMATTER.parse(template))
    except ValueError:
        return []
    texts: list[str | None] = []
    values: list[ast.expr | None] = []
    automatic = 0
    named = {k.arg: k.value for k in call.keywords if k.arg is not None}
    for literal, field, _spec, _conversion in fields:
        texts.append(literal)
        values.append(None)
        if field is None:
            continue
        head = _FIELD_HEAD.match(field).group(0)  # type: ignore[union-attr]  # matches any text
        if head == "":
            head, automatic = str(automatic), automatic + 1
        value = call.args[int(head)] if head.isdigit() and int(head) < len(call.args) else named.get(head)
        texts.append(None)
        values.append(value if value is not None else ast.Constant(value=None))
    return _places(texts, values, part)
