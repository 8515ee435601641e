"""Text built in code whose constant part says what it is: CR LF framed lines and HTML markup.

HTTP status and header lines, request lines, SMTP commands and e-mail headers
are lines ended by CR LF; a value holding CR or LF that is formatted into one
ends the line early and starts another of the sender's choosing (response
splitting, request smuggling, an extra recipient or header: CWE-93/113/444).
Python code that frames such lines spells the terminator as a constant, so the
string building itself is the sink (`[[sink]]`-free: class `crlf`):

* `"%s: %s\\r\\n" % (name, value)` and `b"HTTP/1.1 %d %s\\r\\n" % (code, reason)`
  (a numeric or `%r` conversion formats no line break);
* f-strings and `"{} {}\\r\\n".format(...)` with a CR LF in their constant text;
* `name + ": " + value + "\\r\\n"` (a CR LF constant as an operand of the `+`).

A value is framed only where it shares its line with constant text (`Name: %s`,
`RCPT TO:<%s>`): a value that is a whole line (`"%s\\r\\n" % line`,
`"\\r\\n".join(lines)`, a script after a first line of its own) was framed, if
at all, where that line was built. On waitress, httpie and mechanize every
`"\\r\\n".join` joined lines for display or normalised a textarea.

A value placed after a blank line (`\\r\\n\\r\\n`) in the same text is a message
body, not a header: it is not part of the sink. A lone `\\n` frames nothing
(plain text). Who may send such values is the source's question: request data,
sockets, and for libraries their public functions' parameters (`analysis.library`).

The same shapes with an HTML element in the constant text (`"<li><a href='%s'>%s</a></li>" % (n, n)`)
build markup: class `markup` (CWE-79). Its only source is a file name read from a directory
listing (a listing page of a file server, a documentation index): request data is judged
where the page is sent (class `xss`), and a library's parameters are not followed there (a
public helper that formats HTML from its arguments leaves escaping to its caller by design).
A numeric conversion formats no markup; `%r` does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from secreview.analysis import sink_events
from secreview.analysis.specs import SinkSpec
from secreview.analysis.summaries import EMPTY
from secreview.analysis.values import cut

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

class TextSink(NamedTuple):
    """A kind of text the constant part of a string building identifies."""

    spec: SinkSpec
    marker: Callable[[str], bool]  # the constant text says the string is one of these
    safe: frozenset[str]  # %-conversions that cannot format the sink's metacharacters
    body: str  # after this in the constant text, values are a message body ('' when none)


_TAG = re.compile(r"<(?:a|li|ul|ol|p|div|span|td|tr|th|table|tbody|img|b|i|em|strong|h[1-6]|pre|code|option|"
                  r"select|input|form|button|label|title|script|style|link|body|html|dt|dd|dl|small|tt|"
                  r"br|hr|nav|section|article)[\s>/]", re.IGNORECASE)
_CLASS = re.compile(r"\[[^\]]*\]")


def _crlf(text: str) -> bool:
    """CR LF in the text, not only inside a regular expression's character class (`'[\\r\\n]?'`)."""
    return "\r\n" in text and "\r\n" in _CLASS.sub("", text)


CRLF = TextSink(SinkSpec(kind="crlf", label="a protocol line framed by CR LF"), _crlf,
                frozenset("diouxXeEfFgGra"), "\r\n\r\n")
MARKUP = TextSink(SinkSpec(kind="markup", label="HTML markup built by string formatting"),
                  lambda text: "<" in text and _TAG.search(text) is not None, frozenset("diouxXeEfFgG"), "")
_SINKS = (CRLF, MARKUP)
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
_FIELD = re.compile(r"{[^{}]*}")
_NUMERIC_SPEC = frozenset("dxXobeEfFgGn%")


def _text(node: ast.expr) -> str | None:
    """The text of a str or bytes constant (bytes read as latin-1), else None."""
    if type(node) is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode("latin-1")
    return None


def _matching(*texts: str | None) -> tuple[TextSink, ...]:
    return tuple(sink for sink in _SINKS if any(t is not None and sink.marker(t) for t in texts))


