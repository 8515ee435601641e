"""CWE-284 facts: handlers and their authorisation, permission changes, credentials, listeners.

A route handler is recognised only from real routing: a decorator on an
object made by an application or router factory (or given a URL rule), a
routing framework's own decorator (DRF `api_view`/`action`, Pyramid
`view_config`, Pecan `expose`), or a request method of a framework's handler
class (Django and DRF views, Tornado and aiohttp handlers, Pecan REST
controllers, OpenStack `wsgi.Controller` actions, Falcon `on_<method>`
responders). `mock.patch` never routes.

Kinds: `284:route-protected` / `284:route` (a route handler with / without an
authorisation decorator, dependency or access-controlled view class; subject
`def@<line>`) and `284:authz-decorator` (another function with one), all on
the `def` line; `284:authz-class` (a class-based view with an access mixin or
`permission_classes`); `284:auth-check` (a call or attribute that checks a
permission, a policy or the login state, see also facts_input.attribute;
subject `def@<line>` of the function it is in, to pair it with a handler);
`284:credential-option` (an oslo.config option declared `secret=True`);
`284:route-refusing` (beside a handler fact: its body only raises, as a
removed endpoint's does); `284:checking-method` (on the `def` of a method with such a check) and
`284:delegate` (a `self.<method>(...)` call in an unauthorised route handler),
so that a handler that delegates to a checking method is said to be; `284:permission` (chmod, umask, a creation mode);
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
from functools import lru_cache
from typing import cast

from secreview.analysis.hosts import is_loopback
from secreview.review.facts_base import callee, collector, enclosing_def, spelled
from secreview.review.facts_resources import RESOURCE_NOUN
from secreview.rules.base import Context, argument, is_true, keyword
from secreview.rules.heuristics import SENSITIVE, mention_gate, name_of

AUTH_DECORATOR = re.compile(
    r"login_required|permission_required|user_passes_test|requires?_auth|auth_required|jwt_required|"
    r"admin_required|staff_member_required|superuser_required|roles?_required|roles_accepted|"
    r"permission_classes|authenticated|authori[sz]|requires?_permission|has_permission|requires?_login|"
    r"verify_token|token_required|protected",
    re.IGNORECASE,
)
AUTH_DEPENDENCY = re.compile(r"current_user|auth|token|verify|permission|login", re.IGNORECASE)
ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "delete", "patch", "head", "options", "api_route",
                         "websocket", "view"})
# What routing objects are made by: a decorator on one of these declares a route.
APP_FACTORIES = frozenset({
    "flask.Flask", "flask.Blueprint", "quart.Quart", "quart.Blueprint", "fastapi.FastAPI", "fastapi.APIRouter",
    "fastapi.routing.APIRouter", "starlette.applications.Starlette", "starlette.routing.Router",
    "aiohttp.web.RouteTableDef", "sanic.Sanic", "sanic.Blueprint", "bottle.Bottle", "ninja.NinjaAPI", "ninja.Router",
})
ROUTE_DECORATORS = frozenset({"rest_framework.decorators.api_view", "rest_framework.decorators.action",
                              "pyramid.view.view_config", "pecan.expose", "bottle.route", "bottle.get",
                              "bottle.post", "bottle.put", "bottle.delete",
                              "webob.dec.wsgify"})  # a WSGI application taking a webob Request (OpenStack)
ROUTE_NAMES = frozenset({"api_view", "view_config"})  # unresolved, yet unambiguous
_NOT_ROUTING = ("unittest.mock.", "mock.")
# Class-based handlers: (base qualname prefix or spelled suffix, label, handler method names).
_HTTP = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_VIEWSET = _HTTP | {"list", "retrieve", "create", "update", "partial_update", "destroy"}
_CONTROLLER_ACTIONS = frozenset({"index", "show", "create", "update", "delete", "detail"})
_CONTROLLER_DECORATORS = ("wsgi.response", "wsgi.expected_errors", "wsgi.action", "validation.schema",
                          "validation.query_schema", "validation.response_body_schema", "wsgi.api_version")
HANDLER_CLASSES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("django.views.", "Django view", _HTTP),
    ("rest_framework.", "DRF view", _VIEWSET),
    ("tornado.web.RequestHandler", "Tornado handler", _HTTP),
    ("aiohttp.web.View", "aiohttp view", _HTTP),
    ("pecan.rest.RestController", "Pecan controller", _HTTP | {"get_all", "get_one"}),
)
AUTH_CHECK_METHODS = ("has_perm", "has_perms", "has_permission", "has_object_permission", "check_permission",
                      "check_permissions", "check_object_permissions", "check_password", "verify_password",
                      "authenticate", "is_authorized", "require_permission", "check_access")
POLICY_METHODS = ("can", "authorize", "enforce")  # oslo.policy: context.can, policy.authorize, enforcer.enforce
_POLICY_RECEIVER = re.compile(r"context|ctxt|policy|policies|enforcer", re.IGNORECASE)
_MIXINS = re.compile(r"LoginRequired|PermissionRequired|UserPassesTest|AccessMixin|IsAuthenticated", re.IGNORECASE)
PERMISSION_CALLS = ("os.chmod", "os.fchmod", "os.lchmod", "os.umask", "os.makedirs", "os.mkdir", "os.open",
                    "os.mkfifo")
_MODE_POSITION = {"os.chmod": 1, "os.fchmod": 1, "os.lchmod": 1, "os.umask": 0, "os.makedirs": 1, "os.mkdir": 1,
                  "os.open": 2, "os.mkfifo": 1}
_ALL_INTERFACES = ("0.0.0.0", "", "::")
SECRET_OPTIONS = tuple(f"oslo_config.cfg.{kind}" for kind in ("Opt", "StrOpt", "URIOpt", "DictOpt", "ListOpt"))


@lru_cache(maxsize=4096)
def _authorises(decorator: str) -> bool:
    """The decorator (`_decorator_name`) authorises: one search per decorator spelling, which repeat across a
    project (`@staticmethod`, `@wsgi.response(202)`)."""
    return AUTH_DECORATOR.search(decorator) is not None


@lru_cache(maxsize=4096)
def _credential_name(name: str) -> bool:
    """The variable's name says it holds a credential: one search per name, and names repeat (`self.host`)."""
    return SENSITIVE.search(name) is not None


