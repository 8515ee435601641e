"""CWE-22: path containment checks that compare strings, not path components.

A containment check shows that its author expected a name from outside (an
archive member, a parameter of a library function, a request): the check itself
is the defect when it can be passed. These rules report the check, with a value
that passes it, wherever the data came from; the taint rule
(`taint-path-traversal`) does not count such a check as a guard
(`secreview.analysis.guards` asks `secreview.analysis.containment` too).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from secreview.analysis import containment
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import in_test_code, walk_body

_ABSOLUTE_TESTS = frozenset({"os.path.isabs", "posixpath.isabs", "ntpath.isabs"})
_CONTAINMENT_CALLS = frozenset({"os.path.commonpath", "posixpath.commonpath", "ntpath.commonpath"})
_CONTAINMENT_METHODS = frozenset({"is_relative_to", "relative_to"})
_SUBSTITUTIONS = frozenset({"re.sub", "regex.sub"})
# Texts a single removal of `../` turns into `../` again: each strips to a traversal.
_PROBES = ("....//", "..././", "....\\\\", "...\\.\\")
_ONCE = "removing it once leaves '....//' as '../'"
_ABSOLUTE = ("the `..` check on line {line} lets an absolute name through: os.path.join(base, '/etc/passwd') "
             "is '/etc/passwd'")


@dataclass
class _Checks:
    """What one function tests about its names, in the order the tests appear."""

    dotdot: dict[str, int] = field(default_factory=dict)  # name -> line of its first `..` test
    absolute: set[str] = field(default_factory=set)  # names tested for an absolute path (or stripped of "/")
    contained: bool = False  # the function checks a resolved path's containment (commonpath, is_relative_to)


def _checks(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> _Checks:
    """The path tests of `function` (computed once per function, kept on its node)."""
    found: _Checks | None = getattr(function, "_secreview_path_checks", None)
    if found is not None:
        return found
    found = _Checks()
    for node in walk_body(function):
        kind = type(node)
        if kind is ast.Compare and type(node.left) is ast.Constant and node.left.value == ".." \
                and type(node.ops[0]) in (ast.In, ast.NotIn):  # type: ignore[attr-defined]
            name = _tested_name(node.comparators[0])  # type: ignore[attr-defined]
            if name is not None:
                found.dotdot.setdefault(name, node.lineno)  # type: ignore[attr-defined]
        elif kind is ast.Compare and type(node.left) is ast.Subscript:  # `name[0] == "/"`
            name = _tested_name(node.left.value)  # type: ignore[attr-defined]
            if name is not None:
                found.absolute.add(name)
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            qual = ctx.qualname(func)
            if qual in _CONTAINMENT_CALLS or type(func) is ast.Attribute and func.attr in _CONTAINMENT_METHODS:
                found.contained = True
            elif qual in _ABSOLUTE_TESTS and node.args:  # type: ignore[attr-defined]
                name = _tested_name(node.args[0])  # type: ignore[attr-defined]
                if name is not None:
                    found.absolute.add(name)
            elif type(func) is ast.Attribute and func.attr in ("startswith", "lstrip", "strip") and node.args:  # type: ignore[attr-defined]
                _prefix_test(ctx, func, node.args[0], found)  # type: ignore[attr-defined]
    function._secreview_path_checks = found  # type: ignore[union-attr]
    return found


def _prefix_test(ctx: Context, func: ast.Attribute, argument: ast.expr, found: _Checks) -> None:
    """`name.startswith("/")` or `name.lstrip("/")` deals with absolute names;
    `real.startswith(base + os.sep)` is a containment check."""
    name = _tested_name(func.value)
    if func.attr == "startswith":
        if name is not None and _absolute_prefix(argument):
            found.absolute.add(name)
        elif containment.separator_terminated(argument, ctx.qualname, lambda _: None):
            found.contained = True
    elif name is not None and "/" in str(ctx.constant_value(argument)):
        found.absolute.add(name)


_STRING_METHODS = frozenset({"split", "rsplit", "lower", "strip", "lstrip", "rstrip", "replace", "encode", "decode",
                             "casefold", "splitlines", "partition"})


def _tested_name(node: ast.expr) -> str | None:
    """The name a test is about: `name`, `name.split("/")`, `os.path.normpath(name)`, `str(name)`."""
    for _ in range(4):
        if type(node) is ast.Name:
            return node.id  # type: ignore[attr-defined]
        if type(node) is not ast.Call:
            return None
        func = node.func  # type: ignore[attr-defined]
        if type(func) is ast.Attribute and func.attr in _STRING_METHODS:
            node = func.value
        elif node.args:  # type: ignore[attr-defined]
            node = node.args[0]  # type: ignore[attr-defined]
        else:
            return None
    return None


def _absolute_prefix(node: ast.expr) -> bool:
    if type(node) is ast.Tuple:
        return any(_absolute_prefix(e) for e in node.elts)  # type: ignore[attr-defined]
    return type(node) is ast.Constant and node.value in ("/", "\\", b"/", b"\\")  # type: ignore[attr-defined]


def _value_of(ctx: Context, line: int) -> containment.ValueOf:
    """What names meant before `line` in this function (or at module level, or as `self.x` in a method)."""
    return containment.assignments_before(ctx.function, line, ctx.tree)


@rule(
    id="path-containment-string-check",
    tests=False,
    name="Path containment checked on strings",
    cwe="22",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=tuple(containment.COMMON_PREFIX),
    methods=("startswith", *containment.LEXICAL_CHECKS),
    fix="Resolve both paths, then compare components: real = os.path.realpath(os.path.join(base, name)); "
    "os.path.commonpath([base, real]) == base (or Path(real).is_relative_to(base), or "
    "real.startswith(base + os.sep)).",
)
def containment_string_check(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds containment checks of a path that compare text instead of path
    components: `os.path.commonprefix([...])` compared with the base,
    `real.startswith(base)` where `base` has no trailing separator, and
    `startswith`, `relative_to` or `is_relative_to` on a joined path that
    was not normalised first (pathlib compares the parts as written, `..`
    included).

    ## Why is this bad
    `commonprefix` compares characters: `commonprefix(["/srv/app",
    "/srv/app2/x"])` is `"/srv/app"`, and `"/srv/app2/x".startswith("/srv/app")`
    holds, so a sibling directory whose name starts with the base's passes
    (an archive member `../app2/x`, a file name from a caller). A check made
    before `os.path.realpath`/`abspath` compares text that still holds `..`:
    `"/srv/app/../../etc/passwd"` starts with `"/srv/app/"` (CWE-22).

    ## Example
    ```python
    target = os.path.realpath(os.path.join(base, name))
    if not target.startswith(base):
        raise ValueError(name)
    ```

    ## Use instead
    ```python
    target = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([base, target]) != base:
        raise ValueError(name)
    ```
    """
    if in_test_code(ctx):
        return
    func = node.func
    if type(func) is ast.Attribute and func.attr in containment.LEXICAL_CHECKS:
        if len(node.args) != 1 or func.attr == "is_relative_to" and not _gate(ctx):
            return  # (relative_to raises: it always refuses)
        value_of = _value_of(ctx, node.lineno)
        if containment.lexical_weakness(func.value, ctx.qualname, value_of) \
                and _mentions_base(func.value, node.args[0], value_of):
            ctx.report(node, f"The containment check `{short_text(node)}` is {containment.UNNORMALISED}.",
                       severity=Severity.HIGH)
        return
    if type(func) is ast.Attribute and func.attr == "startswith":
        if len(node.args) != 1:
            return
        value_of = _value_of(ctx, node.lineno)
        why = containment.startswith_weakness(func.value, node.args[0], ctx.qualname, value_of)
        if why == containment.UNNORMALISED and not _mentions_base(func.value, node.args[0], value_of):
            return  # `url.startswith("https://")`: not a check of a path against its base
        if why == containment.SIBLING and ctx.is_constant(node.args[0]):
            return  # `real.startswith("/dev")`: a deny-list of a system tree, not a base directory
        if not _gate(ctx):
            return  # `if p.startswith(d): locale_dir = d; break`: choosing among directories, not refusing
        if why == containment.SIBLING and _separator_after(ctx, func.value):
            return  # `not p.startswith(d) or p[len(d)] != os.sep`: the next character is checked too
        if why:
            severity = Severity.HIGH if why == containment.UNNORMALISED else Severity.MEDIUM
            ctx.report(node, f"The containment check `{short_text(node)}` is {why}.", severity=severity)
        return
    if ctx.call_name(node) in containment.COMMON_PREFIX and _compared(ctx, node):
        ctx.report(node, f"`{short_text(node)}` is a containment check: {containment.PREFIX}.",
                   confidence=Confidence.HIGH)


