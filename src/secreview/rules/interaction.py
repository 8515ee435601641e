"""CWE-435 Improper Interaction Between Multiple Correctly-Behaving Entities.

Each component here behaves as documented; the defect is that two of them
read the same request differently — a URL parser and an HTTP client, a CSRF
layer and a method-override header, a GET-is-safe convention and a view that
writes.
"""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, keyword, rule
from secreview.rules.heuristics import (
    in_tests,
    module_nodes,
    name_of,
    parameter_names,
    walk_body,
)

_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit"})
_URL_PARTS = frozenset({"netloc", "hostname", "scheme", "port"})
_FETCH_ROOTS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
_URL_SINKS = frozenset({
    "urllib.request.urlopen", "urllib.request.Request", "flask.redirect", "werkzeug.utils.redirect",
    "django.shortcuts.redirect", "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
    "starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse",
})


def _url_argument(call: ast.Call) -> ast.expr | None:
    url = keyword(call, "url")
    if url is not None:
        return url.value
    if not call.args:
        return None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "request" and len(call.args) > 1:
        return call.args[1]
    return call.args[0]


def _parsed_name(ctx: Context, node: ast.expr) -> str | None:
    """The raw URL name behind `urlparse(url).hostname` or `parts.hostname` (parts = urlsplit(url))."""
    if isinstance(node, ast.Call) and ctx.call_name(node) in _URL_PARSERS and node.args:
        raw = node.args[0]
        return raw.id if isinstance(raw, ast.Name) else None
    return None


_MENTIONS_METHOD = ("ethod", "METHOD")


_MENTIONS_URL_PARSER = ("urlparse", "urlsplit")

