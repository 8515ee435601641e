"""CWE-200 in HTTP clients: credentials carried to the target of a redirect.

An HTTP client that follows redirects itself reads `Location`, builds the next
request from the previous one and sends it. Whatever headers it copies go to the
new URL. `Authorization`, `Proxy-Authorization` and `Cookie` belong to the origin
they were set for: scheme, host and port (RFC 6265 scopes cookies by host, RFC
9110 leaves it to the client not to leak credentials). A redirect to another
host, or from https to http on the same host, or to another port, must drop
them. Clients that got this wrong are a long series of advisories.
"""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.dataflow_hints import leading_text
from secreview.rules.heuristics import in_test_code

_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")
_LOCATION = "location"
_LOCATION_TEXT = re.compile(r"""["'][Ll]ocation["']""")  # the header's name as a literal, on some line
_HEADER_READERS = frozenset({"get", "getheader", "get_all", "getlist", "__getitem__"})
# URL parts and what of the origin each compares (a urlsplit()/urlparse() result or httpx/yarl URL).
_PARTS = {"scheme": {"scheme"}, "hostname": {"host"}, "host": {"host"}, "netloc": {"host", "port"},
          "port": {"port"}, "origin": {"scheme", "host", "port"}, "raw_host": {"host"}}
_ORIGIN = frozenset({"scheme", "host", "port"})
_SPLITTERS = {0: {"scheme"}, 1: {"host", "port"}}  # urlsplit(u)[0], urlsplit(u)[1]


def _reads_location(node: ast.AST) -> bool:
    """`r.headers["Location"]`, `r.headers.get("location")`, `r.getheader("Location")`."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and str(key.value).lower() == _LOCATION
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _HEADER_READERS:
        return bool(node.args) and isinstance(node.args[0], ast.Constant) \
            and str(node.args[0].value).lower() == _LOCATION
    return False


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _redirect_names(function: ast.AST) -> set[str]:
    """Names that hold the redirect target: assigned from a Location read, or from a name that does."""
    names: set[str] = set()
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    for _ in range(3):  # location = ...; url = urljoin(url, location); next_url = url ...
        for assign in assigns:
            if any(_reads_location(n) for n in ast.walk(assign.value)) or _names_in(assign.value) & names:
                names |= {t.id for t in assign.targets if isinstance(t, ast.Name)}
    return names


def _stripped(function: ast.AST) -> list[ast.AST]:
    """Statements that remove a credential header: `del h["Authorization"]`, `h.pop("Cookie", None)`."""
    found: list[ast.AST] = []
    for node in ast.walk(function):
        keys: list[ast.expr] = []
        if isinstance(node, ast.Delete):
            keys = [t.slice for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "remove"):
            keys = list(node.args[:1])
        if any(isinstance(k, ast.Constant) and str(k.value).lower() in _CREDENTIAL_HEADERS for k in keys):
            found.append(node)
    return found


def _compared_parts(function: ast.AST) -> set[str]:
    """Which parts of the origin the function compares between two URLs."""
    parts: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Compare):
            continue
        for side in [node.left, *node.comparators]:
            for sub in ast.walk(side):
                if isinstance(sub, ast.Attribute) and sub.attr in _PARTS:
                    parts |= _PARTS[sub.attr]
                elif isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant) \
                        and sub.slice.value in _SPLITTERS:
                    parts |= _SPLITTERS[sub.slice.value]  # type: ignore[index]
    for node in ast.walk(function):  # same_origin(a, b), self._is_same_origin(...), should_strip_auth(...)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if "origin" in name.lower() or "strip_auth" in name.lower():
                parts |= _ORIGIN
    return parts


def _forwards_headers(call: ast.Call, targets: set[str]) -> bool:
    """A call that sends the redirect target (an argument mentions it) with headers or auth."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    if not any(_names_in(a) & targets for a in arguments):
        return False
    if any(k.arg in ("headers", "auth", "cookies") for k in call.keywords):
        return True
    return any("header" in name.lower() for a in call.args for name in _names_in(a))