def _gate(ctx: Context) -> bool:
    """The check refuses something: it is returned or asserted (a predicate such as `is_within(base, p)`),
    or it is the test of an `if` with a branch that raises, returns, continues or aborts."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.Return, ast.Assert)):
            return True
        if isinstance(ancestor, (ast.If, ast.While)):
            return any(_refuses(stmt) for stmt in (*ancestor.body, *ancestor.orelse))
        if isinstance(ancestor, ast.stmt):
            return False
    return False


_TERMINATORS = frozenset({"abort", "exit", "_exit", "fail", "error"})


def _separator_after(ctx: Context, subject: ast.expr) -> bool:
    """The same test compares a character of `subject` with a separator (distlib's `p[plen] != os.sep`)."""
    wanted = ast.dump(subject)
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, ast.stmt):
            return False
        if isinstance(ancestor, ast.BoolOp):
            return any(type(n) is ast.Compare and type(n.left) is ast.Subscript and ast.dump(n.left.value) == wanted
                       and any(containment.is_separator(c, ctx.qualname) for c in n.comparators)
                       for n in ast.walk(ancestor))
    return False


def _refuses(stmt: ast.stmt) -> bool:
    """`raise`, `continue`, `abort(403)`, or a `return` of nothing or a constant (`return None`, `return
    False`); `return path` after a match is choosing, not refusing."""
    if isinstance(stmt, (ast.Raise, ast.Continue)):
        return True
    if isinstance(stmt, ast.Return):
        return stmt.value is None or isinstance(stmt.value, ast.Constant)
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _name(stmt.value.func) in _TERMINATORS


