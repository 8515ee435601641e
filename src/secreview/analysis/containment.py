"""Is a path containment check a comparison of components, or only of strings?

`real.startswith(base)` is the containment check people write most, and it is
right only when `base` ends with a separator: `"/srv/app2/x".startswith("/srv/app")`
holds, so a sibling directory whose name begins with the base's passes.
`os.path.commonprefix` has the same flaw by design (it compares characters:
`commonprefix(["/srv/app", "/srv/app2/x"])` is `"/srv/app"`). A check made before
the path is normalised compares text that still holds `..`:
`"/srv/app/../../etc/passwd".startswith("/srv/app/")` holds.

The pattern rule `path-containment-string-check`
(`secreview.rules.resources_containment`) asks these questions to report the
weak check itself, with the reason. The predicates take a way to look a name up
(`value_of`), so they work in any walk over a tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

ValueOf = Callable[[ast.expr], "ast.expr | None"]  # the expression last assigned to a name (None: unknown)
Resolve = Callable[[ast.expr], "str | None"]  # the qualified name of an expression
_SEPARATORS = frozenset({"os.sep", "os.path.sep", "posixpath.sep", "ntpath.sep", "os.altsep"})
_SEPARATOR_TEXT = ("/", "\\")
NORMALISERS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath", "posixpath.realpath",
                         "posixpath.abspath", "posixpath.normpath", "ntpath.realpath", "ntpath.abspath",
                         "ntpath.normpath", "os.readlink"})
NORMALISING_METHODS = frozenset({"resolve", "absolute", "realpath", "abspath", "normpath"})
JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})
# pathlib's containment tests compare components, but lexically: `Path("/a/../etc").relative_to("/a")` holds.
LEXICAL_CHECKS = frozenset({"relative_to", "is_relative_to"})
COMMON_PREFIX = frozenset({"os.path.commonprefix", "posixpath.commonprefix", "ntpath.commonprefix"})
_DEPTH = 4
SIBLING = "compared as strings: '/srv/app2/x' passes a check against '/srv/app' (the base has no trailing separator)"
UNNORMALISED = ("made before normalisation: '/srv/app/../../etc/passwd' starts with '/srv/app/' (and "
                "Path('/srv/app/../../etc/passwd').relative_to('/srv/app') succeeds); resolve "
                "(os.path.realpath, Path.resolve) first, then compare")
PREFIX = ("os.path.commonprefix() compares characters, not path components: commonprefix(['/srv/app', "
          "'/srv/app2/x']) is '/srv/app', so a sibling directory passes")


def _text(node: ast.expr) -> str | None:
    if type(node) is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if isinstance(value, bytes):
            return value.decode("latin-1")
        if isinstance(value, str):
            return value
    return None


def is_separator(node: ast.expr, resolve: Resolve) -> bool:
    """`os.sep`, `"/"`, `b"/"`, or a conversion of one (`to_bytes(os.path.sep)`, `os.sep.encode()`)."""
    text = _text(node)
    if text is not None:
        return text in _SEPARATOR_TEXT
    if type(node) is ast.Attribute:
        return resolve(node) in _SEPARATORS
    if type(node) is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        if type(func) is ast.Attribute and func.attr == "encode":  # type: ignore[attr-defined]
            return is_separator(func.value, resolve)  # type: ignore[attr-defined]
        return bool(node.args) and is_separator(node.args[0], resolve)  # type: ignore[attr-defined]
    return False


def separator_terminated(node: ast.expr, resolve: Resolve, value_of: ValueOf, depth: int = _DEPTH) -> bool:
    """`node` is a directory spelled with a trailing separator: `base + os.sep`, `"/srv/app/"`,
    `os.path.join(base, "")`, `f"{base}/"`, or a name bound to one of these (a tuple: every element)."""
    if depth <= 0:
        return False
    kind = type(node)
    text = _text(node)
    if text is not None:
        return text.endswith(_SEPARATOR_TEXT)
    if kind is ast.BinOp and isinstance(node.op, ast.Add):  # type: ignore[attr-defined]
        return is_separator(node.right, resolve) or separator_terminated(node.right, resolve, value_of, depth - 1)  # type: ignore[attr-defined]
    if kind is ast.JoinedStr and node.values:  # type: ignore[attr-defined]
        last = node.values[-1]  # type: ignore[attr-defined]
        if type(last) is ast.FormattedValue:
            return is_separator(last.value, resolve)  # type: ignore[attr-defined]
        return separator_terminated(last, resolve, value_of, depth - 1)
    if kind is ast.Call:
        if resolve(node.func) in JOINS and node.args:  # type: ignore[attr-defined]
            last = _text(node.args[-1])  # type: ignore[attr-defined]
            return last is not None and (last == "" or last.endswith(_SEPARATOR_TEXT))
        if resolve(node.func) in ("str", "bytes", "os.fsencode", "os.fsdecode") and node.args:  # type: ignore[attr-defined]
            return separator_terminated(node.args[0], resolve, value_of, depth - 1)  # type: ignore[attr-defined]
        return False
    if kind is ast.Tuple:
        return bool(node.elts) and all(separator_terminated(e, resolve, value_of, depth - 1) for e in node.elts)  # type: ignore[attr-defined]
    if kind is ast.Name or kind is ast.Attribute:
        value = value_of(node)
        return value is not None and value is not node and separator_terminated(value, resolve, value_of, depth - 1)
    return False


def normalised(node: ast.expr, resolve: Resolve, value_of: ValueOf, depth: int = _DEPTH) -> bool | None:
    """True: `node` is a canonical path (`realpath(...)`, `p.resolve()`, `str()` of one, a name bound to one);
    False: it is a path built without normalising (`os.path.join(...)`, `base + "/" + name`);
    None: cannot tell (a parameter, an attribute)."""
    if depth <= 0:
        return None
    kind = type(node)
    if kind is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        qual = resolve(func)
        if qual in NORMALISERS or type(func) is ast.Attribute and func.attr in NORMALISING_METHODS:  # type: ignore[attr-defined]
            return True
        if qual in JOINS or type(func) is ast.Attribute and func.attr == "joinpath":  # type: ignore[attr-defined]
            return False
        if qual in _PATH_CLASSES:  # `Path(os.path.join(base, name))`: as normal as its text
            return normalised(node.args[0], resolve, value_of, depth - 1) if node.args else None  # type: ignore[attr-defined]
        if qual in ("str", "bytes", "os.fsencode", "os.fsdecode") or (
                type(func) is ast.Name and func.id.startswith("to_")):  # type: ignore[attr-defined]
            return normalised(node.args[0], resolve, value_of, depth - 1) if node.args else None  # type: ignore[attr-defined]
        return None
    if kind is ast.BinOp and isinstance(node.op, (ast.Add, ast.Div)):  # type: ignore[attr-defined]
        return False  # `base + "/" + name`, `base / name`: text as written
    if kind is ast.JoinedStr:
        return False
    if kind is ast.Name:
        value = value_of(node)
        return None if value is None or value is node else normalised(value, resolve, value_of, depth - 1)
    return None


def path_like(node: ast.expr, resolve: Resolve, value_of: ValueOf) -> bool:
    """A value the code built or canonicalised as a path (so a `startswith` on it is a containment check)."""
    return normalised(node, resolve, value_of) is not None


def lexical_weakness(subject: ast.expr, resolve: Resolve, value_of: ValueOf) -> str:
    """Why `subject.relative_to(base)` / `is_relative_to(base)` does not contain `subject` ('' when it does):
    pathlib compares the parts as written, `..` included, so the path must be resolved first."""
    return UNNORMALISED if normalised(subject, resolve, value_of) is False else ""


def startswith_weakness(subject: ast.expr, base: ast.expr, resolve: Resolve, value_of: ValueOf) -> str:
    """Why `subject.startswith(base)` does not keep `subject` inside `base` ('' when it does, or when it is
    no containment check of a path that this can tell)."""
    if type(base) is ast.Tuple or _text(base) in _SEPARATOR_TEXT:
        return ""  # `p.startswith(("/", "\\"))`: an absolute-path test, not containment
    state = normalised(subject, resolve, value_of)
    if state is None:
        return ""
    if state is False:
        return UNNORMALISED
    constant = _text(base)
    if constant is not None and "/" not in constant and "\\" not in constant:
        return ""  # `p.startswith("http")`: not a directory
    if separator_terminated(base, resolve, value_of):
        return ""
    return SIBLING


def assignments_before(scope: ast.AST | None, line: int, module: ast.AST | None = None) -> ValueOf:
    """A `value_of` reading `scope`'s own assignments: the last one to a name (or `self.x`) before `line`.

    Walked only when a check asks (a containment test is rare), so the walks that call it need
    keep no table of assignments. `base += os.sep` counts as `base = base + os.sep`.
    """
    def value_of(node: ast.expr) -> ast.expr | None:
        wanted = _dotted(node)
        if wanted is None:
            return None
        found = _last_assignment(scope, wanted, node, line)
        if found is None and module is not None and module is not scope:
            # `BASE = ...` at module level; `self.root = ...` in any method (__init__)
            where = module if type(node) is ast.Attribute else ast.Module(body=[
                stmt for stmt in module.body if type(stmt) in (ast.Assign, ast.AnnAssign, ast.AugAssign)],  # type: ignore[attr-defined]
                type_ignores=[])
            found = _last_assignment(where, wanted, node, 1 << 30)
        return found

    return value_of


def _last_assignment(scope: ast.AST | None, wanted: str, node: ast.expr, line: int) -> ast.expr | None:
    if scope is None:
        return None
    found: tuple[int, ast.expr] | None = None
    for stmt in ast.walk(scope):
        kind = type(stmt)
        if kind is ast.Assign:
            targets = stmt.targets  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign or kind is ast.AugAssign:
            targets = [stmt.target]  # type: ignore[attr-defined]
        else:
            continue
        at = stmt.lineno  # type: ignore[attr-defined]
        if at >= line or stmt.value is None or (found is not None and found[0] > at):  # type: ignore[attr-defined]
            continue
        if any(_dotted(target) == wanted for target in targets):
            value = stmt.value  # type: ignore[attr-defined]
            if kind is ast.AugAssign:
                value = ast.BinOp(node, stmt.op, value)  # type: ignore[attr-defined]
            found = (at, value)
    return found[1] if found is not None else None


def _dotted(node: ast.expr) -> str | None:
    """`name` or `self.attr` as text (whether loaded or stored), None for anything else."""
    if type(node) is ast.Name:
        return node.id  # type: ignore[attr-defined]
    if type(node) is ast.Attribute and type(node.value) is ast.Name:  # type: ignore[attr-defined]
        return f"{node.value.id}.{node.attr}"  # type: ignore[attr-defined]
    return None
