"""Barrier guards: which names a test proves safe, for which sinks, in which branch.

`if x not in ALLOWED: abort(400)` makes `x` safe for every sink after the
`if` (the other branch ends the path, see `secreview.analysis.control`); a
check only clears a value for the sinks it really protects:

* a bare name that is false (`if not name: ...`) holds an empty value, which carries no text;
* membership in a fixed collection, equality with a constant, `x.isdigit()`
  and a regular expression that must match the whole value and admits none of
  a sink's metacharacters (`REGEX_PROBES`, tried on the compiled pattern) clear
  the sinks whose metacharacters the value cannot hold;
* a containment check of a resolved path (`resolved.is_relative_to(base)`,
  `os.path.commonpath([base, resolved]) == base`) clears path sinks;
* a `..` check and an absolute-path check each leave a partial mark; both
  together clear path sinks (`os.path.join(base, "/etc/passwd")` is
  "/etc/passwd": a `..` check alone does not keep a joined path inside `base`);
* a check of a URL's host (`urlsplit(u).netloc` empty or allow-listed) clears
  redirects and outgoing requests; a check of its scheme alone clears nothing
  (`https://evil.example/` has an allowed scheme);
* rejecting a quote (`if "'" in name: abort(400)`) keeps the value inside an XPath
  string literal, and rejecting a leading dash (`if v.startswith("-"): abort(400)`) keeps
  it from being read as a program's option;
* a validator call from the specs (`url_has_allowed_host_and_scheme(u, ...)`)
  clears the sinks it names. A sanitiser is not a validator: `if quote(x):`
  says nothing about `x`, and neither do `os.path.exists(x)` or `x.startswith("a")`.

`guard` answers `(true-branch cuts, false-branch cuts)`, each a map from an
environment key (`name`, `obj.attr`) to the sink classes (or partial marks,
see `secreview.analysis.neutralisers`) it clears.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from secreview.analysis import flags, numbers
from secreview.analysis.neutralisers import ABSOLUTE, CR, DOTDOT, LF, LINE_BREAK_SINKS
from secreview.analysis.specs import ALL, UNTRUSTED_SINK_KINDS
from secreview.analysis.values import fixed_origin

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

Clean = dict  # environment key -> frozenset of sink classes (or partial marks) it clears
_NONE: tuple[Clean, Clean] = ({}, {})
_ALL = frozenset({ALL})
_URL_KINDS = frozenset({"ssrf", "redirect"})
_HOST_PARTS = frozenset({"netloc", "hostname", "host"})
_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse", "urlparse.urlsplit"})
_PATH = frozenset({"path"})
_ARGUMENT = frozenset({"argument"})
_REGEX_METHODS = frozenset({"fullmatch", "match"})
# A value without this quote cannot end a string literal delimited by it. XPath 1.0 literals have no
# escapes, so code spells them with one kind of quote ('...' by far the most often): a value that
# holds no "'" stays inside `//user[name='{value}']`. (SQL is not listed: a trailing backslash
# escapes the closing quote in MySQL.)
_QUOTE_CHECKS = {"'": frozenset({"xpath"})}
# `if "\r" in value or "\n" in value: raise ...`: each check leaves half of the line-break mark
# (neutralisers.complete joins them), as removing each with replace() does.
_LINE_BREAKS = {"\n": frozenset({LF}), "\r": frozenset({CR}), b"\n": frozenset({LF}), b"\r": frozenset({CR})}
# Strings that hold a sink's metacharacters: a pattern that matches none of them (as a whole value)
# keeps them out. Each string is also tried with letters around it, as values are seldom only that.
REGEX_PROBES: dict[str, tuple[str, ...]] = {
    "command": (";", "|", "&", "$(", "`", "\n", "<", ">", "'", '"', "\\", "*", "?"),
    "sql": ("'", '"', ";", "-- ", "\\", " ", "/*"),
    "code": ("(", ")", ".", "'", '"', " ", "_", "\n", ";", "["),
    "template": ("{", "}", "%", "<", "$", "#"),
    "xss": ("<", ">", '"', "'", "&", "`", ":", "("),
    "markup": ("<", ">", '"', "'", "&", "`", ":", "("),
    "path": ("..", "/", "\\", "\x00", ":"),
    "ssrf": ("/", "@", ":", "\\", "#", "%"),
    "redirect": ("/", "\\", ":", "@", "%", "\t"),
    "ldap": ("*", "(", ")", "\\", "\x00", "|", "&", "="),
    "xpath": ("'", '"', "[", "]", "/", "(", "|", "="),
    "header": ("\r", "\n"),
    "crlf": ("\r", "\n"),
    "log": ("\r", "\n"),
    "regex": (".", "*", "+", "?", "(", "[", "{", "|", "\\", "^", "$"),
    "deserialization": ("\x80", "c", "(", "\n", "."),
    "xxe": ("<", "!", "&", "%"),
    "argument": ("-",),
}
# Kinds harmed only by a value that starts with the probe (an option): their probes get no text before.
_LEADING_ONLY = frozenset({"argument"})


def guard(fn: FunctionPass, test: ast.expr) -> tuple[Clean, Clean]:
    """What `test` proves in its true branch and in its false branch."""
    kind = type(test)
    if kind is ast.UnaryOp and isinstance(test.op, ast.Not):  # type: ignore[attr-defined]
        body, orelse = guard(fn, test.operand)  # type: ignore[attr-defined]
        return orelse, body
    if kind is ast.BoolOp:
        return _bool_op(fn, test)  # type: ignore[arg-type]
    if kind is ast.Name:
        held = flags.recalled(fn, test.id)  # type: ignore[attr-defined]
        if held is not None:  # `ok = url_has_allowed_host_and_scheme(u, ...)` ... `u if ok else "/"`
            return held
        key = fn.key(test)  # `if name:` ... else: an empty string or None, which carries no text
        return ({key: numbers.DIVISOR}, {key: _ALL}) if key is not None else _NONE  # (a true number is not 0)
    if kind is ast.Attribute:
        if test.attr in _HOST_PARTS:  # type: ignore[attr-defined]
            key = url_key(fn, test)  # type: ignore[arg-type]
            if key is not None:  # `if parts.netloc:` ... else: a URL without a host, on this site
                return {}, {key: frozenset({"redirect"})}
        return _NONE
    if kind is ast.Compare:
        number = numbers.compare_guard(fn, test)  # type: ignore[arg-type]  # `n <= 0`, `n > LIMIT`
        if len(test.ops) != 1:  # type: ignore[attr-defined]
            return number
        return _with(_compare(fn, test), number) if number[0] or number[1] else _compare(fn, test)  # type: ignore[arg-type]
    if kind is ast.Call:
        finite = numbers.finite_guard(fn, test)  # type: ignore[arg-type]  # `math.isfinite(x)`
        return finite if finite[0] or finite[1] else _call(fn, test)  # type: ignore[arg-type]
    return _NONE


def _bool_op(fn: FunctionPass, test: ast.BoolOp) -> tuple[Clean, Clean]:
    """`a and b`: both hold in the true branch, and in the false branch one of them failed (what
    every failing one proves); `a or b` the other way round.

    `(next_url or accepts_html) and not url_has_allowed_host_and_scheme(next_url, ...)` is false
    when `next_url` is empty or passed the check: either way it is safe for a redirect.
    """
    is_and = isinstance(test.op, ast.And)
    found: Clean = {}
    some: Clean | None = None  # what holds whichever operand decided the other branch
    for value in test.values:
        then, other = guard(fn, value)
        for key, cuts in (then if is_and else other).items():
            found[key] = found.get(key, frozenset()) | cuts
        decided = other if is_and else then
        some = dict(decided) if some is None else {key: _meet(cuts, decided[key]) for key, cuts in some.items()
                                                    if key in decided}
    either = {key: cuts for key, cuts in (some or {}).items() if cuts}
    return (found, either) if is_and else (either, found)


def _meet(a: frozenset, b: frozenset) -> frozenset:
    """What two proofs both clear (ALL clears everything the other one does)."""
    if ALL in a:
        return b
    if ALL in b:
        return a
    return a & b


def _branches(clean: Clean, holds_when_true: bool) -> tuple[Clean, Clean]:
    return (clean, {}) if holds_when_true else ({}, clean)


def _compare(fn: FunctionPass, test: ast.Compare) -> tuple[Clean, Clean]:
    op = test.ops[0]
    left = test.left
    right = test.comparators[0]
    names = fn.mod.names
    membership = isinstance(op, (ast.In, ast.NotIn))
    equality = isinstance(op, (ast.Eq, ast.NotEq))
    positive = isinstance(op, (ast.In, ast.Eq))
    if membership and type(left) is ast.Constant and left.value == "..":  # `if ".." in name:`
        key = fn.key(right)
        return _NONE if key is None else _branches({key: frozenset({DOTDOT})}, not positive)
    if membership and type(left) is ast.Constant and left.value in _LINE_BREAKS:  # `if "\n" in v: raise`
        key = fn.key(right)
        return _NONE if key is None else _branches({key: _LINE_BREAKS[left.value]}, not positive)
    if membership and type(left) is ast.Constant and left.value in _QUOTE_CHECKS:  # `if "'" in name: reject`
        key = fn.key(right)
        return _NONE if key is None else _branches({key: _QUOTE_CHECKS[left.value]}, not positive)
    if type(left) is ast.Attribute and left.attr in _HOST_PARTS:  # `urlsplit(u).netloc in ALLOWED_HOSTS`
        key = url_key(fn, left)
        if key is not None and (membership and allow_list(fn, right) or equality and names.is_constant(right)):
            return _branches({key: _URL_KINDS}, positive)
        return _NONE
    if type(left) is ast.Call and equality:  # `os.path.commonpath([base, resolved]) == base`
        key = _common_path(fn, left, fn.key(right))
        return _NONE if key is None else _branches({key: _PATH}, positive)
    if type(left) is ast.Subscript and equality and _absolute_prefix(right) and type(left.slice) is ast.Constant \
            and left.slice.value == 0:  # `if p[0] == "/": reject`
        key = fn.key(left.value)
        return _NONE if key is None else _branches({key: frozenset({ABSOLUTE})}, not positive)
    key = fn.key(left)
    if key is None:
        return _NONE
    if membership and allow_list(fn, right) or equality and names.is_constant(right):
        return _branches({key: _ALL}, positive)
    return _NONE


def _with(proved: tuple[Clean, Clean], more: tuple[Clean, Clean]) -> tuple[Clean, Clean]:
    """Two proofs of one test together, per branch."""
    return tuple({**first, **{key: first.get(key, frozenset()) | cuts for key, cuts in second.items()}}  # type: ignore[return-value]
                 for first, second in zip(proved, more))


def _call(fn: FunctionPass, test: ast.Call) -> tuple[Clean, Clean]:
    mod = fn.mod
    guards = mod.specs.guards
    func = test.func
    if type(func) is ast.Attribute:
        method = func.attr
        key = fn.key(func.value)
        if key is not None:
            if method in guards.path_checks and key in fn.resolved:  # `resolved.is_relative_to(base)`
                # (`resolved.startswith(base)` without a trailing separator lets a sibling directory through:
                # rule path-containment-string-check reports that check itself, once, with the reason.)
                return {key: _PATH}, {}
            if method in guards.content_checks:  # `x.isdigit()`
                return {key: _ALL}, {}
            if method == "startswith" and test.args and _absolute_prefix(test.args[0]):
                return {}, {key: frozenset({ABSOLUTE})}  # `if p.startswith("/"): reject`
            if method == "startswith" and test.args and _literal(test.args[0]) == "-":
                return {}, {key: _ARGUMENT}  # `if value.startswith("-"): reject`
            if method == "startswith" and test.args and fixed_origin(test.args[0]):
                return {key: _URL_KINDS}, {}
        if method in _REGEX_METHODS and test.args:  # `NAME_RE.fullmatch(x)`
            checked = fn.key(test.args[0])
            pattern = _compiled_pattern(fn, func.value)
            if checked is not None and pattern is not None:
                return _regex_guard(checked, pattern, method == "fullmatch")
        if method == "search" and test.args:  # `if BAD_CHARS.search(x): raise`
            checked = fn.key(test.args[0])
            pattern = _compiled_pattern(fn, func.value)
            if checked is not None and pattern is not None:
                return _search_guard(checked, pattern)
    qual = fn.resolve(func)
    if qual is None:
        return _NONE
    cuts = mod.specs.validator_calls.get(qual)
    if cuts is not None:  # `if not url_has_allowed_host_and_scheme(target, ...):`
        value = _checked_argument(test, mod.specs.validator_keywords.get(qual))
        checked = fn.key(value) if value is not None else None
        return ({checked: cuts}, {}) if checked is not None else _NONE
    if qual in ("os.path.isabs", "posixpath.isabs", "ntpath.isabs") and test.args:
        checked = fn.key(test.args[0])
        return ({}, {checked: frozenset({ABSOLUTE})}) if checked is not None else _NONE
    if qual in ("re.search", "regex.search") and len(test.args) > 1:  # `if re.search(r"[\r\n]", x): raise`
        checked = fn.key(test.args[1])
        pattern = _literal(test.args[0])
        if checked is not None and pattern is not None:
            return _search_guard(checked, pattern)
    if qual in mod.specs.guards.content_check_calls and len(test.args) > 1:  # `re.fullmatch(r"[a-z]+", x)`
        checked = fn.key(test.args[1])
        pattern = _literal(test.args[0])
        if checked is not None and pattern is not None:
            return _regex_guard(checked, pattern, qual.endswith("fullmatch"))
    return _NONE


def _search_guard(key: str, pattern: str) -> tuple[Clean, Clean]:
    """`if BAD.search(x): reject`: where nothing was found, `x` holds none of what the pattern finds."""
    cuts = search_cuts(pattern)
    return ({}, {key: cuts}) if cuts else _NONE


@lru_cache(maxsize=512)
def search_cuts(pattern: str) -> frozenset[str]:
    """The sink classes every metacharacter of which `pattern` finds (searching, not matching whole)."""
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return frozenset()
    cuts = frozenset(kind for kind, probes in REGEX_PROBES.items() if kind not in _LEADING_ONLY
                     and all(compiled.search(probe) for probe in probes))
    return _ALL if len(cuts) == len(UNTRUSTED_SINK_KINDS) else cuts


def _checked_argument(call: ast.Call, keyword: str | None) -> ast.expr | None:
    """The value a validator checks: its first positional argument, or the spec's keyword (`url=`)."""
    if call.args:
        return call.args[0] if type(call.args[0]) is not ast.Starred else None
    for kw in call.keywords:
        if kw.arg is not None and kw.arg == keyword:
            return kw.value
    return None


