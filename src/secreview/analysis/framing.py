"""Protocol lines built in code: text framed by CR LF is a sink for what is put into it.

HTTP status and header lines, request lines, SMTP commands and e-mail headers
are lines ended by CR LF; a value holding CR or LF that is formatted into one
ends the line early and starts another of the sender's choosing (response
splitting, request smuggling, an extra recipient or header: CWE-93/113/444).
Python code that frames such lines spells the terminator as a constant, so the
string building itself is the sink (`[[sink]]`-free: class `crlf`):

* `"%s: %s\\r\\n" % (name, value)` and `b"HTTP/1.1 %d %s\\r\\n" % (code, reason)`
  (a numeric or `%r` conversion formats no line break);
* f-strings and `"{} {}\\r\\n".format(...)` with a CR LF in their constant text;
* `name + ": " + value + "\\r\\n"` (a CR LF constant as an operand of the `+`);
* `"\\r\\n".join(lines)`.

A value placed after a blank line (`\\r\\n\\r\\n`) in the same text is a message
body, not a header: it is not part of the sink. A lone `\\n` frames nothing
(plain text). Who may send such values is the source's question: request data,
sockets, and for libraries their public functions' parameters (`analysis.library`).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from secreview.analysis import sink_events
from secreview.analysis.specs import SinkSpec
from secreview.analysis.summaries import EMPTY
from secreview.analysis.values import short

if TYPE_CHECKING:
    from secreview.analysis.taint import _FunctionPass

SINK = SinkSpec(kind="crlf", label="a protocol line framed by CR LF")
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
# Conversions that cannot format a line break: numbers (or an error), and repr() which escapes it.
_NO_LINE_BREAK = frozenset("diouxXeEfFgGra")


def _text(node: ast.expr) -> str | None:
    """The text of a str or bytes constant (bytes read as latin-1), else None."""
    if type(node) is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode("latin-1")
    return None


def framed(text: str | None) -> bool:
    return text is not None and "\r\n" in text


def binop_framed(node: ast.BinOp) -> bool:
    """A `%` with a CR LF format, or a `+` with a CR LF constant operand (cheap: asked for every BinOp)."""
    op = type(node.op)
    if op is ast.Mod:
        return framed(_text(node.left))
    return op is ast.Add and (framed(_text(node.left)) or framed(_text(node.right)))


def evaluate_binop(fn: _FunctionPass, node: ast.BinOp) -> frozenset:
    """The taint of a framed `%` or `+` (its operands evaluated once), recording the framed values."""
    if type(node.op) is ast.Add:
        left, right = fn.ev(node.left), fn.ev(node.right)
        body = "\r\n\r\n" in (_text(node.left) or "")  # `"...\r\n\r\n" + body`: the body is no header
        _record(fn, node, left if body else left | right)
        return left | right
    text = _text(node.left) or ""
    head = text.split("\r\n\r\n", 1)[0]
    conversions = [c for c in _CONVERSION.findall(text) if c != "%"]
    in_head = len([c for c in _CONVERSION.findall(head) if c != "%"])
    right = node.right
    if type(right) is ast.Tuple and len(right.elts) == len(conversions) \
            and not any(type(e) is ast.Starred for e in right.elts):  # type: ignore[attr-defined]
        whole = sunk = EMPTY
        for index, (element, conversion) in enumerate(zip(right.elts, conversions)):  # type: ignore[attr-defined]
            taint = fn.ev(element)
            whole = whole | taint
            if index < in_head and conversion not in _NO_LINE_BREAK:
                sunk = sunk | taint
        _record(fn, node, sunk)
        return whole
    taint = fn.ev(right)
    if in_head and not all(c in _NO_LINE_BREAK for c in conversions):
        _record(fn, node, taint)
    return taint


def joined(fn: _FunctionPass, node: ast.JoinedStr, parts: list[frozenset]) -> None:
    """An f-string with CR LF in its constant text: the values before any blank line are framed.

    `parts` is the taint of each formatted value, in order (repr conversions already cut).
    """
    texts = [_text(part) for part in node.values if type(part) is ast.Constant]
    if not any(framed(t) for t in texts):
        return
    sunk = EMPTY
    index = 0
    for part in node.values:
        if type(part) is ast.Constant:
            if "\r\n\r\n" in (_text(part) or ""):
                break
        else:
            spec = part.format_spec  # type: ignore[attr-defined]
            numeric = spec is not None and len(spec.values) == 1 and _text(spec.values[0]) is not None \
                and (_text(spec.values[0]) or "")[-1:] in "dxXobeEfFgGn%"  # `{code:d}`
            if not numeric:
                sunk = sunk | parts[index]
            index += 1
    _record(fn, node, sunk)


def method(fn: _FunctionPass, node: ast.Call, name: str, receiver: ast.expr, everything: frozenset) -> None:
    """`"{} {}\\r\\n".format(a, b)` and `"\\r\\n".join(lines)`: what they frame."""
    if (name == "format" or name == "join") and everything:
        text = _text(receiver)
        if framed(text) or name == "join" and text is not None and text in ("\r\n", "\n\r"):
            if name == "format" and "\r\n\r\n" in (text or ""):
                return  # which arguments land in the body is the format's business: not guessed
            _record(fn, node, everything)


def _record(fn: _FunctionPass, node: ast.expr, taint: frozenset) -> None:
    if taint:
        sink_events.record(fn, SINK, taint, node, short(node))
