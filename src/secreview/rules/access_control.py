"""CWE-284 Improper Access Control: who may reach what."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, is_false, keyword, rule

HTTP_CLIENT_ROOTS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"})


@rule(
    id="tls-verification-disabled",
    name="TLS certificate verification disabled",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call,),
    bandit=("B501",),
    fix="Remove verify=False. To trust a private CA, pass its bundle: verify='/etc/ssl/private-ca.pem' "
    "(or set REQUESTS_CA_BUNDLE).",
)
def tls_verification_disabled(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds HTTP client calls (requests, httpx, aiohttp, urllib3 and sessions
    of them) made with `verify=False`.

    ## Why is this bad
    Without certificate verification anyone on the network path can
    impersonate the server and read or change the traffic, credentials
    included (CWE-295).

    ## Example
    ```python
    requests.get(url, verify=False)
    ```

    ## Use instead
    ```python
    requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")
    ```
    """
    verify = keyword(node, "verify")
    if verify is None or not is_false(verify.value):
        return
    name = ctx.call_name(node) or ""
    is_client = name.startswith(HTTP_CLIENT_ROOTS)
    if not is_client and isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_METHODS:
        is_client = True
    if not is_client:
        return
    if ctx.is_test and "localhost" in ast.unparse(node):
        return
    ctx.report(node, f"{name or ast.unparse(node.func)}() is called with verify=False, so any "
               "machine on the network path can impersonate the server.")
