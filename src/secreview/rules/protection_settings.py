"""Framework settings that weaken a protection the framework otherwise gives (CWE-693 pillar).

Django's HTTPS settings: `SECURE_HSTS_SECONDS` with `SECURE_SSL_REDIRECT = False`.
Cookie and CSRF settings are in `protection.py`, debug settings in `standards.py` and
`standards_settings.py`.
"""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, is_false, rule
from secreview.rules.heuristics import test_context_named

_MENTIONS_HSTS = ("SECURE_HSTS_SECONDS",)


def _module_settings(ctx: Context) -> dict[str, ast.Assign]:
    """`NAME = value` statements at module level, by name (the last one wins, as at import)."""
    found: dict[str, ast.Assign] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = stmt
    return found


@rule(
    id="hsts-without-ssl-redirect",
    tests=False,
    name="HSTS set while plain-HTTP requests are served",
    cwe="319",
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    nodes=(ast.Assign,),
    fix="Set SECURE_SSL_REDIRECT = True (or redirect to HTTPS in the proxy in front of Django and say so "
    "next to the setting).",
    mentions=_MENTIONS_HSTS,
)
def hsts_without_ssl_redirect(node: ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds Django settings that send `Strict-Transport-Security`
    (`SECURE_HSTS_SECONDS` above 0) and set `SECURE_SSL_REDIRECT = False`
    in the same module. Test and development settings are not reported.
    Confidence is low: a proxy in front of Django often does the redirect.

    ## Why is this bad
    Browsers obey HSTS only once they have seen it over HTTPS. A first visit,
    a bookmark or a typed `http://` address is served over plain HTTP instead
    of being redirected, so its cookies and form data cross the network in
    cleartext and can be changed on the way (CWE-319).

    ## Example
    ```python
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = False
    ```

    ## Use instead
    ```python
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = True
    ```
    """
    if ctx.functions or ctx.classes:
        return
    target = node.targets[0] if len(node.targets) == 1 else None
    if not isinstance(target, ast.Name) or target.id != "SECURE_SSL_REDIRECT" or not is_false(node.value):
        return
    hsts = _module_settings(ctx).get("SECURE_HSTS_SECONDS")
    seconds = ctx.constant_value(hsts.value) if hsts is not None else None
    if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0 and not test_context_named(ctx):
        ctx.report(node, f"SECURE_SSL_REDIRECT = False while SECURE_HSTS_SECONDS = {seconds} (line {hsts.lineno}): "
                   "requests that arrive over plain HTTP are answered there, before any browser has seen HSTS.")