@rule(
    id="url-parser-mismatch",
    tests=False,
    name="URL checked with urllib.parse, then used raw by another parser",
    cwe="436",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Use what you validated: rebuild the URL from the parsed parts (parts.geturl() or "
    "urlunsplit(parts)) and pass that, reject backslashes, control characters and user-info, or use "
    "Django's url_has_allowed_host_and_scheme().",
    mentions=_MENTIONS_URL_PARSER,
)
def url_parser_mismatch(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds a function that checks `urlparse(url).netloc` / `.hostname` /
    `.scheme` (directly or through a name bound to the parse result) and then
    passes the *raw* `url` string to an HTTP client (requests, httpx,
    aiohttp, `urlopen`) or a redirect.

    ## Why is this bad
    `urllib.parse`, urllib3 and browsers disagree on edge cases: backslashes
    (`https://good.com\\@evil.com`), `/\\evil.com`, whitespace and control
    characters, several `@`. The check approves the host urllib.parse saw;
    the client or browser connects to the one it sees (CWE-436), so the
    SSRF or open-redirect filter is bypassed.

    ## Example
    ```python
    if urlparse(next_url).netloc not in ("", "example.com"):
        abort(400)
    return redirect(next_url)
    ```

    ## Use instead
    ```python
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={"example.com"}):
        abort(400)
    return redirect(next_url)
    ```
    """
    if in_tests(ctx):
        return
    parsed_from: dict[str, str] = {}  # name bound to a parse result -> raw URL name
    checked: dict[str, int] = {}  # raw URL name -> line of the first check of its parts
    nodes = walk_body(node)
    for sub in nodes:
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            raw = _parsed_name(ctx, sub.value)
            if raw:
                parsed_from[sub.targets[0].id] = raw
            elif isinstance(sub.value, ast.Attribute) and sub.value.attr in _URL_PARTS:
                raw = _parsed_name(ctx, sub.value.value) or parsed_from.get(name_of(sub.value.value))
                if raw and isinstance(sub.value.value, (ast.Call, ast.Name)):
                    parsed_from[sub.targets[0].id] = raw  # host = urlparse(url).netloc
        if isinstance(sub, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            for part in ast.walk(sub.test):
                raw = None
                if isinstance(part, ast.Attribute) and part.attr in _URL_PARTS:
                    raw = _parsed_name(ctx, part.value) or (
                        parsed_from.get(part.value.id) if isinstance(part.value, ast.Name) else None)
                elif isinstance(part, ast.Name) and part.id in parsed_from:
                    raw = parsed_from[part.id]
                if raw and raw not in checked:
                    checked[raw] = sub.lineno
    if not checked:
        return
    for sub in nodes:
        if not isinstance(sub, ast.Call):
            continue
        name = ctx.call_name(sub) or ""
        if name not in _URL_SINKS and not name.startswith(_FETCH_ROOTS):
            continue
        url = _url_argument(sub)
        if isinstance(url, ast.Name) and url.id in checked and sub.lineno > checked[url.id]:
            ctx.report(sub, f"`{url.id}` was checked through urllib.parse on line {checked[url.id]}, but the raw "
                       f"string goes to {name}(), which may parse it differently.")


# -- state changes on requests browsers treat as safe ------------------------------

_SAFE_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})
_SAFE_DECORATORS = frozenset({"django.views.decorators.http.require_GET", "django.views.decorators.http.require_safe"})


def _get_only(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """How the view is limited to GET, if it is."""
    for decorator in function.decorator_list:
        qual = ctx.qualname(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
        if qual in _SAFE_DECORATORS:
            return f"@{qual.rsplit('.', 1)[-1]}"
        if qual == "django.views.decorators.http.require_http_methods" and isinstance(decorator, ast.Call) \
                and decorator.args and isinstance(decorator.args[0], (ast.List, ast.Tuple)):
            values = {str(ctx.constant_value(e)).upper() for e in decorator.args[0].elts}
            if values and values <= _SAFE_ONLY:
                return f"require_http_methods({sorted(values)})"
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        attr = decorator.func.attr
        if attr == "get" and decorator.args:
            return f"@{ast.unparse(decorator.func)}"
        if attr == "route" and decorator.args:
            methods = keyword(decorator, "methods")
            if methods is None:
                return "a route without methods= (GET only)"
            if isinstance(methods.value, (ast.List, ast.Tuple, ast.Set)):
                values = {str(ctx.constant_value(e)).upper() for e in methods.value.elts}
                if values and values <= _SAFE_ONLY:
                    return f"methods={sorted(values)}"
    if function.name in ("get", "head") and ctx.classes and any(
            name_of(base).endswith("View") for base in ctx.classes[-1].bases) and "self" in parameter_names(function):
        return f"{ctx.classes[-1].name}.{function.name}()"
    return None


def _destructive(node: ast.AST) -> str | None:
    """Deleting or creating records, or deleting files."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    attr, receiver = node.func.attr, node.func.value
    if attr == "delete" and not node.args and not node.keywords:
        return ast.unparse(node)
    if attr == "delete" and name_of(receiver) == "session":
        return ast.unparse(node)
    if attr in ("create", "bulk_create", "update", "get_or_create", "update_or_create") and (
        "objects" in ast.unparse(receiver) or "query" in ast.unparse(receiver)
    ):
        return ast.unparse(node)
    if attr in ("remove", "unlink", "rmtree") and name_of(receiver) in ("os", "shutil"):
        return ast.unparse(node)
    return None


_MENTIONS_VIEWS = ("route", "require_", ".get(", "View")

@rule(
    id="state-change-on-get",
    tests=False,
    name="GET handler that deletes or creates data",
    cwe="650",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Accept the change only on POST/DELETE (methods=['POST'], @require_POST) behind CSRF protection, and "
    "keep GET handlers read-only.",
    mentions=_MENTIONS_VIEWS,
)
def state_change_on_get(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds views limited to GET (Flask `@app.route` without `methods`,
    `@app.get`, Django `@require_GET`/`@require_safe`, a class-based view's
    `get()`) that delete records or files, or create or bulk-update
    records. Counters and caches updated on GET are not reported.

    ## Why is this bad
    CSRF protection, proxies, caches and link prefetchers all assume GET
    does not change anything: CSRF middleware does not check GET, and an
    `<img src="/items/5/delete">` on any page makes a visitor's browser
    perform the deletion (CWE-650).

    ## Example
    ```python
    @app.route("/items/<int:item_id>/delete")
    def delete_item(item_id):
        Item.query.filter_by(id=item_id, owner=current_user.id).delete()
    ```

    ## Use instead
    ```python
    @app.route("/items/<int:item_id>/delete", methods=["POST"])
    def delete_item(item_id):
        Item.query.filter_by(id=item_id, owner=current_user.id).delete()
    ```
    """
    if in_tests(ctx):
        return
    how = _get_only(ctx, node)
    if how is None:
        return
    for sub in walk_body(node):
        change = _destructive(sub)
        if change is not None:
            ctx.report(sub, f"`{change}` changes data in `{node.name}`, which answers GET ({how}); GET is not "
                       "CSRF-checked and is fetched by prefetchers and crawlers.")
            return


# -- method override headers ----------------------------------------------------------

_OVERRIDE_NAMES = frozenset({
    "x-http-method-override", "x-http-method", "x-method-override", "http_x_http_method_override",
    "http_x_http_method", "http_x_method_override", "_method",
})


@rule(
    id="method-override-from-any-request",
    tests=False,
    name="HTTP method override honoured on any request",
    cwe="436",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Subscript,),
    methods=("get", "getlist"),
    fix="Honour X-HTTP-Method-Override (or a _method field) only on POST requests, and only for the methods "
    "you expect: if environ['REQUEST_METHOD'] == 'POST' and override in ('PUT', 'PATCH', 'DELETE'): ...",
    mentions=_MENTIONS_METHOD,
)
def method_override_from_any_request(node: ast.Subscript | ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds code that reads `X-HTTP-Method-Override`, `X-HTTP-Method`,
    `X-Method-Override` or a `_method` field from the request with no
    comparison against `"POST"` in the same function.

    ## Why is this bad
    The CSRF layer, proxies and logs see the real method (often GET, which
    they treat as safe); the application acts on the override (DELETE). A
    link or image tag with `?_method=DELETE` becomes a state change that no
    CSRF check looked at (CWE-436).

    ## Example
    ```python
    method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "")
    if method:
        environ["REQUEST_METHOD"] = method.upper()
    ```

    ## Use instead
    ```python
    method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper()
    if environ["REQUEST_METHOD"] == "POST" and method in ("PUT", "PATCH", "DELETE"):
        environ["REQUEST_METHOD"] = method
    ```
    """
    if isinstance(node, ast.Subscript):
        key = node.slice if isinstance(node.ctx, ast.Load) else None
    else:
        key = node.args[0] if node.args else None
    name = key.value if isinstance(key, ast.Constant) else None
    if not isinstance(name, str) or name.lower() not in _OVERRIDE_NAMES or in_tests(ctx):
        return
    scope: list[ast.AST] = walk_body(ctx.functions[-1]) if ctx.functions and not isinstance(
        ctx.functions[-1], ast.Lambda) else module_nodes(ctx.tree)
    for sub in scope:
        if isinstance(sub, ast.Compare) and any(
                ctx.constant_value(o) == "POST" or (isinstance(o, (ast.Tuple, ast.List, ast.Set)) and any(
                    ctx.constant_value(e) == "POST" for e in o.elts)) for o in (sub.left, *sub.comparators)):
            return
    ctx.report(node, f"the method override {name!r} is honoured whatever the real method is, so a GET "
               "link can trigger a DELETE or PUT that CSRF checks never saw.")