def _regex_guard(key: str, pattern: str, whole: bool) -> tuple[Clean, Clean]:
    """A value that matched `pattern` (the whole of it, or from the start when not `whole`)."""
    if not whole and not pattern.endswith(("$", "\\Z")):
        return _NONE  # `re.match(r"[a-z]+", x)` checks only how the value starts
    cuts = regex_cuts(pattern, whole)
    return ({key: cuts}, {}) if cuts else _NONE


@lru_cache(maxsize=512)
def regex_cuts(pattern: str, whole: bool = True) -> frozenset[str]:
    """The sink classes whose metacharacters no value matching `pattern` can hold.

    `$` also matches before a final newline (`re.match(r"[a-z]+$", "ls\\n")` succeeds), so a
    `match` anchored with `$` lets one trailing newline through: log and header sinks stay.
    """
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return frozenset()
    cuts = set()
    for kind, probes in REGEX_PROBES.items():
        if kind in _LEADING_ONLY:
            texts = [text for probe in probes for text in (probe, f"{probe}a", f"{probe}1", f"{probe}{probe}a")]
        else:
            texts = [text for probe in probes for text in (probe, f"a{probe}", f"{probe}a", f"a{probe}a", f"1{probe}1")]
        if not any(compiled.fullmatch(text) for text in texts):
            cuts.add(kind)
    if not whole and not pattern.endswith("\\Z"):
        cuts -= LINE_BREAK_SINKS
    return _ALL if len(cuts) == len(UNTRUSTED_SINK_KINDS) else frozenset(cuts)


