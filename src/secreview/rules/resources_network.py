"""CWE-664 on the network: where requests go (SSRF, redirects), how long they wait, where servers listen.

Sink tables are module-level constants the taint engine can reuse.
"""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.dataflow_hints import (
    checked_in_function,
    leading_text,
    origin_call,
    report_once,
    request_data,
)
from secreview.rules.heuristics import in_test_code

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_REQUESTS_VERBS = HTTP_VERBS[:-1]


def _verbs(prefix: str, verbs: tuple[str, ...] = HTTP_VERBS) -> dict[str, int]:
    """Qualified names of an HTTP client's calls, with the position of the URL argument."""
    return {f"{prefix}.{verb}": 1 if verb in ("request", "stream") else 0 for verb in verbs}


# Module functions and client/session methods of requests, httpx, aiohttp and urllib.
REQUESTS_CALLS = {**_verbs("requests", _REQUESTS_VERBS), **_verbs("requests.api", _REQUESTS_VERBS)}
REQUESTS_SESSION_CALLS = {**_verbs("requests.Session", _REQUESTS_VERBS), **_verbs("requests.session", _REQUESTS_VERBS),
                          **_verbs("requests.sessions.Session", _REQUESTS_VERBS)}
HTTPX_CALLS = {**_verbs("httpx"), **_verbs("httpx.Client"), **_verbs("httpx.AsyncClient")}
URLLIB_CALLS = {"urllib.request.urlopen": 0, "urllib.request.Request": 0, "urllib3.request": 1,
                **_verbs("urllib3.PoolManager"), **_verbs("aiohttp.ClientSession")}
HTTP_CLIENT_CALLS: dict[str, int] = {**REQUESTS_CALLS, **REQUESTS_SESSION_CALLS, **HTTPX_CALLS, **URLLIB_CALLS}
HTTP_CLIENT_QUALNAMES = tuple(HTTP_CLIENT_CALLS)  # the same sinks as a plain list, for the taint specs

REDIRECT_CALLS = (
    "flask.redirect", "werkzeug.utils.redirect", "quart.redirect", "django.shortcuts.redirect",
    "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
    "django.http.response.HttpResponseRedirect", "starlette.responses.RedirectResponse",
    "fastapi.responses.RedirectResponse",
)
URL_NEUTRALISERS = frozenset({"url_for", "flask.url_for", "reverse", "django.urls.reverse", "resolve_url",
                              "django.shortcuts.resolve_url", "urllib.parse.quote", "quote", "quote_plus"})

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "", "[::]"})
SERVER_ADDRESS_CALLS = (
    "http.server.HTTPServer", "http.server.ThreadingHTTPServer", "socketserver.TCPServer",
    "socketserver.UDPServer", "socketserver.ThreadingTCPServer", "socketserver.ForkingTCPServer",
    "socketserver.ThreadingUDPServer", "xmlrpc.server.SimpleXMLRPCServer",
)
SERVER_HOST_CALLS = ("wsgiref.simple_server.make_server", "werkzeug.serving.run_simple")
SERVER_METHODS = ("bind", "run", "serve", "run_app", "create_server", "start_server")

# A URL whose scheme and host are literal: `https://api.example.com/...`, `/path`.
_FIXED_HOST = re.compile(r"^[a-zA-Z][\w+.-]*://[^/?#{}%]+[/?#]")
_LOCAL_PATH = re.compile(r"^/[^/\\]")
# Flask's URL of the current request: the post/redirect/get pattern, not an open redirect.
_OWN_URL = (".url", ".base_url", ".url_root", ".host_url")


def http_client_call(ctx: Context, node: ast.Call) -> str | None:
    """The qualified name of an HTTP client call, including methods of a client bound by `with`."""
    qual = ctx.call_name(node)
    if qual in HTTP_CLIENT_CALLS:
        return qual
    if qual is None and isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_VERBS:
        origin = origin_call(ctx, node.func.value)
        if origin and f"{origin}.{node.func.attr}" in HTTP_CLIENT_CALLS:
            return f"{origin}.{node.func.attr}"
    return None


