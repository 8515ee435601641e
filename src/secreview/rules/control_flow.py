"""CWE-691 Insufficient Control Flow Management."""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, rule
from secreview.rules.heuristics import (
    body_statements,
    in_tests,
    name_of,
    same_expression,
    walk_body,
    walk_nodes,
)

AUTHZ = re.compile(
    r"is_authenticated|is_admin|is_superuser|is_staff|has_perm|has_permission|permission|authori[sz]|"
    r"is_owner|can_(edit|delete|view|access|write|read)|csrf|logged_in",
    re.IGNORECASE,
)
"""Words that name an access decision whatever they are asked of."""
SUBJECT_AUTHZ = re.compile(r"owner|\brole|allowed|is_active", re.IGNORECASE)
"""Words that name an access decision only when asked of a user: a transaction `is_active`, a
status code "allowed" to have a body, a collection method's `role` or a registry's owner reference
are internal invariants (SQLAlchemy, FastAPI), `user.is_active` and `doc.owner == request.user` are not."""
SUBJECT = re.compile(r"(?<![a-z])(user|principal|identity|account|member|actor|viewer|request|caller)s?(?![a-z])",
                     re.IGNORECASE)
"""The subjects of an access decision: who is asking."""


def access_decision(text: str) -> bool:
    """The condition text decides who may do something (see AUTHZ, SUBJECT_AUTHZ and SUBJECT)."""
    return AUTHZ.search(text) is not None or (SUBJECT_AUTHZ.search(text) is not None
                                               and SUBJECT.search(text) is not None)


def _shape_call(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("len", "isinstance", "type"))


def _decision_text(test: ast.expr) -> str:
    """The condition without `len(...)`, `isinstance(...)` and `type(...)`: asserting the length or
    type of a token is an internal invariant, not an access decision."""
    if _shape_call(test):
        return ""
    if isinstance(test, ast.Compare) and any(_shape_call(o) for o in (test.left, *test.comparators)):
        return ""  # compares a length or a type
    if isinstance(test, (ast.Name, ast.Attribute, ast.Constant)):
        return ast.unparse(test)
    return " ".join(_decision_text(child) for child in ast.iter_child_nodes(test) if isinstance(child, ast.expr))


_MENTIONS_FILE_CHECKS = ("access", "exists", "isfile", "isdir")
_MENTIONS_REDIRECT = ("edirect",)


@rule(
    id="assert-used-for-authorisation",
    tests=False,
    name="assert used to enforce authorisation",
    cwe="617",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Assert,),
    bandit=("B101",),
    fix="Use an explicit check that always runs: if not user.has_perm(...): raise PermissionDenied().",
)
def assert_used_for_authorisation(node: ast.Assert, ctx: Context) -> None:
    """
    ## What it does
    Finds `assert` statements outside tests whose condition checks a
    permission, role, ownership or authentication state.

    ## Why is this bad
    Python removes every `assert` when run with `-O` or `PYTHONOPTIMIZE`, so
    the check disappears in exactly the deployments that optimise (CWE-617).
    Other asserts (invariants, tests) are fine and are not reported.

    ## Example
    ```python
    assert request.user.is_staff, "staff only"
    ```

    ## Use instead
    ```python
    if not request.user.is_staff:
        raise PermissionDenied("staff only")
    ```
    """
    if in_tests(ctx):
        return
    text = ast.unparse(node.test)
    if not access_decision(_decision_text(node.test)):
        return
    ctx.report(node, f"`assert {text}` enforces an access check, but assertions are removed under "
               "python -O, so the check silently disappears.")


# -- check, then use: the file can change in between --------------------------------

_EXISTENCE_CHECKS = ("os.path.exists", "os.path.isfile", "os.path.lexists", "os.path.isdir")
_PATH_USES = frozenset({
    "open", "io.open", "os.open", "os.remove", "os.unlink", "os.rename", "os.replace", "os.chmod", "os.chown",
    "shutil.copy", "shutil.copyfile", "shutil.copy2", "shutil.move", "shutil.rmtree", "os.symlink", "os.link",
})
_WRITE_METHODS = frozenset({"write_text", "write_bytes", "touch", "symlink_to"})