def binop_framed(node: ast.BinOp) -> bool:
    """A `%` with a marked format, or a `+` with a marked constant operand (cheap: asked for every BinOp)."""
    op = type(node.op)
    if op is ast.Mod:
        return bool(_matching(_text(node.left)))
    return op is ast.Add and bool(_matching(_text(node.left), _text(node.right)))


def binop(fn: FunctionPass, node: ast.BinOp, left: frozenset, values: list[frozenset], whole: frozenset) -> frozenset:
    """Record the framed values of a marked `%` or `+` the pass evaluated; the result's taint.

    `left` is the taint of a `+`'s left operand, `values` the right operand's (one entry) or, for a
    `%` with a tuple, each argument's (URL cuts applied); `whole` the taint of the expression.
    """
    if type(node.op) is ast.Add:
        right = values[0] if values else EMPTY
        head = _text(node.left) or ""
        matched = _matching(_text(node.left), _text(node.right))
        for sink in matched:
            if sink is not CRLF or _added_in_line(node):
                _record(fn, sink, node, left if sink.body and sink.body in head else left | right)
        return _built(whole, matched)
    text = _text(node.left) or ""
    conversions = [c for c in _CONVERSION.findall(text) if c != "%"]
    right = node.right
    per_element = type(right) is ast.Tuple and len(values) == len(right.elts) == len(conversions) \
        and not any(type(e) is ast.Starred for e in right.elts)  # type: ignore[attr-defined]
    matched = _matching(text)
    for sink in matched:
        framed = _framed_conversions(sink, text)
        sunk = EMPTY
        if per_element:
            for index, (taint, conversion) in enumerate(zip(values, conversions)):
                if index in framed and conversion not in sink.safe:
                    sunk = sunk | taint
        elif any(conversions[i] not in sink.safe for i in framed if i < len(conversions)):
            for taint in values:
                sunk = sunk | taint
        _record(fn, sink, node, sunk)
    return _built(whole, matched)


def joined(fn: FunctionPass, node: ast.JoinedStr, parts: list[frozenset], taint: frozenset) -> frozenset:
    """An f-string with a marked constant text: the values it formats (before a body, if any).

    `parts` is the taint of each formatted value, in order (repr conversions already cut for CR LF),
    `taint` their union: returned as the result's taint.
    """
    texts = [_text(part) for part in node.values if type(part) is ast.Constant]
    matched = _matching(*texts)
    for sink in matched:
        pieces: list[str | int] = []  # constant text, or the index of a formatted value
        index = 0
        for part in node.values:
            if type(part) is ast.Constant:
                pieces.append(_text(part) or "")
            else:
                spec = part.format_spec  # type: ignore[attr-defined]
                last = _text(spec.values[-1]) if spec is not None and spec.values else None
                if not (last and last[-1] in _NUMERIC_SPEC):  # `{code:d}`: a number
                    pieces.append(index)
                index += 1
        sunk = EMPTY
        for value in _framed_values(sink, pieces):
            sunk = sunk | parts[value]
        _record(fn, sink, node, sunk)
    return _built(taint, matched)


def line_pieces(node: ast.List) -> bool:
    """A list literal with a CR LF constant among its elements (cheap: asked for every list literal)."""
    for element in node.elts:
        if type(element) is ast.Constant and isinstance(element.value, (str, bytes)) \
                and CRLF.marker(_text(element) or ""):  # type: ignore[attr-defined]
            return True
    return False


def pieces(fn: FunctionPass, node: ast.List) -> frozenset:
    """`[name, b": ", value, b"\\r\\n"]`: the pieces of a line, joined later (uvicorn's response writer).

    The values that share their line with constant text are framed (`_framed_values`).
    """
    parts = [fn.ev(element) for element in node.elts]
    taint = EMPTY
    for part in parts:
        taint = taint | part
    if not taint:
        return taint
    texts = [_text(element) for element in node.elts]
    layout: list[str | int] = [t if t is not None else index for index, t in enumerate(texts)]
    sunk = EMPTY
    for index in _framed_values(CRLF, layout):
        if type(node.elts[index]) is not ast.Starred:
            sunk = sunk | parts[index]
    _record(fn, CRLF, node, sunk)
    return _built(taint, (CRLF,))