@rule(
    id="redirect-credentials-forwarded",
    tests=False,
    name="Credentials carried to a redirect target without an origin check",
    cwe="200",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Before sending the redirected request, compare scheme, host and port of the old and new URL and drop "
    "Authorization, Proxy-Authorization and Cookie when any differs: if (old.scheme, old.hostname, old.port) != "
    "(new.scheme, new.hostname, new.port): headers.pop('Authorization', None) ...",
)
def redirect_credentials_forwarded(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds code that follows an HTTP redirect itself — reads the `Location`
    header and sends a new request to it with the previous request's headers
    (or `auth=`/`cookies=`) — without comparing scheme, host and port of the
    two URLs and dropping `Authorization`, `Proxy-Authorization` and `Cookie`
    when they differ. A check of the host alone is reported too: a redirect
    from `https://` to `http://` on the same host, or to another port, still
    carries the credentials.

    ## Why is this bad
    The server that answers with a redirect, or anyone who can inject one on
    a plain-HTTP hop, chooses where the client's credentials go next: a
    bearer token or session cookie sent to another host, or in clear text
    over http, is a leaked credential (CWE-200, CWE-522).

    ## Example
    ```python
    while resp.status in (301, 302, 303, 307, 308):
        url = urljoin(url, resp.headers["Location"])
        resp = self.send("GET", url, headers=headers)
    ```

    ## Use instead
    ```python
    while resp.status in (301, 302, 303, 307, 308):
        new = urljoin(url, resp.headers["Location"])
        old_p, new_p = urlsplit(url), urlsplit(new)
        if (old_p.scheme, old_p.hostname, old_p.port) != (new_p.scheme, new_p.hostname, new_p.port):
            headers = {k: v for k, v in headers.items() if k.lower() not in SENSITIVE}
        url = new
        resp = self.send("GET", url, headers=headers)
    ```
    """
    if in_test_code(ctx) or not any(_LOCATION_TEXT.search(line) for line in ctx.lines[node.lineno - 1:node.end_lineno]):
        return  # no Location header read here: the common case, decided on the text alone
    targets = _redirect_names(node)
    if not targets:
        return
    sends = [c for c in ast.walk(node) if isinstance(c, ast.Call) and _forwards_headers(c, targets)]
    if not sends:
        return
    parts = _compared_parts(node)
    strips = _stripped(node)
    if parts >= _ORIGIN:
        return
    if strips and not parts:
        return  # dropped on every redirect, whatever the target
    read_at = min(n.lineno for n in ast.walk(node) if isinstance(n, (ast.Subscript, ast.Call)) and _reads_location(n))
    send = next((c for c in sends if c.lineno > read_at), sends[-1])
    if parts:
        missing = " or ".join(sorted(_ORIGIN - parts))
        ctx.report(send, f"The redirect is followed with the previous request's headers after comparing only the "
                   f"{' and '.join(sorted(parts))} of the two URLs: a redirect that changes the {missing} "
                   "(https to http on the same host, another port) still receives Authorization and Cookie.")
    else:
        ctx.report(send, f"{node.name}() follows the Location header and sends the previous request's headers to "
                   "the new URL with no comparison of scheme, host and port: Authorization, Proxy-Authorization "
                   "and Cookie go to whatever host the redirect names.")


# The request's own path as a server library sees it: http.server's `self.path`, WSGI's environ keys.
_OWN_PATH_ATTRIBUTES = frozenset({"path", "raw_requestline", "requestline"})
_OWN_PATH_KEYS = frozenset({"PATH_INFO", "REQUEST_URI", "RAW_URI", "SCRIPT_NAME"})
# Ways to make a path start with exactly one "/": collapse or escape leading slashes, or reject "//".
_LEADING_SLASH_FIXES = frozenset({"escape_leading_slashes", "lstrip", "strip"})
# A value that starts with a literal "/segment" or "scheme://host/" stays on a known site.
_FIXED_START = re.compile(r"^(/[^/\\]|[a-zA-Z][\w+.-]*://[^/?#]+[/?#])")


def _own_path(ctx: Context, node: ast.AST, depth: int = 4) -> str | None:
    """The spelling of the request's own path inside `node` (`self.path`, `environ["PATH_INFO"]`),
    following local names to what was assigned to them."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in _OWN_PATH_ATTRIBUTES and isinstance(sub.value, ast.Name) \
                and sub.value.id == "self" and ctx.classes:
            return ast.unparse(sub)
        if isinstance(sub, (ast.Subscript, ast.Call)):
            key = sub.slice if isinstance(sub, ast.Subscript) else (sub.args[0] if sub.args else None)
            if isinstance(key, ast.Constant) and key.value in _OWN_PATH_KEYS:
                return ast.unparse(sub)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and depth > 0:
            assigned = ctx.assigned_value(sub)
            if assigned is not None and assigned is not sub:
                found = _own_path(ctx, assigned, depth - 1)
                if found:
                    return found
    return None


def _collapses(node: ast.AST) -> bool:
    """`p.lstrip("/")`, `p.strip("/")` or `escape_leading_slashes(p)` somewhere in `node`."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            first = sub.args[0] if sub.args else None
            if name == "escape_leading_slashes" or (
                    name in _LEADING_SLASH_FIXES and isinstance(first, ast.Constant) and "/" in str(first.value)):
                return True
    return False


def _leading_slashes_handled(scope: ast.AST, value_names: set[str]) -> bool:
    """The path is made to start with one slash before it reaches Location: a test of `startswith("//")`,
    or an assignment to `self.path` or to a name the Location value is built from that collapses the
    leading slashes (`self.path = "/" + self.path.lstrip("/")`)."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith" \
                and node.args and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("//"):
            return True
        if isinstance(node, ast.Assign) and _collapses(node.value) and any(
                ast.unparse(t) == "self.path" or (isinstance(t, ast.Name) and t.id in value_names)
                for t in node.targets):
            return True
    return False


def _value_names(ctx: Context, node: ast.AST, depth: int = 4) -> set[str]:
    """Local names the value is built from, through what was assigned to them."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in names:
            names.add(sub.id)
            assigned = ctx.assigned_value(sub)
            if depth > 0 and assigned is not None and assigned is not sub:
                names |= _value_names(ctx, assigned, depth - 1)
    return names


def _location_value(node: ast.Call) -> ast.expr | None:
    """The value of a `Location` header set by `send_header("Location", v)` or `("Location", v)` in a call."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("send_header", "add_header", "putheader") \
            and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) \
            and str(node.args[0].value).lower() == "location":
        return node.args[1]
    return None


@rule(
    id="redirect-own-path-leading-slashes",
    tests=False,
    name="Redirect to the request's own path without collapsing leading slashes",
    cwe="601",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=("send_header", "add_header", "putheader"),
    fix="Make the path start with exactly one slash before it goes into Location: "
    "path = '/' + path.lstrip('/') (or reject paths that start with '//'), as http.server does since "
    "CVE-2021-28861 and Django's escape_leading_slashes().",
)
def redirect_own_path_leading_slashes(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds a `Location` header built from the request's own path — `self.path`
    of an `http.server` handler, `environ["PATH_INFO"]` or `REQUEST_URI` of a
    WSGI app — with a slash appended or another part changed (the "add a
    trailing slash" redirect of a file or directory server), when nothing in
    the handler collapses leading slashes or rejects a path starting `//`.

    ## Why is this bad
    A request for `//evil.example/` redirects to `//evil.example//`, which a
    browser reads as a URL on another host: a link to the trusted server
    sends its users to the attacker's site (CWE-601; CPython CVE-2021-28861,
    Django CVE-2018-14574).

    ## Example
    ```python
    self.send_header("Location", self.path + "/")
    ```

    ## Use instead
    ```python
    self.send_header("Location", "/" + self.path.lstrip("/") + "/")
    ```
    """
    if in_test_code(ctx):
        return
    value = _location_value(node)
    if value is None:
        return
    origin = _own_path(ctx, value)
    if origin is None or _FIXED_START.match(leading_text(ctx, value)):
        return  # "/static" + self.path: a path below a fixed first segment
    scope = ctx.classes[-1] if ctx.classes else ctx.function
    if scope is None or _leading_slashes_handled(scope, _value_names(ctx, value)) or _collapses(value):
        return
    ctx.report(node, f"The Location header is built from the request's own path `{origin}`; nothing collapses its "
               "leading slashes, so a request for `//evil.example/` redirects the browser to another host.")