def _checked_path(ctx: Context, test: ast.expr) -> tuple[str, ast.expr, bool] | None:
    """(check, path, negated) for `os.access(p, ...)`, `[not] os.path.exists(p)`, `[not] p.exists()`."""
    negated = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, True
    if not isinstance(test, ast.Call):
        return None
    name = ctx.call_name(test) or ""
    if name == "os.access" and len(test.args) == 2:
        # A permission question (R_OK/W_OK/X_OK), not just existence (F_OK).
        mode = ctx.qualname(test.args[1]) or ""
        if mode.endswith("F_OK"):
            return "os.path.exists", test.args[0], negated
        return "os.access", test.args[0], negated
    if name in _EXISTENCE_CHECKS and test.args:
        return name, test.args[0], negated
    if (isinstance(test.func, ast.Attribute) and test.func.attr == "exists" and not test.args
            and not name.startswith("os.")):
        return "exists()", test.func.value, negated
    return None


_SHARED_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/user")


def _shared_directory(ctx: Context, path: ast.expr) -> bool:
    """The path lies in a directory other users can write (where a planted symlink is possible)."""
    value = path
    if isinstance(path, ast.Name):
        value = ctx.assigned_value(path) or path
    text = ast.unparse(value)
    if "gettempdir" in text or "TMPDIR" in text or "tempfile" in text:
        return True
    return any(part.startswith(_SHARED_DIRS) for part in
               (ctx.constant_value(sub) for sub in ast.walk(value)) if isinstance(part, str))


def _write_mode(ctx: Context, call: ast.Call) -> bool:
    mode = ctx.constant_value(argument(call, 1, "mode"))
    return isinstance(mode, str) and ("w" in mode or "a" in mode) and "x" not in mode


def _use_of(ctx: Context, stmt: ast.stmt, path: ast.expr, creating: bool) -> ast.Call | None:
    """A call in `stmt` that acts on `path` (for `creating`: one that creates or writes it)."""
    for sub in ast.walk(stmt):
        if not isinstance(sub, ast.Call):
            continue
        name = ctx.call_name(sub) or ""
        if name in _PATH_USES and sub.args and same_expression(sub.args[0], path):
            if not creating or (name in ("open", "io.open") and _write_mode(ctx, sub)) or name == "os.symlink":
                return sub
        if isinstance(sub.func, ast.Attribute) and same_expression(sub.func.value, path):
            opens_for_writing = sub.func.attr == "open" and creating and _write_mode(ctx, sub)
            if sub.func.attr in _WRITE_METHODS or opens_for_writing:
                return sub
    return None


@rule(
    id="check-then-use-race",
    tests=False,
    name="File checked, then used: time-of-check to time-of-use race",
    cwe="367",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.If,),
    fix="Act first and handle failure: open(path, 'x') (or os.open with O_CREAT | O_EXCL | O_NOFOLLOW) to "
    "create, try/except FileNotFoundError to use; drop privileges instead of asking os.access.",
    mentions=_MENTIONS_FILE_CHECKS,
)
def check_then_use_race(node: ast.If, ctx: Context) -> None:
    """
    ## What it does
    Finds `if os.access(path, os.W_OK):` (a permission question) followed
    by opening, removing or changing `path`, and `if not
    os.path.exists(path):` (or `not p.exists()`) followed by writing `path`
    in a shared directory such as `/tmp` or `tempfile.gettempdir()`, outside
    tests. Creating a file in the application's own directory is not
    reported: nobody else can plant a link there.

    ## Why is this bad
    Between the check and the use another process can replace the file —
    typically with a symlink to `/etc/passwd` or another user's file — and
    the write follows it. `os.access` is the textbook case: it checks the
    real user's rights, then the open runs with the effective ones
    (CWE-367).

    ## Example
    ```python
    if not os.path.exists(lock_path):
        with open(lock_path, "w") as handle:
            handle.write(str(os.getpid()))
    ```

    ## Use instead
    ```python
    try:
        with open(lock_path, "x") as handle:
            handle.write(str(os.getpid()))
    except FileExistsError:
        ...
    ```
    """
    if in_tests(ctx):
        return
    checked = _checked_path(ctx, node.test)
    if checked is None:
        return
    check, path, negated = checked
    if check == "os.access" and not negated:
        use = next((u for s in node.body if (u := _use_of(ctx, s, path, creating=False)) is not None), None)
        confidence = Confidence.HIGH
    elif negated and check != "os.access" and _shared_directory(ctx, path):
        use = next((u for s in node.body if (u := _use_of(ctx, s, path, creating=True)) is not None), None)
        confidence = Confidence.MEDIUM
    else:
        return
    if use is None:
        return
    ctx.report(use, f"`{ast.unparse(path)}` is checked with {check} on line {node.lineno} and used here; "
               "the file can be swapped (for a symlink) in between.", confidence=confidence)