def _compiled_pattern(fn: FunctionPass, node: ast.expr) -> str | None:
    """The pattern of a name bound to `re.compile("...")` (at module level or in the function)."""
    if type(node) is not ast.Name:
        return None
    binding = fn.binding(node.id)  # type: ignore[attr-defined]
    expr = binding.expr if binding is not None else None
    if type(expr) is ast.Call and expr.args and binding.qualname in ("re.compile", "regex.compile"):  # type: ignore[union-attr]
        pattern = expr.args[0]  # type: ignore[union-attr]
        if type(pattern) is ast.Constant and isinstance(pattern.value, bytes):  # type: ignore[attr-defined]
            return pattern.value.decode("latin-1")  # type: ignore[attr-defined]  # b"[\x00-\x1F]": the same bytes
        return _literal(pattern)
    return None


def _literal(node: ast.expr) -> str | None:
    return node.value if type(node) is ast.Constant and isinstance(node.value, str) else None  # type: ignore[attr-defined]


def _absolute_prefix(node: ast.expr) -> bool:
    """`"/"`, or a tuple of such prefixes (`("/", "\\\\")`)."""
    if type(node) is ast.Tuple:
        return any(_absolute_prefix(e) for e in node.elts)  # type: ignore[attr-defined]
    return _literal(node) in ("/", "\\")