def _decorator_name(node: ast.expr) -> str:
    """`permission_required('app.change')`: the decorator with its first constant argument, if any."""
    if isinstance(node, ast.Call):
        first = node.args[0] if node.args else None
        shown = f"({first.value!r})" if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        return spelled(node.func) + shown
    return spelled(node)


def _routing_object(ctx: Context, receiver: ast.expr) -> bool:
    """`app` in `@app.get(...)` was made by an application or router factory, in this file."""
    value = ctx.assigned_value(receiver)
    return isinstance(value, ast.Call) and ctx.call_name(value) in APP_FACTORIES


def _is_route(ctx: Context, decorator: ast.expr) -> bool:
    """A decorator that declares a route: on a routing object, or a routing framework's own decorator."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = ctx.qualname(target) or ""
    if name.startswith(_NOT_ROUTING):
        return False  # `@mock.patch(...)` patches; it never routes
    if name in ROUTE_DECORATORS or isinstance(target, ast.Name) and target.id in ROUTE_NAMES:
        return True
    if not (isinstance(target, ast.Attribute) and target.attr in ROUTE_ATTRS and isinstance(decorator, ast.Call)):
        return False
    if _routing_object(ctx, target.value):
        return True
    rule = decorator.args[0] if decorator.args else next(
        (k.value for k in decorator.keywords if k.arg in ("rule", "path")), None)
    return isinstance(rule, ast.Constant) and isinstance(rule.value, str) and rule.value.startswith("/")


def _auth_dependency(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """FastAPI-style `user = Depends(get_current_user)` parameters."""
    for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
        if isinstance(default, ast.Call) and spelled(default.func).rsplit(".", 1)[-1] in ("Depends", "Security"):
            dependency = spelled(default.args[0]) if default.args else ""
            if AUTH_DEPENDENCY.search(dependency):
                return f"Depends({dependency})"
    return None


_FALCON_RESPONDERS = frozenset(f"on_{verb}" for verb in _HTTP)
_MENTIONS_FALCON = mention_gate("falcon")


def _handler_class(ctx: Context, node: ast.ClassDef) -> tuple[str, frozenset[str]] | None:
    """(label, handler method names) when the class is a framework's request handler."""
    if _MENTIONS_FALCON(ctx) and any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                                     and s.name in _FALCON_RESPONDERS for s in node.body):
        return "Falcon responder", _FALCON_RESPONDERS  # Falcon routes to a resource's on_<method>
    for base in node.bases:
        name = ctx.qualname(base) or ""
        text = spelled(base)
        if name.endswith("wsgi.Controller") or text.endswith("wsgi.Controller"):
            return "wsgi.Controller action", _CONTROLLER_ACTIONS
        for prefix, label, methods in HANDLER_CLASSES:
            if name.startswith(prefix):
                return label, methods
    return None


