"""Credentials sent over plain HTTP (CWE-319).

`cleartext-protocol-login` (protection.py) covers FTP, SMTP, IMAP and POP3 logins;
this module covers the HTTP clients: a request to a constant `http://` URL on another
host that carries `auth=`, `cookies=` or an `Authorization`/`Cookie`/API-key header.
A plain `http://` URL alone is not a finding: only what it carries makes it one.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.hosts import netloc_host, reaches_this_machine
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.heuristics import in_test_code
from secreview.rules.resources_network import HTTP_CLIENT_CALLS

_PLAIN_URL = re.compile(r"^http://([^/?#]+)", re.IGNORECASE)
# Header names whose value is a credential.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key",
                                 "x-auth-token", "private-token", "x-access-token"})
_CREDENTIAL_KEYWORDS = ("auth", "cookies")


def _plain_host(ctx: Context, url: ast.expr | None) -> str | None:
    """The host of a URL written as a constant `http://` (or an f-string that starts so)."""
    if url is None:
        return None
    value = ctx.constant_value(url)
    text = value if isinstance(value, str) else None
    if text is None and isinstance(url, ast.JoinedStr) and url.values:  # f"http://host/{path}"
        head = url.values[0]
        head_value = ctx.constant_value(head.value if isinstance(head, ast.FormattedValue) else head)
        text = head_value if isinstance(head_value, str) else None
    if text is None:
        return None
    match = _PLAIN_URL.match(text)
    # a host that never leaves the machine: nothing to eavesdrop on the way
    if match is None or "{" in match[1] or reaches_this_machine(netloc_host(match[1])):
        return None
    return match[1].rsplit("@", 1)[-1]


def _credential_carried(ctx: Context, node: ast.Call) -> str | None:
    """What credential the call sends: `auth=`, `cookies=` or a credential header."""
    for name in _CREDENTIAL_KEYWORDS:
        found = keyword(node, name)
        if found is not None and ctx.constant_value(found.value) is not None:
            return f"{name}="
    headers = keyword(node, "headers")
    if headers is not None and isinstance(headers.value, ast.Dict):
        for key in headers.value.keys:
            value = ctx.constant_value(key) if key is not None else None
            if isinstance(value, str) and value.lower() in _CREDENTIAL_HEADERS:
                return f"the {value} header"
    return None


@rule(
    id="cleartext-credentials-http",
    tests=False,
    name="Credentials sent to a plain http:// URL",
    cwe="319",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=tuple(HTTP_CLIENT_CALLS),
    fix="Use an https:// URL for any request that carries a password, token, API key or cookie "
    "(and keep certificate verification on).",
)
def cleartext_credentials_http(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds HTTP client calls (requests, httpx, urllib3, aiohttp) to a constant
    `http://` URL on another host that pass `auth=`, `cookies=` or an
    `Authorization`, `Cookie` or API-key header. Loopback hosts are not
    reported, and neither is a plain URL that carries no credential.

    ## Why is this bad
    Plain HTTP is readable and changeable by anyone on the network path: a
    Basic-auth password, bearer token or session cookie sent this way is
    handed to them (CWE-319).

    ## Example
    ```python
    requests.post("http://api.example.com/v1/jobs", auth=("svc", password), timeout=10)
    ```

    ## Use instead
    ```python
    requests.post("https://api.example.com/v1/jobs", auth=("svc", password), timeout=10)
    ```
    """
    position = HTTP_CLIENT_CALLS.get(ctx.call_name(node) or "")
    if position is None or in_test_code(ctx):
        return
    host = _plain_host(ctx, argument(node, position, "url"))
    if host is None:
        return
    carried = _credential_carried(ctx, node)
    if carried is not None:
        ctx.report(node, f"{carried} is sent in cleartext to http://{host}.")
