"""What rewriting a string neutralises, per sink class: replacements, substitutions, repr, `%r`.

A sanitiser in the specs is a call that neutralises its whole result for some
sink classes (`html.escape` for HTML). The code people write to neutralise a
value is often a rewrite instead: `s.replace("\\n", "\\\\n").replace("\\r",
"\\\\r")` before a log call, `re.sub(r"[\\r\\n]", "", value)` before a header,
`repr(value)` or `"%r" % value` in a log message, `"/" + path.lstrip("/\\\\")`
before a redirect. Whether such a rewrite is enough depends on the characters
it removes and on the sink: removing CR and LF ends log forging and response
splitting but does nothing for SQL. This module answers, for one rewrite, which
sink classes it neutralises, so the taint pass can cut exactly those.

A replacement removes one character at a time, and code often removes CR and
LF in two statements. The first one leaves a *partial* mark on the value
(`~lf` or `~cr`, never a sink class); the second completes it, and only then
are log and header injection cut (`complete`). Path checks work the same way:
a `..` check and an absolute-path check are each half of keeping a joined path
inside its directory.
"""

from __future__ import annotations

import ast
import re

# Marks a rewrite leaves on a value: line feeds removed, carriage returns removed; and the marks
# of path checks (secreview.analysis.guards): no ".." segment, not an absolute path.
LF, CR = "~lf", "~cr"
DOTDOT, ABSOLUTE = "~dotdot", "~abs"
# Sinks that CR and LF (and nothing else) make dangerous: forged log lines, response splitting.
LINE_BREAK_SINKS = frozenset({"log", "header", "crlf"})
_XPATH = frozenset({"xpath"})
# Partial marks that together neutralise sinks.
_COMPLETE = ((frozenset({LF, CR}), LINE_BREAK_SINKS), (frozenset({DOTDOT, ABSOLUTE}), frozenset({"path"})))
# `%r` (and `%a`) format with repr(), which escapes every control character; numeric conversions
# of a string raise instead of formatting it (`%c` does not: it formats a one-character string).
_SAFE_CONVERSIONS = frozenset("raiduoxXeEfFgG%")
_NUMERIC_CONVERSIONS = frozenset("diouxXeEfFgG")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
SUBSTITUTIONS = frozenset({"re.sub", "re.subn", "regex.sub", "regex.subn"})
# Characters a browser ignores or reads as "/" right after the leading slash of a Location:
# "/\\evil.com" is "//evil.com" (a host) to browsers, and the URL parser removes tabs and line
# breaks anywhere, so "/\t/evil.com" is too. A value whose leading characters from this set are
# stripped, put after a single "/", is a path on this site.
_LOCAL_PATH_STRIP = frozenset("/\\\t\n\r")


def complete(cuts: frozenset) -> frozenset:
    """`cuts` with the sinks a full set of partial marks neutralises."""
    for marks, sinks in _COMPLETE:
        if marks <= cuts:
            cuts = cuts | sinks
    return cuts


def _constant_str(node: ast.expr | None) -> str | None:
    if type(node) is ast.Constant and isinstance(node.value, (str, bytes)):  # type: ignore[union-attr]
        value = node.value  # type: ignore[union-attr]
        return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def _removes(old: str, new: str) -> frozenset:
    """The marks of replacing `old` by `new` everywhere: a line break removed, and none added back;
    a single quote replaced by what holds none (`"&apos;"`), so an XPath literal cannot be closed."""
    if len(old) != 1:
        return frozenset()
    if old == "'" and "'" not in new:
        return _XPATH
    if "\n" in new or "\r" in new:
        return frozenset()
    if old == "\n":
        return frozenset({LF})
    if old == "\r":
        return frozenset({CR})
    return frozenset()


_ONCE = "removing it once leaves '....//' as '../'"
_ONE_OF = "one of CR and LF is left"
_SLASH = "'/\\\\evil.example' still starts with a slash and a backslash, another host to browsers"
# The sinks each reason is about: stripping '/' says nothing about a value in an HTML body.
_REASON_SINKS = {_ONCE: frozenset({"path"}), _ONE_OF: LINE_BREAK_SINKS,
                 _SLASH: frozenset({"redirect"})}


