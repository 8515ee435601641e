"""What a web handler returns: its body, and the headers it sets.

In Flask (and Quart) a view may return a str, or a tuple `(body, status)`,
`(body, headers)`, `(body, status, headers)`; the str becomes the response
body with content type text/html. Request data in it is cross-site scripting
(CWE-79), unless escaped; a value placed in the headers is header injection
(CWE-113). A dict or list becomes JSON (`jsonify`), which is neither.

The taint pass marks a function an *HTML view* when a route spec with
`returns_html = true` matches its decorator, and asks `returned` at each
`return`. Only values the code visibly builds as text count as a body: an
f-string, `+`/`%` with a string literal, `"...".format()`, `"".join()`, or a
local name last bound to one of those (`bound` keeps that set). A name whose
value the pass cannot see as text (a dict from a helper, a rendered template)
is left alone: precision first.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis import sink_events
from secreview.analysis.specs import SinkSpec

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

BODY = SinkSpec(kind="xss", label="the HTML body a view returns")
HEADER = SinkSpec(kind="header", label="a header of the response a view returns")


def _leftmost(node: ast.expr) -> ast.expr:
    while type(node) is ast.BinOp:
        node = node.left  # type: ignore[attr-defined]
    return node


def is_text(fn: FunctionPass, node: ast.expr) -> bool:
    """`node` is text the code builds: an f-string, string concatenation or formatting, a join."""
    kind = type(node)
    if kind is ast.JoinedStr:
        return True
    if kind is ast.BinOp and type(node.op) in (ast.Add, ast.Mod):  # type: ignore[attr-defined]
        left = _leftmost(node)
        return type(left) is ast.Constant and isinstance(left.value, str) or \
            type(left) is ast.Name and left.id in fn.texts  # type: ignore[attr-defined]
    if kind is ast.Call and type(node.func) is ast.Attribute:  # type: ignore[attr-defined]
        func = node.func  # type: ignore[attr-defined]
        return func.attr in ("format", "join") and type(func.value) is ast.Constant and isinstance(func.value.value, str)
    return kind is ast.Name and node.id in fn.texts  # type: ignore[attr-defined]


def bound(fn: FunctionPass, name: str, value: ast.expr | None) -> None:
    """Keep `fn.texts`: the names last bound to built text."""
    if value is not None and is_text(fn, value):
        fn.texts.add(name)
    else:
        fn.texts.discard(name)


def returned(fn: FunctionPass, stmt: ast.Return) -> None:
    """A `return` of an HTML view: the body is an XSS sink, header values are header sinks."""
    value = stmt.value
    body = value
    headers = None
    if type(value) is ast.Tuple and value.elts:  # type: ignore[union-attr]
        body = value.elts[0]  # type: ignore[union-attr]
        last = value.elts[-1]  # type: ignore[union-attr]
        if len(value.elts) > 1 and type(last) is ast.Dict:  # type: ignore[union-attr]
            headers = last
    if body is not None and is_text(fn, body):
        taint = fn.ev(body)
        if taint:
            sink_events.record(fn, BODY, taint, stmt, f"return {_text(body)}")
    if headers is not None:
        for header_value in headers.values:  # type: ignore[attr-defined]
            taint = fn.ev(header_value)
            if taint:
                sink_events.record(fn, HEADER, taint, header_value, f"return …, {{…: {_text(header_value)}}}")


def _text(node: ast.expr) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - unparse handles what ast produces
        return "…"
    return text if len(text) <= 60 else text[:59] + "…"
