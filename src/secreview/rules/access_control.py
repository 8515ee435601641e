"""CWE-284 Improper Access Control: who may reach what (file permissions, object access without authorisation,
session cookies readable by scripts).

The pillar's other checks: `access_control_tls` (peers not authenticated) and `access_control_secrets`
(credentials in the code)."""

from __future__ import annotations

import ast
import re
import stat

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.heuristics import (
    in_tests,
    name_of,
    parameter_names,
    settings_written,
    test_context_named,
    walk_body,
)

_MENTIONS_HTTPONLY = ("set_cookie", "SESSION_COOKIE_HTTPONLY")
_MENTIONS_WRITES = ("delete(", "save(")


_STAT_BITS = {name: getattr(stat, name) for name in dir(stat) if name.startswith("S_I") and name[3:4] in "RWX"}


def _mode(ctx: Context, node: ast.expr | None) -> int | None:
    """A permission mode written as an int, `stat.S_I*` names or `|`/`+` of them."""
    if node is None:
        return None
    value = ctx.constant_value(node)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    name = ctx.qualname(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if name and name.startswith("stat.") and name[5:] in _STAT_BITS:
        return _STAT_BITS[name[5:]]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        left, right = _mode(ctx, node.left), _mode(ctx, node.right)
        if left is not None and right is not None:
            return left | right
    return None


_MENTIONS_PERMISSIONS = ("chmod", "umask")

@rule(
    id="world-writable-permissions",
    tests=False,
    name="File made writable by every user",
    cwe="732",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=("os.chmod", "os.fchmod", "os.lchmod", "os.umask"),
    methods=("chmod",),
    bandit=("B103",),
    fix="Grant the owner (and at most the group) what it needs: os.chmod(path, 0o600) for secrets, "
    "0o644 or 0o755 for shared read-only files; keep the umask at 0o022 or stricter.",
    mentions=_MENTIONS_PERMISSIONS,
)
def world_writable_permissions(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `os.chmod`, `os.fchmod`, `Path.chmod` and `os.umask` calls whose
    mode lets every local user write (the `o+w` bit, e.g. `0o777`, `0o666`,
    `stat.S_IWOTH`), outside tests. Modes given to `os.open`, `os.mkdir` and
    `os.makedirs` are not reported: the process umask still applies to them.

    ## Why is this bad
    Any local user or compromised service can then replace the file's
    contents: a script that is later executed, a configuration that is
    trusted, a socket or a directory others write into (CWE-732). `chmod`
    ignores the umask, so the mode is exactly what the code says.

    ## Example
    ```python
    os.chmod("/var/run/app.sock", 0o777)
    ```

    ## Use instead
    ```python
    os.chmod("/var/run/app.sock", 0o660)  # owner and group only
    ```
    """
    location = ctx.location(node)
    if in_tests(ctx) or any(f.rule_id == "world-writable-permissions" and f.location == location for f in ctx.findings):
        return  # `os.chmod` reaches this check both as a call and as a method named chmod
    name = ctx.call_name(node) or ""
    if name == "os.umask":
        mask = _mode(ctx, argument(node, 0, "mask"))
        # `old = os.umask(0); os.umask(old)` is how the current umask is read, not a setting.
        if mask is not None and not mask & 0o002 and isinstance(ctx.parent, ast.Expr):
            ctx.report(node, f"os.umask({oct(mask)}) leaves new files and directories writable by every "
                       "user.")
        return
    if name in ("os.chmod", "os.fchmod", "os.lchmod"):
        mode_node = argument(node, 1, "mode")
    elif isinstance(node.func, ast.Attribute) and node.func.attr == "chmod" and not name.startswith("os."):
        mode_node = argument(node, 0, "mode") if len(node.args) <= 1 else None
    else:
        return
    mode = _mode(ctx, mode_node)
    if mode is None or not mode & stat.S_IWOTH:
        return
    ctx.report(node, f"mode {oct(mode)} lets every local user write to "
               f"{ast.unparse(node.args[0]) if name.startswith('os.') and node.args else 'the file'}.")


# -- objects reached by id without an ownership check --------------------------

_AUTHZ_TEXT = re.compile(
    r"request\.user|current_user|\bg\.user|\.user\b|user_id|\bowner|author|has_perm|permission|is_staff|"
    r"is_superuser|is_admin|tenant|created_by|check_object|user_passes_test|staff_member|admin_required|"
    r"roles?_required|can_(edit|delete|change|modify|manage)|authori[sz]",
    re.IGNORECASE)
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_view"})


def _is_view(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if "request" in parameter_names(function):
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _ROUTE_DECORATORS:
            return True
        if isinstance(target, ast.Name) and target.id in _ROUTE_DECORATORS:
            return True
    return False


def _fetch_by_key(ctx: Context, call: ast.expr, params: set[str]) -> str | None:
    """The model spelled in `Model.objects.get(pk=...)`-like lookups keyed by a view argument."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    keys: list[ast.expr] = [kw.value for kw in call.keywords if kw.arg in ("pk", "id", "uuid", "slug")]
    model = ""
    if isinstance(func, ast.Attribute) and func.attr == "get" and name_of(func.value) == "objects":
        model = ast.unparse(func.value)
    elif (ctx.qualname(func) or name_of(func)).endswith("get_object_or_404") and call.args:
        model = ast.unparse(call.args[0])
    elif isinstance(func, ast.Attribute) and func.attr in ("get", "get_or_404") and name_of(func.value) == "query":
        model = ast.unparse(func.value)
        keys.extend(call.args[:1])
    elif (isinstance(func, ast.Attribute) and func.attr == "get" and name_of(func.value) == "session"
          and len(call.args) == 2):
        model = ast.unparse(call.args[0])
        keys.append(call.args[1])
    if not model or not keys:
        return None
    for key in keys:
        for sub in ast.walk(key):
            if isinstance(sub, ast.Name) and (sub.id in params or sub.id == "request"):
                return model
    return None


def _mutation_of(node: ast.AST, target: str) -> str | None:
    """`obj.delete()`, `obj.save()`, `db.session.delete(obj)` on the fetched object."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    attr = node.func.attr
    if attr in ("delete", "save") and isinstance(node.func.value, ast.Name) and node.func.value.id == target:
        return attr
    if attr == "delete" and name_of(node.func.value) == "session" and node.args:
        first = node.args[0]
        if isinstance(first, ast.Name) and first.id == target:
            return attr
    return None


_AUTHORISING_MEMBERS = frozenset({"permission_required", "permission_classes", "test_func", "has_permission",
                                  "get_permission_required", "has_object_permission"})


def _class_authorises(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The view class around a method checks permissions before the method runs.

    Django's PermissionRequiredMixin (with `permission_required`) and UserPassesTestMixin (with
    `test_func`) refuse the request in `dispatch`; DRF checks `permission_classes`. That is the
    decorator `@permission_required` written on the class, so it counts the same; LoginRequiredMixin
    alone, like `@login_required`, proves who the user is, not what they may change.
    """
    if not ctx.classes or not any(stmt is function for stmt in ctx.classes[-1].body):
        return False
    cls = ctx.classes[-1]
    if any(re.search(r"PermissionRequired|UserPassesTest|PermissionMixin", ast.unparse(base)) for base in cls.bases):
        return True
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _AUTHORISING_MEMBERS:
            return True
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
                name_of(t) in _AUTHORISING_MEMBERS for t in (stmt.targets if isinstance(stmt, ast.Assign) else
                                                             [stmt.target])):
            return True
    return False


@rule(
    id="object-access-without-authorisation",
    tests=False,
    name="Object fetched by id and changed with no ownership or permission check",
    cwe="639",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Scope the lookup to what the user may touch (get_object_or_404(Document, pk=pk, "
    "owner=request.user)), or check before acting: if not request.user.has_perm('app.delete_document', doc): "
    "raise PermissionDenied.",
    mentions=_MENTIONS_WRITES,
)
def object_access_without_authorisation(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds Django and Flask views that fetch an object by a key taken from the
    URL or the request (`Model.objects.get(pk=pk)`,
    `get_object_or_404(Model, pk=pk)`, `Model.query.get_or_404(id)`,
    `db.session.get(Model, id)`) and then delete or save it, without any
    reference to the current user, an owner, a permission or a
    permission-checking decorator, or a view class that checks permissions
    before its methods run (PermissionRequiredMixin, UserPassesTestMixin,
    DRF `permission_classes`). `@login_required` alone is not a check:
    it proves who the user is, not that the object is theirs.

    ## Why is this bad
    Any signed-in user (or anyone) can change or delete any other user's
    object by changing the id in the URL: an insecure direct object
    reference (CWE-639).

    ## Example
    ```python
    @login_required
    def delete_invoice(request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        invoice.delete()
    ```

    ## Use instead
    ```python
    @login_required
    def delete_invoice(request, pk):
        invoice = get_object_or_404(Invoice, pk=pk, owner=request.user)
        invoice.delete()
    ```
    """
    if not _is_view(node) or in_tests(ctx):
        return
    params = set(parameter_names(node))
    fetched: dict[str, tuple[str, ast.stmt]] = {}
    acts: list[tuple[ast.Call, str, str]] = []
    involved: list[ast.AST] = []
    for sub in walk_body(node):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            model = _fetch_by_key(ctx, sub.value, params)
            if model:
                fetched[sub.targets[0].id] = (model, sub)
                involved.append(sub)
        if isinstance(sub, ast.Call):
            for target in fetched:
                action = _mutation_of(sub, target)
                if action:
                    acts.append((sub, target, action))
                    involved.append(sub)
    if not acts:
        return
    # What is left once the lookups' model names and the changes themselves are set aside
    # must mention the user, an owner or a permission somewhere.
    remaining = ast.unparse(node)
    for part in involved:
        text = ast.unparse(part)
        if isinstance(part, ast.Assign):
            remaining = remaining.replace(text, text.replace(fetched[name_of(part.targets[0])][0], ""))
        else:
            remaining = remaining.replace(text, "")
    if _AUTHZ_TEXT.search(remaining) or _class_authorises(ctx, node):
        return
    for call, target, action in acts:
        model = fetched[target][0]
        ctx.report(call, f"`{target}` ({model}) is looked up by a key the client chooses and then "
                   f"{'deleted' if action == 'delete' else 'saved'}, with no check that the current user "
                   "owns it or may change it.")


# -- session cookies readable by scripts ----------------------------------------

_SESSION_COOKIE = re.compile(r"sess|\bsid\b|auth|token|jwt|remember|login|access|refresh|identity", re.IGNORECASE)


def session_cookie_name(ctx: Context, call: ast.Call) -> str | None:
    """The name of a session-like cookie set by `response.set_cookie(name, ...)` (not CSRF cookies)."""
    name = ctx.constant_value(argument(call, 0, "key"))
    if not isinstance(name, str) or re.search(r"csrf|xsrf", name, re.IGNORECASE):
        return None
    return name if _SESSION_COOKIE.search(name) else None


@rule(
    id="cookie-without-httponly",
    tests=False,
    name="Session cookie readable by JavaScript",
    cwe="1004",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=("set_cookie", "update", "from_mapping"),
    nodes=(ast.Assign,),
    fix="Set session and authentication cookies with httponly=True (and secure=True, samesite='Lax'); "
    "keep SESSION_COOKIE_HTTPONLY at its default, True.",
    mentions=_MENTIONS_HTTPONLY,
)
def cookie_without_httponly(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds session, authentication and token cookies set with
    `response.set_cookie(...)` without `httponly=True` (Django, Flask and
    Starlette all default to `False`), and `SESSION_COOKIE_HTTPONLY = False`.
    CSRF cookies, which scripts are meant to read, are not reported.

    ## Why is this bad
    Any script on the page, including one injected through an XSS bug, can
    read the cookie and send the session to an attacker (CWE-1004).

    ## Example
    ```python
    response.set_cookie("session_token", token, secure=True)
    ```

    ## Use instead
    ```python
    response.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax")
    ```
    """
    for setting, value, where in settings_written(node):
        if setting == "SESSION_COOKIE_HTTPONLY" and is_false(value) and not test_context_named(ctx):
            ctx.report(where, "SESSION_COOKIE_HTTPONLY = False lets page scripts read the session cookie.",
                       confidence=Confidence.HIGH)
    if isinstance(node, ast.Assign) or node.func.attr != "set_cookie":  # type: ignore[union-attr]
        return
    name = session_cookie_name(ctx, node)
    if name is None or in_tests(ctx):
        return
    flag = keyword(node, "httponly")
    if flag is None:
        ctx.report(node, f"cookie `{name}` is set without httponly=True, so page scripts can read it.")
    elif is_false(flag.value):
        ctx.report(node, f"cookie `{name}` is set with httponly=False, so page scripts can read it.",
                   confidence=Confidence.HIGH)
