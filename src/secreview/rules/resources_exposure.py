"""CWE-664 exposure: request headers and environments written to logs, exception details sent to clients.

Which objects are HTTP requests, which classes are request handlers and which
functions are views is what the taint specs (`rules/specs/*.toml`) already
say, per framework and only in files that import it; both rules ask them
(`_FileView`), so neither keys on how a variable happens to be named.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from secreview.analysis.specs import SourceSpec, load
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, dotted, rule
from secreview.rules.dataflow_hints import LOG_METHODS, logged_values
from secreview.rules.exceptions import is_broad
from secreview.rules.heuristics import in_test_code, mention_gate, walk_nodes

# Request attributes that are the whole header mapping or the whole WSGI environ.
_WHOLE_REQUEST = frozenset({"headers", "environ", "META"})
# Calls that turn a mapping into its full text or a full copy (`dict(request.headers)`).
_WHOLE_VIEWS = frozenset({"dict", "str", "repr", "json.dumps", "pprint.pformat", "copy.copy", "copy.deepcopy"})
# Orderings of what a view method gives (`sorted(request.headers.items())`); on a bare dict they list its keys.
_ORDERINGS = frozenset({"list", "tuple", "sorted"})
_WHOLE_METHODS = frozenset({"items", "values", "copy", "to_dict"})
_MENTIONS_MAPPING = ("headers", "environ", "META")
_MENTIONS_TRACEBACK = mention_gate("traceback")

TRACEBACK_CALLS = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                             "traceback.format_stack"})
# The text of the exception itself: meant for the client only when the handler chose which exceptions it catches.
_EXCEPTION_TEXT_CALLS = frozenset({"str", "repr", "traceback.format_exception_only"})
_EXCEPTION_TEXT_ATTRIBUTES = frozenset({"args", "message", "strerror"})
# String methods whose result holds their receiver's and arguments' text.
_STRING_METHODS = frozenset({"format", "join", "encode", "strip", "rstrip", "lstrip", "replace"})
# Responses, and HTTP errors whose text becomes the response body (status line, explanation, detail).
RESPONSE_CALLS = frozenset({
    "flask.Response", "flask.make_response", "flask.jsonify", "flask.abort", "werkzeug.wrappers.Response",
    "werkzeug.Response", "django.http.HttpResponse", "django.http.JsonResponse", "django.http.HttpResponseBadRequest",
    "django.http.HttpResponseServerError", "django.http.HttpResponseForbidden", "django.http.HttpResponseNotFound",
    "rest_framework.response.Response", "fastapi.HTTPException", "fastapi.responses.Response",
    "fastapi.responses.JSONResponse", "fastapi.responses.HTMLResponse", "fastapi.responses.PlainTextResponse",
    "starlette.exceptions.HTTPException", "starlette.responses.Response", "starlette.responses.JSONResponse",
    "starlette.responses.HTMLResponse", "starlette.responses.PlainTextResponse", "aiohttp.web.Response",
    "aiohttp.web.json_response", "webob.Response", "webob.response.Response",
})
RESPONSE_PREFIXES = ("webob.exc.HTTP", "aiohttp.web.HTTP", "werkzeug.exceptions.")
# Methods of a request handler class that write the response (tornado.web.RequestHandler, http.server).
_HANDLER_WRITES = frozenset({"write", "finish", "send_error", "wfile.write"})


@dataclass(frozen=True)
class _FileView:
    """What the taint specs say about one file: its request objects, handler classes and route decorators."""

    request_qualnames: frozenset[str]  # `flask.request`: objects whose headers the specs call request data
    receivers: tuple[SourceSpec, ...]  # active specs naming request receivers (`req`, `request`) and attributes
    handlers: tuple[SourceSpec, ...]  # specs of request handler base classes
    request_types: frozenset[str]  # annotations that make a parameter a request
    routes: tuple[SourceSpec, ...]  # active specs with route decorators


_VIEWS: list = [None, None]  # the file asked about last, and its view (one file is walked at a time)


def _file_view(ctx: Context) -> _FileView:
    if _VIEWS[0] is not ctx:
        specs = load()
        imported = _imported_tops(ctx.tree)
        active = [s for s in specs.sources if s.active(imported)]
        _VIEWS[0], _VIEWS[1] = ctx, _FileView(
            request_qualnames=frozenset(q.rsplit(".", 1)[0] for q in specs.source_qualnames if q.endswith(".headers")),
            receivers=tuple(s for s in active if s.receivers and s.attributes and not s.class_bases),
            handlers=tuple(s for s in specs.sources if s.class_bases),
            request_types=frozenset().union(*(s.request_types for s in active)),
            routes=tuple(s for s in active if s.route_decorators or s.decorator_qualnames))
    return _VIEWS[1]


def _imported_tops(tree: ast.Module) -> frozenset[str]:
    """Top-level packages the module imports at module level (the specs' `imports` gate)."""
    found: set[str] = set()
    pending = list(tree.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            found.add(stmt.module.partition(".")[0])
        elif isinstance(stmt, (ast.If, ast.Try)):
            pending.extend([*stmt.body, *stmt.orelse, *(s for h in getattr(stmt, "handlers", ()) for s in h.body)])
    return frozenset(found)


def _handler_specs(ctx: Context) -> list[SourceSpec]:
    """The specs whose base classes the enclosing class derives from (a request handler's methods)."""
    if not ctx.classes:
        return []
    bases = {ctx.qualname(base) for base in ctx.classes[-1].bases}
    return [spec for spec in _file_view(ctx).handlers if bases & spec.class_bases]


def _is_request(ctx: Context, receiver: ast.expr, attribute: str) -> bool:
    """Whether `receiver.attribute` is request data by the specs (`request.headers`, `req.environ`)."""
    view = _file_view(ctx)
    if (ctx.qualname(receiver) or "") in view.request_qualnames:
        return True
    spelled = dotted(receiver)
    if any(attribute in s.attributes and spelled in s.receivers for s in (*view.receivers, *_handler_specs(ctx))):
        return True
    function = ctx.function
    if isinstance(receiver, ast.Name) and function is not None and not isinstance(function, ast.Lambda):
        for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs):
            if arg.arg == receiver.id and arg.annotation is not None:
                return (ctx.qualname(arg.annotation) or "") in view.request_types
    return False


def _whole_mapping(ctx: Context, node: ast.expr, hops: int = 2) -> str | None:
    """The spelling of a whole request header mapping or environment that `node` shows in full."""
    if isinstance(node, ast.Attribute):
        if ctx.qualname(node) == "os.environ":
            return "os.environ"
        if node.attr in _WHOLE_REQUEST and _is_request(ctx, node.value, node.attr):
            return dotted(node)
        return None
    parts: list[ast.expr] = []
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        parts = [node.left, *(node.right.elts if isinstance(node.right, ast.Tuple) else [node.right])]
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _WHOLE_METHODS and not node.args:
            parts = [func.value]
        elif isinstance(func, ast.Attribute) and func.attr == "format":
            parts = [*node.args, *(k.value for k in node.keywords)]
        elif node.args and (ctx.call_name(node) in _WHOLE_VIEWS
                            or ctx.call_name(node) in _ORDERINGS and isinstance(node.args[0], ast.Call)):
            parts = [node.args[0]]
    elif isinstance(node, ast.Dict):
        parts = [v for k, v in zip(node.keys, node.values) if k is None]  # {**request.headers}
    elif isinstance(node, ast.Name) and hops:
        assigned = ctx.assigned_value(node)
        parts = [assigned] if assigned is not None else []
        hops -= 1
    for part in parts:
        found = _whole_mapping(ctx, part, hops)
        if found:
            return found
    return None


@rule(
    id="request-headers-logged",
    tests=False,
    name="Whole request headers or environment written to a log",
    cwe="532",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    methods=LOG_METHODS,
    fix="Log the few headers you need by name (request.headers.get('User-Agent')), or the names only "
    "(sorted(request.headers.keys())), never the whole mapping.",
    mentions=_MENTIONS_MAPPING,
)
def request_headers_logged(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds logging calls that write a request's whole header mapping or WSGI
    environment (`request.headers`, `req.environ`, Django's `request.META`,
    or `os.environ`), as it is or through `dict()`, `str()`, `.items()`,
    `json.dumps()` or a format string. Which objects are requests comes from
    the framework specs, in files that import the framework.

    ## Why is this bad
    The headers carry the client's credentials: `Authorization`, `Cookie`
    (the session), API keys and tokens such as OpenStack's `X-Auth-Token`;
    the WSGI environ holds the same as `HTTP_*` keys, and the process
    environment holds the deployment's own secrets. Logs are kept for months
    and read by many more people than the credential store, so every logged
    request hands them its session (CWE-532).

    ## Example
    ```python
    LOG.debug("request headers: %s", dict(request.headers))
    ```

    ## Use instead
    ```python
    LOG.debug("request from %s, headers %s", request.headers.get("User-Agent"), sorted(request.headers.keys()))
    ```
    """
    if in_test_code(ctx):
        return
    for value in logged_values(ctx, node) or ():
        whole = _whole_mapping(ctx, value)
        if whole == "os.environ":
            ctx.report(node, "The whole process environment (`os.environ`) is written to the log, with every "
                       "secret the deployment passes through it (and, in a CGI script, the request headers).",
                       confidence=Confidence.MEDIUM)
            return
        if whole:
            ctx.report(node, f"The whole request mapping `{whole}` is written to the log, with the client's "
                       "Authorization, Cookie and token headers in it.")
            return


# -- exception details in responses ---------------------------------------------------------

class _ExceptionText:
    """Which expressions inside one `except` handler carry the exception's text or a traceback."""

    def __init__(self, ctx: Context, handler: ast.ExceptHandler) -> None:
        self.ctx = ctx
        self.name = handler.name if is_broad(ctx, handler) else None  # str(exc) counts only for broad handlers
        self.locals: dict[str, str] = {}  # name assigned in the handler -> the text it holds

    def learn(self, stmt: ast.stmt) -> None:
        """`message = traceback.format_exc()`: the name holds the text from here on."""
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            found = self.find(stmt.value)
            if found:
                self.locals[stmt.targets[0].id] = found
            else:
                self.locals.pop(stmt.targets[0].id, None)

    def find(self, node: ast.expr | None) -> str | None:
        """What exception text `node` shows, through strings built from it and containers holding it."""
        if isinstance(node, ast.Name):
            if node.id == self.name:
                return node.id
            held = self.locals.get(node.id)
            return f"{held}` in `{node.id}" if held else None  # shown as `exc` in `msg`
        if isinstance(node, ast.Attribute):  # exc.args, not type(exc).__name__ or exc.code
            inner = node.value
            if node.attr in _EXCEPTION_TEXT_ATTRIBUTES and isinstance(inner, ast.Name) and inner.id == self.name:
                return dotted(node)
            return None
        parts: list[ast.expr] = []
        if isinstance(node, ast.Call):
            name = self.ctx.call_name(node) or ""
            if name in TRACEBACK_CALLS:
                return f"{name}()"
            func = node.func
            if name in _EXCEPTION_TEXT_CALLS:
                parts = [*node.args, *(k.value for k in node.keywords)]
            elif isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS:
                parts = [func.value, *node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            parts = [node.left, node.right]
        elif isinstance(node, (ast.Tuple, ast.List)):
            parts = list(node.elts)
        elif isinstance(node, ast.Dict):
            parts = [v for v in node.values if v is not None]
        for part in parts:
            found = self.find(part)
            if found:
                return found
        return None


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a handler in source order, with nested blocks; not nested functions, classes or
    handlers of an inner `try` (the rule runs on those itself)."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for name in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, name, None) or [])


def _expressions(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of a statement's own expressions (not of the statements nested in it)."""
    for _, value in ast.iter_fields(stmt):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.expr):
                yield from walk_nodes(item)


def _is_view(ctx: Context) -> bool:
    """Whether the enclosing function is a route the specs know (its return value is the response)."""
    function = ctx.function
    if function is None or isinstance(function, ast.Lambda):
        return False
    routes = _file_view(ctx).routes
    for decorator in function.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else None
        if func is not None and any(isinstance(func, ast.Attribute) and func.attr in spec.route_decorators
                                    or (ctx.qualname(func) or "") in spec.decorator_qualnames for spec in routes):
            return True
    return False


def _response_call(ctx: Context, call: ast.Call) -> bool:
    """A response or HTTP error constructor, or a request handler writing its response (`self.write`)."""
    name = ctx.call_name(call) or ""
    if name in RESPONSE_CALLS or name.startswith(RESPONSE_PREFIXES):
        return True
    spelled = dotted(call.func)
    return spelled.startswith("self.") and spelled[5:] in _HANDLER_WRITES and bool(_handler_specs(ctx))


@rule(
    id="exception-details-in-response",
    tests=False,
    name="Stack trace or unexpected exception text sent to the client",
    cwe="209",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.ExceptHandler,),
    fix="Log the exception (logger.exception(...)) and send the client a generic message with an error id; "
    "send exception text only for exceptions you raise for the client, caught by name.",
)
def exception_details_in_response(node: ast.ExceptHandler, ctx: Context) -> None:
    """
    ## What it does
    Finds `except` handlers that put a traceback (`traceback.format_exc()`,
    `traceback.format_exception()`) or the text of an exception caught by a
    broad handler (`str(exc)`, `repr(exc)`, `f"{exc}"` under `except
    Exception`) into a response: a response or HTTP error constructor, a
    request handler's `self.write()`/`self.send_error()`, or the return
    value of a route.

    ## Why is this bad
    A traceback shows file paths, library versions, code and local values;
    the message of an unexpected exception can hold SQL, connection strings,
    internal host names or another user's data. Both help an attacker map
    the system and tune the next request (CWE-209). Messages of exceptions
    the code raises for the client, caught by name, are meant to be shown
    and are not reported.

    ## Example
    ```python
    try:
        return jsonify(run_report(request.args))
    except Exception as exc:
        return jsonify(error=str(exc), trace=traceback.format_exc()), 500
    ```

    ## Use instead
    ```python
    except Exception:
        LOG.exception("report failed")
        return jsonify(error="internal error"), 500
    ```
    """
    text = _ExceptionText(ctx, node)
    if text.name is None and not _MENTIONS_TRACEBACK(ctx) or in_test_code(ctx):
        return  # neither a broad handler's exception nor a traceback to show
    for stmt in _statements(node.body):
        sent: list[tuple[ast.AST, str | None, str]] = []  # (where it is sent, the text it shows, how)
        if isinstance(stmt, ast.Return) and _is_view(ctx):
            sent.append((stmt, text.find(stmt.value), " as what the route returns"))
        for sub in _expressions(stmt):
            if isinstance(sub, ast.Call) and _response_call(ctx, sub):
                sent.append((sub, next(filter(None, map(text.find, (*sub.args, *(k.value for k in sub.keywords)))),
                                       None), ""))
        for where, shown, how in sent:
            if shown:
                trace = shown.startswith("traceback.")
                what = f"A traceback (`{shown}`)" if trace else f"The text of an unexpected exception (`{shown}`)"
                ctx.report(where, f"{what} is sent to the client{how}; it shows internals the client should not see.",
                           confidence=Confidence.HIGH if trace else None)
                return
        text.learn(stmt)