def _name(node: ast.expr) -> str:
    return node.attr if type(node) is ast.Attribute else node.id if type(node) is ast.Name else ""  # type: ignore[attr-defined]


def _mentions_base(subject: ast.expr, base: ast.expr, value_of: containment.ValueOf) -> bool:
    """The checked path was built from the base it is compared with (`os.path.join(base, name)`)."""
    while type(base) is ast.BinOp:  # `base + os.sep`: the base itself
        base = base.left  # type: ignore[attr-defined]
    wanted = ast.dump(base)
    built = value_of(subject) if type(subject) is ast.Name else subject
    if built is None:
        return False
    return any(ast.dump(part) == wanted for part in ast.walk(built))


def _compared(ctx: Context, call: ast.Call) -> bool:
    """The result of `commonprefix(...)` is compared (directly, or through the name it is bound to)."""
    parent = ctx.parent
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and type(parent.targets[0]) is ast.Name:
        name = parent.targets[0].id
        function = ctx.function
        scope = walk_body(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else ()
        return any(type(n) is ast.Compare and any(type(side) is ast.Name and side.id == name
                                                  for side in (n.left, *n.comparators)) for n in scope)  # type: ignore[attr-defined]
    return False


def short_text(node: ast.AST, limit: int = 80) -> str:
    """`node` as one line of source, cut to `limit` characters."""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


@rule(
    id="path-traversal-strip-once",
    tests=False,
    name="`../` removed from a path once",
    cwe="22",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    methods=("replace",),
    calls=tuple(_SUBSTITUTIONS),
    fix="Do not repair names: reduce the name to one component (os.path.basename), or resolve the joined path "
    "and check it stays under the base (os.path.commonpath / Path.is_relative_to).",
)
def strip_once(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `name.replace("../", "")` and `re.sub(r"\\.\\./", "", name)` that
    remove a traversal sequence in a single pass.

    ## Why is this bad
    The removal is not repeated on what it leaves: `"....//"` becomes `"../"`
    and `"..././"` becomes `"../"`, so the name still climbs out of the
    directory it is joined to (CWE-22).

    ## Example
    ```python
    name = name.replace("../", "")
    open(os.path.join(base, name), "wb")
    ```

    ## Use instead
    ```python
    name = os.path.basename(name)
    open(os.path.join(base, name), "wb")
    ```
    """
    if in_test_code(ctx):
        return
    func = node.func
    if type(func) is ast.Attribute and func.attr == "replace":
        if len(node.args) != 2 or node.keywords:
            return
        old, new = ctx.constant_value(node.args[0]), ctx.constant_value(node.args[1])
        if not isinstance(old, str) or not isinstance(new, str) or ".." not in old:
            return
        rewrite = (lambda text: text.replace(old, new))
    elif ctx.call_name(node) in _SUBSTITUTIONS and len(node.args) >= 3 and not node.keywords:
        pattern, new = ctx.constant_value(node.args[0]), ctx.constant_value(node.args[1])
        if not isinstance(pattern, str) or not isinstance(new, str) or ".." not in pattern.replace("\\", ""):
            return
        try:
            compiled = re.compile(pattern)
        except (re.error, RecursionError, OverflowError):
            return
        rewrite = (lambda text: compiled.sub(new, text))
    else:
        return
    if _in_repeat_loop(ctx):
        return  # `while "../" in name: name = name.replace("../", "")`: repeated until none is left
    left = [probe for probe in _PROBES if _climbs(rewrite(probe))]
    if left:
        ctx.report(node, f"`{short_text(node)}` removes the sequence once: {_ONCE} ({left[0]!r} becomes "
                   f"{rewrite(left[0])!r}).")


def _climbs(text: str) -> bool:
    return "../" in text or "..\\" in text or text in ("..", "../")


def _in_repeat_loop(ctx: Context) -> bool:
    return any(isinstance(a, ast.While) and any(type(n) is ast.Constant and isinstance(n.value, str)
                                                 and ".." in n.value for n in ast.walk(a.test))
               for a in ctx.ancestors)


@rule(
    id="path-join-unchecked-part",
    tests=False,
    name="Path joined after a partial check",
    cwe="22",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=tuple(containment.JOINS),
    fix="Check the result, not the parts: real = os.path.realpath(os.path.join(base, name)); then "
    "os.path.commonpath([base, real]) == base; or reject absolute names as well as `..`.",
)
def join_unchecked_part(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `os.path.join(base, name)` where the function checked `name` for
    `..` but not for an absolute path, or checked `name` and joins its
    URL-decoded form (`unquote(name)`), and never checks the joined result.

    ## Why is this bad
    `os.path.join(base, "/etc/passwd")` is `"/etc/passwd"`: a `..` test alone
    does not keep the joined path under `base`. A test made before decoding
    sees `..%2f`, not `../`; `unquote()` makes it a traversal after the test
    passed (CWE-22).

    ## Example
    ```python
    if ".." in name:
        raise ValueError(name)
    return open(os.path.join(base, name), "rb")
    ```

    ## Use instead
    ```python
    if ".." in name or os.path.isabs(name):
        raise ValueError(name)
    return open(os.path.join(base, name), "rb")
    ```
    """
    function = ctx.function
    if in_test_code(ctx) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or len(node.args) < 2:
        return
    checks = _checks(ctx, function)
    if checks.contained or not checks.dotdot:
        return
    for part in node.args[1:]:
        name = part.id if type(part) is ast.Name else None
        line = checks.dotdot.get(name or "", 0)
        if line and line < node.lineno and name not in checks.absolute:
            ctx.report(node, _ABSOLUTE.format(line=line) + ".")
            return
