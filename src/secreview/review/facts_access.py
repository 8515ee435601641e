"""CWE-284 facts: handlers and their authorisation, permission changes, credentials, listeners.

Kinds: `284:route-protected` / `284:route` (a route handler with / without an
authorisation decorator or dependency) and `284:authz-decorator` (another
function with one), all on the `def` line; `284:authz-class` (a class-based
view with an access mixin or `permission_classes`); `284:auth-check` (a call or
attribute that checks a permission or the login state, see also
facts_input.attribute); `284:permission` (chmod, umask, a creation mode);
`284:credential-literal` / `284:credential-external` (a credential-named
variable given a string literal / read from the environment);
`284:listener-local` / `284:listener-all` / `284:listener` (a server bound to
loopback / every interface / a host from a variable).

The CSRF exemption decorator is recorded here too, as `693:csrf-exempt`,
because it is found on the same decorators.
"""

from __future__ import annotations

import ast
import re

from secreview.review.facts import callee, collector, spelled
from secreview.review.facts_resources import RESOURCE_NOUN
from secreview.rules.base import Context, argument, keyword
from secreview.rules.heuristics import SENSITIVE, name_of

AUTH_DECORATOR = re.compile(
    r"login_required|permission_required|user_passes_test|requires?_auth|auth_required|jwt_required|"
    r"admin_required|staff_member_required|superuser_required|roles?_required|roles_accepted|"
    r"permission_classes|authenticated|authori[sz]|requires?_permission|has_permission|requires?_login|"
    r"verify_token|token_required|protected",
    re.IGNORECASE,
)
AUTH_DEPENDENCY = re.compile(r"current_user|auth|token|verify|permission|login", re.IGNORECASE)
ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "delete", "patch", "api_route", "websocket", "view"})
ROUTE_NAMES = frozenset({"api_view", "route", "view_config"})
AUTH_CHECK_METHODS = ("has_perm", "has_perms", "has_permission", "has_object_permission", "check_permission",
                      "check_permissions", "check_object_permissions", "check_password", "verify_password",
                      "authenticate", "is_authorized", "require_permission", "check_access")
_MIXINS = re.compile(r"LoginRequired|PermissionRequired|UserPassesTest|AccessMixin|IsAuthenticated", re.IGNORECASE)
PERMISSION_CALLS = ("os.chmod", "os.fchmod", "os.lchmod", "os.umask", "os.makedirs", "os.mkdir", "os.open",
                    "os.mkfifo")
_MODE_POSITION = {"os.chmod": 1, "os.fchmod": 1, "os.lchmod": 1, "os.umask": 0, "os.makedirs": 1, "os.mkdir": 1,
                  "os.open": 2, "os.mkfifo": 1}
_LOOPBACK = ("127.", "localhost", "::1")
_ALL_INTERFACES = ("0.0.0.0", "", "::")


def _decorator_name(node: ast.expr) -> str:
    return spelled(node.func if isinstance(node, ast.Call) else node)