def method(fn: FunctionPass, node: ast.Call, name: str, receiver: ast.expr, everything: frozenset) -> frozenset:
    """`"{} {}\\r\\n".format(a, b)` and `"<li>{}</li>".format(n)`: what they build."""
    if name != "format" or not everything:
        return everything
    text = _text(receiver)
    matched = _matching(text)
    for sink in matched:
        if sink.body and sink.body in (text or ""):
            continue  # which arguments land in the body is the format's business: not guessed
        if sink is CRLF and not _framed_values(sink, _split_fields(text or "")):
            continue
        _record(fn, sink, node, everything)
    return _built(everything, matched)


def _framed_conversions(sink: TextSink, text: str) -> set[int]:
    """Indices (among the conversions of a %-format) of the values the sink frames."""
    pieces: list[str | int] = []
    index = 0
    for position, piece in enumerate(_CONVERSION.split(text)):
        if position % 2 == 0:
            pieces.append(piece)
        elif piece != "%":
            pieces.append(index)
            index += 1
    return set(_framed_values(sink, pieces))


def _split_fields(text: str) -> list[str | int]:
    """A str.format text as constant pieces and field indices."""
    pieces: list[str | int] = []
    for index, piece in enumerate(_FIELD.split(text)):
        if index:
            pieces.append(index - 1)
        pieces.append(piece)
    return pieces


def _framed_values(sink: TextSink, pieces: list[str | int]) -> list[int]:
    """The values (indices in `pieces`) the sink frames.

    Markup: every value. CR LF: the values of the header part (before a blank line) that share their
    line with constant text (`Name: %s`, `HTTP/1.1 %d %s`, `RCPT TO:<%s>`); a value that is a whole
    line (`"%s\\r\\n" % line`, a script after `"Set-StrictMode\\r\\n"`) was framed where it was built.
    """
    if sink is not CRLF:
        return [p for p in pieces if isinstance(p, int)]
    framed: list[int] = []
    line_values: list[int] = []
    line_text = False
    for piece in pieces:
        if isinstance(piece, int):
            line_values.append(piece)
            continue
        head, body, _ = piece.partition(sink.body)
        lines = head.split("\r\n")
        line_text = line_text or bool(lines[0].strip())
        if len(lines) > 1 or body:
            if line_text:
                framed.extend(line_values)
            line_values = []
            line_text = bool(lines[-1].strip()) if len(lines) > 1 else False
        if body:
            return framed
    return framed


def _added_in_line(node: ast.BinOp) -> bool:
    """`name + ": " + value + "\\r\\n"`, `b"RCPT TO:<" + address + b">\\r\\n"`: constant text on the
    value's line (`line + b"\\r\\n"` adds a terminator to a line built elsewhere)."""
    right = _text(node.right)
    if right is not None and right.split("\r\n", 1)[0].strip():
        return True
    left = _text(node.left)
    if left is not None and left.rsplit("\r\n", 1)[-1].strip():
        return True
    other = node.left if right is not None else node.right
    while type(other) is ast.BinOp and type(other.op) is ast.Add:  # type: ignore[attr-defined]
        for side in (other.right, other.left):  # type: ignore[attr-defined]
            text = _text(side)
            if text is not None and text.strip() and "\r\n" not in text:
                return True
        other = other.left  # type: ignore[attr-defined]
    return False


def _built(taint: frozenset, matched: tuple[TextSink, ...]) -> frozenset:
    """What was built is reported where its parts were put in: not again when it is framed further
    (`serialize_headers() + b"\\r\\n\\r\\n"`, `"<ul>%s</ul>" % "".join(items)`)."""
    return cut(taint, frozenset(sink.spec.kind for sink in matched)) if matched and taint else taint


def _record(fn: FunctionPass, sink: TextSink, node: ast.expr, taint: frozenset) -> None:
    if taint:
        sink_events.record(fn, sink.spec, taint, node)