# ctx.fact_state["handler-classes"]: the framework handler classes of the file so far, by line:
# (label, the names of their request-handling methods, the class's own authorisation or "").
HandlerClasses = dict[int, tuple[str, frozenset[str], str]]
_NO_CLASSES: HandlerClasses = {}


def _handler_classes(ctx: Context) -> HandlerClasses:
    """The handler classes recorded so far; reading never records the key (`handler_definition` asks for it)."""
    return cast(HandlerClasses, ctx.fact_state.get("handler-classes", _NO_CLASSES))


def _class_handler(ctx: Context, node: ast.FunctionDef | ast.AsyncFunctionDef, names: list[str]) -> str | None:
    """The label of a method that handles requests for its class, if it does ('' outside such classes)."""
    if not ctx.classes or ctx.parent is not ctx.classes[-1]:
        return None  # only methods defined right in the class body handle its requests
    found = _handler_classes(ctx).get(ctx.classes[-1].lineno)
    if found is None:
        return None
    label, methods, _ = found
    if label.startswith("wsgi") and any(n.startswith(_CONTROLLER_DECORATORS) for n in names):
        return label  # `@wsgi.action('reboot') def _action_reboot(...)` is routed by its decorator
    if node.name in methods:
        return label
    if label == "DRF view" and any(n.split("(")[0].endswith("action") for n in names):
        return label
    return None