# -- execution after redirect ----------------------------------------------------------

_REDIRECTS = frozenset({
    "flask.redirect", "werkzeug.utils.redirect", "django.shortcuts.redirect", "django.http.HttpResponseRedirect",
    "django.http.HttpResponsePermanentRedirect", "starlette.responses.RedirectResponse",
    "fastapi.responses.RedirectResponse", "quart.redirect",
})


@rule(
    id="redirect-not-returned",
    tests=False,
    name="Redirect built but not returned",
    cwe="698",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Expr,),
    fix="Return the redirect: `return redirect(url_for('login'))`.",
    mentions=_MENTIONS_REDIRECT,
)
def redirect_not_returned(node: ast.Expr, ctx: Context) -> None:
    """
    ## What it does
    Finds `redirect(...)` (Flask, Werkzeug, Django, Starlette, FastAPI) and
    `HttpResponseRedirect(...)` called as a statement, outside tests.

    ## Why is this bad
    In these frameworks a redirect is a response *object*; it does nothing
    unless the view returns it. The code after it — usually the part the
    redirect was meant to protect — runs for the user who should have been
    sent away (CWE-698).

    ## Example
    ```python
    if not current_user.is_admin:
        redirect(url_for("login"))
    delete_everything()
    ```

    ## Use instead
    ```python
    if not current_user.is_admin:
        return redirect(url_for("login"))
    delete_everything()
    ```
    """
    call = node.value
    if isinstance(call, ast.Call) and ctx.call_name(call) in _REDIRECTS and not in_tests(ctx):
        ctx.report(node, f"`{ast.unparse(call)}` creates a redirect response and drops it; the view goes on "
                   "running instead of redirecting.")


# -- validate, then canonicalise ---------------------------------------------------------

_CANONICALISERS = {
    "unicodedata.normalize": 1, "urllib.parse.unquote": 0, "urllib.parse.unquote_plus": 0,
    "os.path.normpath": 0, "os.path.realpath": 0, "os.path.abspath": 0, "posixpath.normpath": 0,
    "html.unescape": 0, "os.path.expanduser": 0,
}


def _content_check(ctx: Context, test: ast.expr, name: str) -> bool:
    """A condition that inspects the *content* of `name` (not just emptiness or None)."""
    for sub in walk_nodes(test):
        if isinstance(sub, ast.Compare):
            names = [o for o in (sub.left, *sub.comparators)
                     if any(isinstance(n, ast.Name) and n.id == name for n in walk_nodes(o))]
            if names and (any(isinstance(op, (ast.In, ast.NotIn)) for op in sub.ops) or any(
                    isinstance(ctx.constant_value(o), str) for o in (sub.left, *sub.comparators))):
                return True
        if isinstance(sub, ast.Call):
            func = sub.func
            on_name = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name
            checks = ("startswith", "endswith", "isalnum", "isascii", "isidentifier")
            if on_name and func.attr in checks:  # type: ignore[union-attr]
                return True
            if (ctx.call_name(sub) or "").startswith("re.") and any(
                    isinstance(a, ast.Name) and a.id == name for a in sub.args):
                return True
    return False


