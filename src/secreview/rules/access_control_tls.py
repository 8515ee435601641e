"""CWE-284 Improper Access Control: peers not authenticated (TLS certificate and host name checks, SSH host keys)."""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.heuristics import (
    in_tests,
)

HTTP_CLIENT_ROOTS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"})


_MENTIONS_VERIFY = ("verify", "ssl=")
_VERIFY_KEYWORDS = frozenset({"verify", "ssl", "verify_ssl"})
_MENTIONS_UNVERIFIED = ("CERT_NONE", "_create_unverified_context", "_create_stdlib_context")
_MENTIONS_CHECK_HOSTNAME = ("check_hostname",)


@rule(
    id="tls-verification-disabled",
    name="TLS certificate verification disabled",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call, ast.Assign),
    bandit=("B501",),
    fix="Remove verify=False. To trust a private CA, pass its bundle: verify='/etc/ssl/private-ca.pem' "
    "(or set REQUESTS_CA_BUNDLE).",
    mentions=_MENTIONS_VERIFY,
)
def tls_verification_disabled(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds HTTP client calls (requests, httpx, aiohttp, urllib3 and sessions
    of them) made with `verify=False` (aiohttp: `ssl=False`,
    `verify_ssl=False`), and `session.verify = False` on a requests session,
    outside tests (which often talk to servers with self-signed
    certificates).

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
    if isinstance(node, ast.Call):
        if not any(kw.arg in _VERIFY_KEYWORDS and is_false(kw.value) for kw in node.keywords):
            return  # only verify=/ssl=/verify_ssl=False is reported: asked before the call's name
    elif not is_false(node.value):
        return  # only `... = False` turns verification off
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if (isinstance(target, ast.Attribute) and target.attr == "verify" and is_false(node.value)
                    and (ctx.qualname(target.value) or "").startswith(HTTP_CLIENT_ROOTS)):
                ctx.report(node, f"`{ast.unparse(target)} = False` turns off certificate verification for every "
                           "request made with this session.")
        return
    name = ctx.call_name(node) or ""
    verify = keyword(node, "verify")
    if name.startswith("aiohttp."):
        verify = keyword(node, "ssl") or keyword(node, "verify_ssl") or verify
    if verify is None or not is_false(verify.value):
        return
    is_client = name.startswith(HTTP_CLIENT_ROOTS)
    if not is_client and isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_METHODS:
        is_client = True
    if not is_client:
        return
    if in_tests(ctx):
        return  # test servers with self-signed certificates
    ctx.report(node, f"{name or ast.unparse(node.func)}() is called with {verify.arg}=False, so any "
               "machine on the network path can impersonate the server.")


# -- TLS configured to accept any certificate ----------------------------------

_UNVERIFIED_CONTEXTS = ("ssl._create_unverified_context", "ssl._create_stdlib_context")


def _is_cert_none(ctx: Context, node: ast.expr | None) -> bool:
    if node is None:
        return False
    if ctx.qualname(node) in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"):
        return True
    return ctx.constant_value(node) in ("CERT_NONE", "NONE")


@rule(
    id="tls-context-unverified",
    name="TLS context that accepts any certificate",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call, ast.Assign),
    bandit=("B323", "B501"),
    fix="Use ssl.create_default_context() (it verifies certificates and host names); to trust a private "
    "CA, load it with context.load_verify_locations('/etc/ssl/private-ca.pem').",
    mentions=_MENTIONS_UNVERIFIED,
)
def tls_context_unverified(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds TLS set up without certificate verification:
    `ssl._create_unverified_context()`, `context.verify_mode = ssl.CERT_NONE`,
    and `cert_reqs=ssl.CERT_NONE` / `cert_reqs="CERT_NONE"` (urllib3 pools,
    `ssl.wrap_socket`).

    ## Why is this bad
    With `CERT_NONE` the client accepts any certificate, so anyone on the
    network path can impersonate the server and read or change the traffic
    (CWE-295).

    ## Example
    ```python
    context = ssl._create_unverified_context()
    urllib.request.urlopen(url, context=context)
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context(cafile="/etc/ssl/private-ca.pem")
    urllib.request.urlopen(url, context=context, timeout=10)
    ```
    """
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "verify_mode" and _is_cert_none(ctx, node.value):
                ctx.report(node, f"`{ast.unparse(target)} = {ast.unparse(node.value)}` makes the TLS context "
                           "accept any certificate.")
        return
    name = ctx.call_name(node) or ""
    if name in _UNVERIFIED_CONTEXTS:
        ctx.report(node, f"{name}() returns a context that skips certificate and host name verification.")
        return
    cert_reqs = keyword(node, "cert_reqs")
    if cert_reqs is not None and _is_cert_none(ctx, cert_reqs.value):
        ctx.report(node, f"{name or ast.unparse(node.func)}(cert_reqs=CERT_NONE) accepts any certificate.")


@rule(
    id="tls-hostname-check-disabled",
    name="TLS host name checking disabled",
    cwe="297",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Assign,),
    fix="Leave check_hostname = True (the default of ssl.create_default_context()); for a server known "
    "by another name, pass server_hostname='the-name-on-its-certificate' to wrap_socket().",
    mentions=_MENTIONS_CHECK_HOSTNAME,
)
def tls_hostname_check_disabled(node: ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds `context.check_hostname = False` on an `ssl.SSLContext` (any
    attribute named `check_hostname` set to `False`).

    ## Why is this bad
    The certificate is still checked against the trusted CAs, but not against
    the host the client meant to reach: any valid certificate for any domain
    the attacker owns is accepted (CWE-297).

    ## Example
    ```python
    context = ssl.create_default_context()
    context.check_hostname = False
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context()
    sock = context.wrap_socket(raw, server_hostname="db.internal.example")
    ```
    """
    if not is_false(node.value):
        return
    for target in node.targets:
        if isinstance(target, ast.Attribute) and target.attr == "check_hostname" and is_false(node.value):
            ctx.report(node, f"`{ast.unparse(target)} = False` accepts a certificate issued for any host name.")


_MENTIONS_HOST_KEY_POLICY = ("Policy", "known_hosts")

@rule(
    id="ssh-host-key-not-verified",
    tests=False,
    name="SSH client accepts unknown host keys",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    methods=("set_missing_host_key_policy",),
    calls=("asyncssh.connect", "asyncssh.connect_reverse", "asyncssh.SSHClientConnectionOptions"),
    bandit=("B507",),
    fix="Load known host keys (client.load_system_host_keys() or client.load_host_keys(path)) and keep "
    "paramiko's default RejectPolicy; with asyncssh pass known_hosts='/path/to/known_hosts'.",
    mentions=_MENTIONS_HOST_KEY_POLICY,
)
def ssh_host_key_not_verified(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds paramiko clients given `AutoAddPolicy` or `WarningPolicy` for
    unknown host keys, and asyncssh connections made with `known_hosts=None`,
    outside tests.

    ## Why is this bad
    The host key is what authenticates the server. Accepting an unknown key
    lets anyone who can intercept the first (or any) connection pose as the
    server and capture the password or the commands (CWE-295).

    ## Example
    ```python
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ```

    ## Use instead
    ```python
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    ```
    """
    if in_tests(ctx):
        return
    if isinstance(node.func, ast.Attribute) and node.func.attr == "set_missing_host_key_policy":
        policy = argument(node, 0, "policy")
        if policy is None:
            return
        target = policy.func if isinstance(policy, ast.Call) else policy
        name = ctx.qualname(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
        if name and name.rsplit(".", 1)[-1] in ("AutoAddPolicy", "WarningPolicy") and name.startswith("paramiko"):
            ctx.report(node, f"{name.rsplit('.', 1)[-1]} accepts the key of any server not seen before, "
                       "so the SSH connection can be intercepted.")
        return
    known = keyword(node, "known_hosts")
    if known is not None and isinstance(known.value, ast.Constant) and known.value.value is None:
        ctx.report(node, f"{ctx.call_name(node)}(known_hosts=None) skips host key verification.")


# -- hard-coded credentials and keys -------------------------------------------