def _only_raises(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The body is one `raise` (after a docstring): a removed or refused endpoint, nothing to authorise."""
    body = node.body[1:] if node.body and isinstance(node.body[0], ast.Expr) and isinstance(
        node.body[0].value, ast.Constant) else node.body
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _view_permission(decorator: ast.expr) -> str:
    """`@view_config(..., permission="edit")`: Pyramid's security policy checks it before the view runs.

    `NO_PERMISSION_REQUIRED` (or None) is the opposite: the view is open even under a default permission.
    """
    if not isinstance(decorator, ast.Call) or not spelled(decorator.func).endswith("view_config"):
        return ""
    given = next((k.value for k in decorator.keywords if k.arg == "permission"), None)
    if given is None or (isinstance(given, ast.Constant) and given.value is None) \
            or spelled(given).endswith("NO_PERMISSION_REQUIRED"):
        return ""
    return f"view_config(permission={ast.unparse(given)})"


def def_subject(node: ast.AST | None) -> str:
    """'def@12': the function a handler fact and the checks in its body share."""
    return f"def@{node.lineno}" if node is not None else ""  # type: ignore[attr-defined]


@collector(id="access-handlers", nodes=(ast.FunctionDef, ast.AsyncFunctionDef))
def handler_definition(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    if not node.decorator_list and not node.args.defaults and "handler-classes" not in ctx.fact_state:
        return  # nothing declares it a handler or authorises it (most functions)
    names = [_decorator_name(d) for d in node.decorator_list]
    auth = [n for n in names if _authorises(n)] or ([dep] if (dep := _auth_dependency(node)) else []) \
        or [p for d in node.decorator_list if (p := _view_permission(d))]
    route = next((names[i] for i, d in enumerate(node.decorator_list) if _is_route(ctx, d)), None)
    owner = ctx.classes[-1] if ctx.classes else None
    label = _class_handler(ctx, node, names) if route is None else None
    if label is not None:
        class_auth = _handler_classes(ctx)[owner.lineno][2]  # type: ignore[union-attr]
        auth = auth or ([class_auth] if class_auth else [])
        name = f"{owner.name}.{node.name}"  # type: ignore[union-attr]
        ctx.fact("284:route-protected" if auth else "284:route", node,
                 f"{name} ({label}{', ' + auth[0] if auth else ''})", def_subject(node))
    elif route is not None:
        kind = "284:route-protected" if auth else "284:route"
        ctx.fact(kind, node, f"{node.name} (@{route}{', @' + auth[0] if auth else ''})", def_subject(node))
    elif auth:
        ctx.fact("284:authz-decorator", node, f"{node.name} (@{auth[0]})", def_subject(node))
    if (label is not None or route is not None) and not auth and _only_raises(node):
        ctx.fact("284:route-refusing", node, node.name, def_subject(node))
    if (label is not None or route is not None) and not auth:
        cast("set[int]", ctx.fact_state.setdefault("route-handlers", set())).add(node.lineno)
    exempt = next((n for n in names if n.endswith("csrf_exempt")), None)
    if exempt is not None:
        ctx.fact("693:csrf-exempt", node, f"{node.name} (@{exempt})")


@collector(id="access-classes", nodes=(ast.ClassDef,))
def view_class(node: ast.ClassDef, ctx: Context) -> None:
    class_auth = ""
    for base in node.bases:
        if _MIXINS.search(spelled(base)):
            class_auth = f"{spelled(base)}"
            break
    else:
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(name_of(t) == "permission_classes" for t in stmt.targets):
                class_auth = "permission_classes"
                break
    if class_auth:
        ctx.fact("284:authz-class", node, f"{node.name} ({class_auth})")
    handler = _handler_class(ctx, node)
    if handler is not None:
        table = ctx.fact_state.setdefault("handler-classes", {})
        cast(HandlerClasses, table)[node.lineno] = (*handler, class_auth)


def record_check(ctx: Context, node: ast.AST, text: str) -> None:
    """A permission, policy or login check, tied to its function; the first in a method also names the
    method (`284:checking-method`), so a handler that calls it can be said to be authorised by it."""
    function = enclosing_def(ctx)
    ctx.fact("284:auth-check", node, text, def_subject(function))
    if function is not None and ctx.classes:
        named = cast("set[int]", ctx.fact_state.setdefault("checking-methods", set()))
        if function.lineno not in named:
            named.add(function.lineno)
            ctx.fact("284:checking-method", function, function.name, def_subject(function))


@collector(id="access-checks", methods=AUTH_CHECK_METHODS)
def auth_check(node: ast.Call, ctx: Context) -> None:
    record_check(ctx, node, f"{spelled(node.func)}()")


@collector(id="access-policy", methods=POLICY_METHODS)
def policy_check(node: ast.Call, ctx: Context) -> None:
    """oslo.policy checks in a body: `context.can(...)`, `policy.authorize(...)`, `enforcer.enforce(...)`."""
    receiver = node.func.value  # type: ignore[attr-defined]
    if not node.args or not _POLICY_RECEIVER.search(spelled(receiver)):
        return
    record_check(ctx, node, f"{spelled(node.func)}()")


@collector(id="access-delegation", nodes=(ast.Call,))
def delegation(node: ast.Call, ctx: Context) -> None:
    """`self._delete(...)` in a route handler: the handler may be authorised by the method it calls."""
    handlers = cast("set[int] | None", ctx.fact_state.get("route-handlers"))
    if not handlers:
        return
    func = node.func
    if not isinstance(func, ast.Attribute) or name_of(func.value) != "self":
        return
    function = enclosing_def(ctx)
    if function is not None and function.lineno in handlers:
        ctx.fact("284:delegate", node, func.attr, def_subject(function))


@collector(id="access-secret-options", calls=SECRET_OPTIONS)
def secret_option(node: ast.Call, ctx: Context) -> None:
    """An oslo.config option declared `secret=True`: oslo.config masks its value when it logs the options."""
    secret = keyword(node, "secret")
    name = ctx.constant_value(argument(node, 0, "name"))
    if secret is not None and is_true(secret.value) and isinstance(name, str):
        ctx.fact("284:credential-option", node, f"{name!r} ({spelled(node.func)})")


@collector(id="access-permissions", calls=PERMISSION_CALLS, methods=("chmod",))
def permission_change(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    if name in PERMISSION_CALLS:
        mode = argument(node, _MODE_POSITION[name], "mode")
    else:  # `Path.chmod(mode)`, or a helper `chmod(path, mode)` such as nova.privsep.path.chmod
        mode = argument(node, 1 if len(node.args) > 1 else 0, "mode")
    if mode is None and name not in ("os.umask", "os.chmod"):
        return  # os.makedirs(path): default mode, not a permission decision
    value = ctx.constant_value(mode)
    known = value if isinstance(value, int) and not isinstance(value, bool) else None
    shown = oct(known) if known is not None else spelled(mode)
    ctx.fact("284:permission", node, f"{callee(ctx, node)} mode={shown}",
             permission_judgement(name, known, isinstance(ctx.parent, ast.Expr)))


def permission_judgement(call: str, mode: int | None, statement: bool) -> str:
    """What a permission change lets other users do, for the CWE-284 verdict (the fact's subject).

    'private': other users get no write (a umask that masks it); 'umask-narrows': a creation mode with write
    for others, which the process umask still narrows (os.open, os.mkdir: not chmod); 'umask-read': a umask
    whose old value is kept, the idiom that reads the umask and sets it back; 'computed': a mode not known here.
    """
    if mode is None:
        return "computed"
    if call == "os.umask":
        return "private" if mode & 0o002 else "umask-read" if not statement else "open"
    if not mode & 0o002:
        return "private"
    return "umask-narrows" if call in ("os.open", "os.makedirs", "os.mkdir", "os.mkfifo") else "open"


def _credential_kind(ctx: Context, value: ast.expr) -> str | None:
    """'literal' for a non-empty string, 'external' for a read of the environment, else None."""
    if isinstance(value, ast.Constant):
        return "literal" if isinstance(value.value, str) and value.value else None
    if isinstance(value, ast.Call):
        name = ctx.call_name(value) or ""
        return "external" if name.startswith(("os.getenv", "os.environ")) else None
    if isinstance(value, ast.Subscript):
        return "external" if ctx.qualname(value.value) == "os.environ" else None
    return None


_CREDENTIAL_VALUES = frozenset({ast.Constant, ast.Call, ast.Subscript})


def _credential_target(node: ast.Assign | ast.AnnAssign) -> str | None:
    """The first target named like a credential."""
    for target in node.targets if isinstance(node, ast.Assign) else (node.target,):
        name = name_of(target)
        if name and _credential_name(name):
            return name
    return None


@collector(id="access-credentials", nodes=(ast.Assign, ast.AnnAssign))
def credential(node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
    """A credential-named variable given a literal or read from the environment (cheap tests first)."""
    value = node.value
    if value.__class__ not in _CREDENTIAL_VALUES:
        return  # no value, or one `_credential_kind` cannot place
    name = _credential_target(node)
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
    return "284:listener-local" if is_loopback(host) else "284:listener"


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
