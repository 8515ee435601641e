"""Where a built URL's query begins: data placed after a literal `?` or `#` cannot move its target.

A browser (or an HTTP client) takes the scheme, the host and the path from what comes before
the first `?` or `#`; whatever follows is the query or the fragment of that same URL. So in
`"%s?%s" % (url, request.META["QUERY_STRING"])`, `post_url + "?" + urlencode(params)` or
`f"{base}?next={target}"` the data after the separator can add parameters, never change
where the redirect (or request) goes: its taint is cut for the URL sinks there, and only
there. Data before the separator (`url`, `post_url`, `base`) keeps its taint.

These are facts about the position of a value in a string the code builds, read from the
literal parts of that string; nothing here evaluates code.
"""

from __future__ import annotations

import ast
import re
import string
from functools import lru_cache

URL_KINDS = frozenset({"ssrf", "redirect"})
_SEPARATORS = ("?", "#")
# One printf-style conversion: `%s`, `%(name)s`, `%-10.3f`, `%%`.
_CONVERSION = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def _separated(text: str) -> bool:
    return "?" in text or "#" in text


def after_separator(node: ast.expr) -> bool:
    """The string `node` builds already holds a literal `?` or `#` (what is appended to it is query)."""
    kind = type(node)
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        return isinstance(value, str) and _separated(value)
    if kind is ast.BinOp and type(node.op) is ast.Add:  # type: ignore[attr-defined]
        return after_separator(node.left) or after_separator(node.right)  # type: ignore[attr-defined]
    if kind is ast.JoinedStr:
        return any(type(part) is ast.Constant and _separated(part.value)  # type: ignore[attr-defined]
                   for part in node.values)  # type: ignore[attr-defined]
    return False


@lru_cache(maxsize=256)
def percent_positions(fmt: str) -> tuple[bool, ...] | None:
    """Per `%` conversion of `fmt` that takes an argument: whether a `?` or `#` comes before it.

    None when the format cannot be read position by position (`%(name)s` takes a mapping,
    `%*d` takes extra arguments).
    """
    found: list[bool] = []
    for match in _CONVERSION.finditer(fmt):
        if match.group(4) == "%":
            continue
        if match.group(1) or match.group(2) == "*" or match.group(3) == "*":
            return None
        found.append(_separated(fmt[:match.start()]))
    return tuple(found)


@lru_cache(maxsize=256)
def format_positions(fmt: str) -> dict[int | str, bool] | None:
    """Per field of a `str.format` template (`{}`, `{0}`, `{name}`): whether a `?` or `#` comes
    before every use of it. None when the template does not parse or mixes automatic and
    explicit numbering."""
    fields: dict[int | str, bool] = {}
    before = ""
    automatic = 0
    explicit = False
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return None
    for literal, name, _, _ in parsed:
        before += literal
        if name is None:
            continue
        head = re.split(r"[.\[]", name, maxsplit=1)[0]
        if head == "":
            key: int | str = automatic
            automatic += 1
        else:
            explicit = True
            key = int(head) if head.isdigit() else head
        fields[key] = fields.get(key, True) and _separated(before)
        before += "{}"
    if automatic and explicit:
        return None
    return fields