def _common_path(fn: FunctionPass, call: ast.Call, base: str | None) -> str | None:
    """`os.path.commonpath([base, resolved]) == base`: the resolved name it checks (None: not that).

    `base` (the compared side) is resolved too when the code canonicalised the directory first
    (`dest = os.path.realpath(dest)`): the checked name is the other element.
    """
    if fn.resolve(call.func) not in ("os.path.commonpath", "posixpath.commonpath", "ntpath.commonpath"):
        return None
    if len(call.args) != 1 or type(call.args[0]) not in (ast.List, ast.Tuple):
        return None
    for element in call.args[0].elts:  # type: ignore[attr-defined]
        key = fn.key(element)
        if key is not None and key != base and key in fn.resolved:
            return key
    return None


def url_key(fn: FunctionPass, node: ast.Attribute) -> str | None:
    """The name whose URL `node` is a part of: `parts.netloc`, `urlparse(target).netloc`."""
    base = node.value
    if type(base) is ast.Call and base.args and fn.resolve(base.func) in _URL_PARSERS:  # type: ignore[attr-defined]
        return fn.key(base.args[0])  # type: ignore[attr-defined]
    return fn.key(base)


def allow_list(fn: FunctionPass, node: ast.expr) -> bool:
    """A fixed collection: a literal, a constant, or an UPPER_CASE name or attribute."""
    names = fn.mod.names
    kind = type(node)
    if kind in (ast.Set, ast.Tuple, ast.List, ast.Dict):
        return kind is ast.Dict or names.is_constant(node)
    if kind is ast.Name:
        return node.id.isupper() or names.is_constant(node)  # type: ignore[attr-defined]
    if kind is ast.Attribute:
        return node.attr.isupper()  # type: ignore[attr-defined]
    if kind is ast.Call and type(node.func) is ast.Attribute and node.func.attr == "keys":  # type: ignore[attr-defined]
        return allow_list(fn, node.func.value)  # type: ignore[attr-defined]
    return False
