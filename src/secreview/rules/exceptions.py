"""CWE-703 Improper Check or Handling of Exceptional Conditions."""

from __future__ import annotations

import ast
import re

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, rule

BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
SECURITY_CALL = re.compile(
    r"verif|authenticat|authoriz|authoris|check_password|check_permission|has_perm|permission|"
    r"signature|validate_token|decode_token|jwt|hmac|compare_digest|csrf|certificate|ssl|login",
    re.IGNORECASE,
)


def _is_broad(ctx: Context, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((ctx.qualname(t) or "") in BROAD for t in types)


def _swallows(handler: ast.ExceptHandler) -> bool:
    """The handler neither re-raises, returns a failure nor records anything."""
    for stmt in handler.body:
        if isinstance(stmt, (ast.Pass, ast.Continue)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring-like string or `...`
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Constant) and stmt.value.value is True:
            continue  # returning "allowed" on error is failing open
        return False
    return True


def _security_call(body: list[ast.stmt]) -> str | None:
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Call):
                text = ast.unparse(sub.func)
                if SECURITY_CALL.search(text):
                    return text
    return None


@rule(
    id="security-exception-swallowed",
    name="Failure of a security check silently ignored",
    cwe="390",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Try,),
    bandit=("B110", "B112"),
    fix="Catch only the exceptions the check raises and deny access in the handler "
    "(raise, return False or abort(403)); log the failure.",
)
def security_exception_swallowed(node: ast.Try, ctx: Context) -> None:
    """
    ## What it does
    Finds a broad `except:` / `except Exception:` that does nothing (`pass`,
    `continue`, or `return True`) around a call that verifies a signature,
    token, password, permission or certificate.

    ## Why is this bad
    When the check raises — a bad signature, an expired token — the handler
    drops the error and execution continues as if the check had passed:
    the code fails open (CWE-390). A swallowed error elsewhere is a quality
    issue, not reported here.

    ## Example
    ```python
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except Exception:
        pass
    ```

    ## Use instead
    ```python
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        abort(401)
    ```
    """
    call = _security_call(node.body)
    if call is None:
        return
    for handler in node.handlers:
        if _is_broad(ctx, handler) and _swallows(handler):
            ctx.report(handler, f"the exception raised by {call}() is caught and ignored on line "
                       f"{handler.lineno}, so a failed check lets execution continue as if it had passed.")