def _is_route(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr in ROUTE_ATTRS and isinstance(decorator, ast.Call) and name_of(target.value) != "self"
    return isinstance(target, ast.Name) and target.id in ROUTE_NAMES


def _auth_dependency(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """FastAPI-style `user = Depends(get_current_user)` parameters."""
    for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
        if isinstance(default, ast.Call) and spelled(default.func).rsplit(".", 1)[-1] in ("Depends", "Security"):
            dependency = spelled(default.args[0]) if default.args else ""
            if AUTH_DEPENDENCY.search(dependency):
                return f"Depends({dependency})"
    return None


@collector(id="access-handlers", nodes=(ast.FunctionDef, ast.AsyncFunctionDef))
def handler_definition(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    if not node.decorator_list and not node.args.defaults:
        return
    names = [_decorator_name(d) for d in node.decorator_list]
    auth = [n for n in names if AUTH_DECORATOR.search(n)] or ([dep] if (dep := _auth_dependency(node)) else [])
    route = next((names[i] for i, d in enumerate(node.decorator_list) if _is_route(d)), None)
    if route is not None:
        kind = "284:route-protected" if auth else "284:route"
        ctx.fact(kind, node, f"{node.name} (@{route}{', @' + auth[0] if auth else ''})")
    elif auth:
        ctx.fact("284:authz-decorator", node, f"{node.name} (@{auth[0]})")
    exempt = next((n for n in names if n.endswith("csrf_exempt")), None)
    if exempt is not None:
        ctx.fact("693:csrf-exempt", node, f"{node.name} (@{exempt})")


@collector(id="access-classes", nodes=(ast.ClassDef,))
def view_class(node: ast.ClassDef, ctx: Context) -> None:
    for base in node.bases:
        if _MIXINS.search(spelled(base)):
            ctx.fact("284:authz-class", node, f"{node.name} ({spelled(base)})")
            return
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(name_of(t) == "permission_classes" for t in stmt.targets):
            ctx.fact("284:authz-class", node, f"{node.name} (permission_classes)")
            return


@collector(id="access-checks", methods=AUTH_CHECK_METHODS)
def auth_check(node: ast.Call, ctx: Context) -> None:
    ctx.fact("284:auth-check", node, f"{spelled(node.func)}()")


@collector(id="access-permissions", calls=PERMISSION_CALLS, methods=("chmod",))
def permission_change(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    mode = argument(node, _MODE_POSITION[name], "mode") if name in PERMISSION_CALLS else argument(node, 0, "mode")
    if mode is None and name not in ("os.umask", "os.chmod"):
        return  # os.makedirs(path): default mode, not a permission decision
    value = ctx.constant_value(mode)
    shown = oct(value) if isinstance(value, int) and not isinstance(value, bool) else spelled(mode)
    ctx.fact("284:permission", node, f"{callee(ctx, node)} mode={shown}")


def _credential_kind(ctx: Context, value: ast.expr) -> str | None:
    """'literal' for a non-empty string, 'external' for a read of the environment, else None."""
    if isinstance(value, ast.Constant):
        return "literal" if isinstance(value.value, str) and value.value else None
    if isinstance(value, ast.Call):
        name = ctx.call_name(value) or ""
        return "external" if name.startswith(("os.getenv", "os.environ")) else None
    if isinstance(value, ast.Subscript):
        return "external" if ctx.qualname(value.value) == "os.environ" else None  # type: ignore[arg-type]
    return None


_CREDENTIAL_VALUES = frozenset({ast.Constant, ast.Call, ast.Subscript})


@collector(id="access-credentials", nodes=(ast.Assign, ast.AnnAssign))
def credential(node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
    """A credential-named variable given a literal or read from the environment (cheap tests first)."""
    value = node.value
    if value.__class__ not in _CREDENTIAL_VALUES:
        return  # no value, or one `_credential_kind` cannot place
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    name = next((n for n in (name_of(t) for t in targets) if n and SENSITIVE.search(n)), None)
    if name is None:
        return  # asked before the value's kind, which may resolve a call's name
    kind = _credential_kind(ctx, value)  # type: ignore[arg-type]
    if kind is not None:
        ctx.fact(f"284:credential-{kind}", node, name if kind == "literal" else f"{name} from {spelled(value)}")


def _listener_kind(host: object) -> str:
    if not isinstance(host, str):
        return "284:listener"
    if host in _ALL_INTERFACES:
        return "284:listener-all"
    return "284:listener-local" if host.startswith(_LOOPBACK) else "284:listener"


def _record_listener(ctx: Context, node: ast.Call, host_node: ast.expr | None) -> None:
    host = ctx.constant_value(host_node) if host_node is not None else None
    shown = repr(host) if isinstance(host, str) else spelled(host_node) if host_node is not None else "default host"
    ctx.fact(_listener_kind(host), node, f"{spelled(node.func)} on {shown}")


@collector(id="access-bind", methods=("bind",))
def bind(node: ast.Call, ctx: Context) -> None:
    address = node.args[0] if node.args else None
    if isinstance(address, ast.Tuple) and address.elts:
        _record_listener(ctx, node, address.elts[0])


@collector(id="access-run", methods=("run", "run_app"))
def run_server(node: ast.Call, ctx: Context) -> None:
    host = keyword(node, "host")
    if host is not None:
        _record_listener(ctx, node, host.value)


@collector(id="access-server", calls=tuple(name for name, noun in RESOURCE_NOUN.items() if noun == "server"))
def server(node: ast.Call, ctx: Context) -> None:
    address = argument(node, 0, "server_address") if ctx.call_name(node) != "asyncio.start_server" else \
        argument(node, 1, "host")
    if isinstance(address, ast.Tuple) and address.elts:
        _record_listener(ctx, node, address.elts[0])
    elif address is not None and ctx.call_name(node) in ("asyncio.start_server", "wsgiref.simple_server.make_server"):
        _record_listener(ctx, node, address)