@rule(
    id="ssrf-request-url",
    tests=False,
    name="Server-side request to a URL taken from the request",
    cwe="918",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=HTTP_CLIENT_QUALNAMES,
    methods=HTTP_VERBS,
    fix="Do not fetch client-chosen URLs. Fix the scheme and host in code and put client data in the path or "
    "query (with quoting), or check the parsed host against an allow-list before the request.",
)
def ssrf_request_url(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `requests`, `httpx`, `urllib` and `aiohttp` requests whose URL
    contains request data in its scheme or host part (a URL that starts
    with a literal `https://host/` is not reported), unless the value is
    checked earlier in the function.

    ## Why is this bad
    The server makes the request with its own network position: the client
    reaches internal services, cloud metadata endpoints
    (`http://169.254.169.254/`) and `file://` URLs that it cannot reach
    itself, and reads the answers through the application (CWE-918).

    ## Example
    ```python
    preview = requests.get(request.args["url"], timeout=5)
    ```

    ## Use instead
    ```python
    url = urlsplit(request.args["url"])
    if url.scheme != "https" or url.hostname not in ALLOWED_HOSTS:
        abort(400)
    preview = requests.get(url.geturl(), timeout=5)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    name = http_client_call(ctx, node)
    if name is None:
        return
    url = argument(node, HTTP_CLIENT_CALLS[name], "url")
    if url is None or ctx.is_constant(url) or _FIXED_HOST.match(leading_text(ctx, url)):
        return
    origin = request_data(ctx, url, URL_NEUTRALISERS)
    if origin and not checked_in_function(ctx, url):
        report_once(ctx, node, f"{name}() fetches a URL whose host comes from `{origin}`; the client chooses "
                    "where the server connects.")


@rule(
    id="open-redirect",
    tests=False,
    name="Redirect to a URL taken from the request",
    cwe="601",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    calls=REDIRECT_CALLS,
    fix="Redirect only to local paths or allowed hosts: in Django "
    "url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}), elsewhere check that "
    "urlsplit(url) has no scheme or netloc; fall back to a fixed page otherwise.",
)
def open_redirect(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `redirect()`, `HttpResponseRedirect()` and `RedirectResponse()`
    whose target contains request data (a `next=` parameter, a header, a
    form field) that is not checked earlier in the function. Targets that
    start with a literal local path (`/account/...`) or a literal
    `https://host/` are not reported.

    ## Why is this bad
    A link to the trusted site bounces the victim to any site the attacker
    names (`?next=https://evil.example`), which makes phishing pages look
    legitimate and can leak OAuth codes or tokens in the URL (CWE-601).
    Redirecting back to the `Referer` is reported with low confidence: the
    browser sets it to the page the user came from.
    `//evil.example` is a full URL too, so a bare leading `/` is not enough.

    ## Example
    ```python
    return redirect(request.args.get("next", "/"))
    ```

    ## Use instead
    ```python
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    target = argument(node, 0, "location") or argument(node, 0, "url") or argument(node, 0, "to")
    if target is None or ctx.is_constant(target):
        return
    prefix = leading_text(ctx, target)
    if _LOCAL_PATH.match(prefix) or _FIXED_HOST.match(prefix):
        return
    origin = request_data(ctx, target, URL_NEUTRALISERS)
    if origin and origin.endswith(_OWN_URL):
        return  # the URL the client just requested, on the host it connected to
    if origin and not checked_in_function(ctx, target):
        referrer = "referrer" in origin.lower() or "referer" in origin.lower()
        ctx.report(node, f"{ctx.call_name(node)}() redirects to `{origin}`, which the client chooses; any "
                   "external site is accepted.", confidence=Confidence.LOW if referrer else None)


def _all_interfaces(ctx: Context, value: ast.expr | None) -> str | None:
    host = ctx.constant_value(value)
    return host if isinstance(host, str) and host in ALL_INTERFACES else None


@rule(
    id="bind-all-interfaces",
    tests=False,
    name="Server bound to all network interfaces",
    cwe="1327",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    calls=SERVER_ADDRESS_CALLS + SERVER_HOST_CALLS,
    methods=SERVER_METHODS,
    bandit=("B104",),
    fix="Bind to the interface that should serve (127.0.0.1 for local use), and make the address "
    "configurable: app.run(host=os.environ.get('HOST', '127.0.0.1')).",
)
def bind_all_interfaces(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds sockets and servers bound to every interface with a literal
    address: `sock.bind(("0.0.0.0", port))`, `HTTPServer(("", 8000), ...)`,
    `app.run(host="0.0.0.0")`, `uvicorn.run(app, host="::")`. Test code is
    not reported.

    ## Why is this bad
    The service is reachable from every network the machine is on, not only
    the one it was meant for; a development server or an admin port then
    becomes reachable from the LAN or the internet (CWE-1327). Inside a
    container this is often intended, hence the low severity: make it an
    explicit, configurable choice.

    ## Example
    ```python
    app.run(host="0.0.0.0", port=8080)
    ```

    ## Use instead
    ```python
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=8080)
    ```
    """
    if in_test_code(ctx):
        return
    name = ctx.call_name(node) or ""
    host = None
    if name in SERVER_HOST_CALLS:
        host = _all_interfaces(ctx, argument(node, 0, "host") or argument(node, 0, "hostname"))
    elif name in SERVER_ADDRESS_CALLS or (isinstance(node.func, ast.Attribute) and node.func.attr == "bind"):
        address = argument(node, 0, "server_address") or argument(node, 0, "address")
        if isinstance(address, ast.Tuple) and address.elts:
            host = _all_interfaces(ctx, address.elts[0])
    else:
        setting = keyword(node, "host")
        host = _all_interfaces(ctx, setting.value) if setting is not None else None
    if host is not None:
        ctx.report(node, f"Listening on {host or 'every interface'!r} accepts connections on every network "
                   "interface of the machine.")


@rule(
    id="http-request-without-timeout",
    tests=False,
    name="HTTP request that can wait forever",
    cwe="1088",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    calls=tuple(n for n in HTTP_CLIENT_CALLS if not n.startswith(("aiohttp.", "urllib3.", "urllib.request.Request"))),
    methods=HTTP_VERBS,
    bandit=("B113",),
    fix="Pass a timeout: requests.get(url, timeout=(3.05, 30)); urlopen(url, timeout=30). "
    "httpx has a 5 s default; do not set timeout=None.",
)
def http_request_without_timeout(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `requests` calls (module functions and `Session` methods) and
    `urllib.request.urlopen()` without `timeout=`, and `httpx` calls with
    `timeout=None`. Test code is not reported.

    ## Why is this bad
    `requests` and `urlopen` wait for the server indefinitely unless told
    otherwise (the documented default is no timeout). A slow or malicious
    peer holds the worker, and a handful of such requests exhausts the pool
    (CWE-1088, leading to CWE-400). `httpx` times out after 5 s by default,
    so only an explicit `timeout=None` is reported for it.

    ## Example
    ```python
    response = requests.get(url)
    ```

    ## Use instead
    ```python
    response = requests.get(url, timeout=10)
    ```
    """
    if in_test_code(ctx) or any(k.arg is None for k in node.keywords):
        return
    name = http_client_call(ctx, node)
    if name is None or name.startswith(("aiohttp.", "urllib3.", "urllib.request.Request")):
        return
    timeout = keyword(node, "timeout")
    if name.startswith("httpx"):
        if timeout is not None and ctx.constant_value(timeout.value) is None:
            report_once(ctx, node, f"{name}(timeout=None) waits for the server without limit.")
        return
    if name == "urllib.request.urlopen" and len(node.args) > 2:
        return  # urlopen(url, data, timeout)
    if timeout is None:
        report_once(ctx, node, f"{name}() has no timeout; it waits for a silent server forever.",
                    confidence=Confidence.HIGH if name in REQUESTS_CALLS else Confidence.MEDIUM)