def insufficient(call: ast.Call) -> str:
    """Why a rewrite that looks like neutralising is not enough ('' when it is not one of those)."""
    func = call.func
    if type(func) is not ast.Attribute or not call.args:
        return ""
    first = _constant_str(call.args[0])
    if func.attr == "replace" and first in ("../", "..\\", "..") and len(call.args) == 2:
        return _ONCE
    if func.attr == "replace" and first in ("\n", "\r") and len(call.args) == 2:
        return _ONE_OF
    if func.attr in ("lstrip", "strip") and first == "/":
        return _SLASH
    return ""


def reason_applies(reason: str, kind: str) -> bool:
    """A reason `insufficient` gave is about the sink class `kind`."""
    return kind in _REASON_SINKS.get(reason, (kind,))


def replace_marks(call: ast.Call) -> frozenset:
    """`value.replace(old, new)` with literal arguments: the marks it leaves (empty when none)."""
    args = call.args
    if len(args) != 2 or call.keywords:  # a count argument replaces only some occurrences
        return frozenset()
    old, new = _constant_str(args[0]), _constant_str(args[1])
    if old is None or new is None:
        return frozenset()
    return _removes(old, new)


def substitution_marks(qualname: str | None, call: ast.Call) -> frozenset:
    """`re.sub(pattern, repl, value)` with a literal pattern that matches CR and LF and a literal repl.

    The pattern is compiled and tried on a single CR and a single LF: a pattern that
    matches each of them on its own replaces every one of them in the text.
    """
    if qualname not in SUBSTITUTIONS or len(call.args) < 3 or call.keywords:
        return frozenset()
    pattern, repl = _constant_str(call.args[0]), _constant_str(call.args[1])
    if pattern is None or repl is None or "\\" in repl or "\n" in repl or "\r" in repl:
        return frozenset()
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return frozenset()
    marks = set()
    if compiled.fullmatch("\n"):
        marks.add(LF)
    if compiled.fullmatch("\r"):
        marks.add(CR)
    return frozenset(marks)


def percent_repr_only(node: ast.BinOp) -> bool:
    """`"... %r ..." % value`: every conversion of a literal format escapes or rejects line breaks."""
    text = _constant_str(node.left)
    if text is None:
        return False
    conversions = _PERCENT_SPEC.findall(text)
    return bool(conversions) and all(c in _SAFE_CONVERSIONS for c in conversions)


def numeric_format(node: ast.BinOp) -> bool:
    """`"%d items" % value`: a literal format whose every conversion makes a number (or raises)."""
    text = _constant_str(node.left)
    if text is None or not isinstance(node.op, ast.Mod):
        return False
    conversions = [c for c in _PERCENT_SPEC.findall(text) if c != "%"]
    return bool(conversions) and all(c in _NUMERIC_CONVERSIONS for c in conversions)


def local_path(node: ast.BinOp) -> bool:
    """`"/" + value.lstrip(chars)` where `chars` strips every character that could make a second slash.

    `"/" + path.lstrip("/")` is not enough: `/\\evil.com` and `/\\t/evil.com` are
    other hosts to a browser; stripping "/", "\\\\", tab, CR and LF leaves a path on this site.
    """
    if not isinstance(node.op, ast.Add) or _constant_str(node.left) != "/":
        return False
    right = node.right
    if type(right) is not ast.Call or type(right.func) is not ast.Attribute:  # type: ignore[union-attr]
        return False
    func = right.func  # type: ignore[union-attr]
    if func.attr not in ("lstrip", "strip") or len(right.args) != 1:  # type: ignore[union-attr]
        return False
    chars = _constant_str(right.args[0])  # type: ignore[union-attr]
    return chars is not None and _LOCAL_PATH_STRIP <= set(chars)