def _names_outside_comprehensions(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    return {name for child in ast.iter_child_nodes(node) for name in _names_outside_comprehensions(child)}


def _rejects(body: list[ast.stmt], test: ast.expr) -> bool:
    """The branch refuses the value: it raises, aborts or returns something else. `if name == "-":
    return name` hands a special value back as it is: a dispatch, not a check that rejects."""
    tested = _names_outside_comprehensions(test)
    return any(isinstance(s, ast.Raise) or (
        isinstance(s, ast.Return) and not (isinstance(s.value, ast.Name) and s.value.id in tested)) or (
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and name_of(s.value.func) == "abort") for s in body)


_MENTIONS_CANONICALISE = ("unquote", "normalize", "normpath", "realpath", "abspath", "unescape", "expanduser")

@rule(
    id="validate-before-canonicalise",
    tests=False,
    name="Input validated before it is decoded or normalised",
    cwe="180",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Decode and normalise first, then validate the final form, and use exactly the value you "
    "validated: name = unicodedata.normalize('NFKC', unquote(raw)); then check name.",
    mentions=_MENTIONS_CANONICALISE,
)
def validate_before_canonicalise(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds a value whose content is checked and rejected on failure
    (`if ".." in path: abort(400)`), and that is afterwards URL-decoded,
    HTML-unescaped, Unicode-normalised or path-normalised
    (`unquote`, `unicodedata.normalize`, `os.path.normpath`, ...).

    ## Why is this bad
    The check saw one string and the program uses another: `%2e%2e%2f`
    passes a `..` check and becomes `../` after `unquote`; a full-width
    `＜script＞` passes a `<` check and becomes `<script>` after NFKC
    (CWE-180).

    ## Example
    ```python
    if ".." in name:
        abort(400)
    name = unquote(name)
    return send_file(os.path.join(UPLOADS, name))
    ```

    ## Use instead
    ```python
    name = unquote(name)
    if ".." in name or name.startswith("/"):
        abort(400)
    return send_file(os.path.join(UPLOADS, name))
    ```
    """
    if in_tests(ctx):
        return
    if not any(stmt.__class__ is ast.If and _rejects(stmt.body, stmt.test) and any(  # type: ignore[attr-defined]
            _content_check(ctx, stmt.test, name) for name in _names_outside_comprehensions(stmt.test))  # type: ignore[attr-defined]
            for stmt in body_statements(node)):
        return  # no check to come before a transformation: the whole body need not be walked
    checks: list[tuple[int, str]] = []
    nodes = walk_body(node)
    loop_names: set[str] | None = None
    for stmt in nodes:
        kind = stmt.__class__
        if kind is ast.If and _rejects(stmt.body, stmt.test):  # type: ignore[attr-defined]
            for name in _names_outside_comprehensions(stmt.test):  # type: ignore[attr-defined]
                if _content_check(ctx, stmt.test, name):  # type: ignore[attr-defined]
                    checks.append((stmt.lineno, name))  # type: ignore[attr-defined]
        elif kind is ast.Call and checks:  # a call before any check cannot be reported
            position = _CANONICALISERS.get(ctx.call_name(stmt) or "")  # type: ignore[arg-type]
            if position is None or len(stmt.args) <= position or not isinstance(stmt.args[position], ast.Name):
                continue
            value = stmt.args[position].id
            if loop_names is None:
                loop_names = {n.id for c in nodes if isinstance(c, (ast.comprehension, ast.For))
                              for n in walk_nodes(c.target) if isinstance(n, ast.Name)}
            if value in loop_names:
                continue
            earlier = [line for line, name in checks if name == value and line < stmt.lineno]
            if earlier:
                ctx.report(stmt, f"`{value}` is validated on line {earlier[-1]} and only then transformed by "
                           f"{ctx.call_name(stmt)}(); the check did not see the value the code uses.")


# -- return in finally --------------------------------------------------------------------


@rule(
    id="return-in-finally",
    name="return/break/continue in finally swallows exceptions",
    cwe="584",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    nodes=(ast.Try,),
    fix="Move the return out of the finally block (after it, or into try/else); keep finally for cleanup.",
)
def return_in_finally(node: ast.Try, ctx: Context) -> None:
    """
    ## What it does
    Finds `return`, `break` and `continue` directly inside a `finally:`
    block (not inside a function or loop nested in it).

    ## Why is this bad
    Leaving a `finally` block this way discards the exception in flight:
    a failed signature check, a `PermissionDenied` or a database error
    silently becomes a normal return value (CWE-584). Python 3.14 warns
    about it (PEP 765).

    ## Example
    ```python
    try:
        verify(token)
    finally:
        return True
    ```

    ## Use instead
    ```python
    try:
        verify(token)
    finally:
        audit_log.flush()
    return True
    ```
    """
    for stmt in node.finalbody:
        found = _escape_from(stmt, in_loop=False)
        if found is not None:
            kind = type(found).__name__.lower()
            ctx.report(found, f"`{kind}` inside finally (try on line {node.lineno}) discards any exception "
                       "raised in the try block.")
            return


def _escape_from(stmt: ast.AST, in_loop: bool) -> ast.stmt | None:
    """The first return (or break/continue not owned by an inner loop) in a finally block."""
    if isinstance(stmt, ast.Return) or (isinstance(stmt, (ast.Break, ast.Continue)) and not in_loop):
        return stmt
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
        return None
    loop = in_loop or isinstance(stmt, (ast.For, ast.AsyncFor, ast.While))
    for child in ast.iter_child_nodes(stmt):
        if isinstance(child, ast.stmt):
            found = _escape_from(child, loop)
            if found is not None:
                return found
    return None
