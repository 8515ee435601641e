"""CWE-691 Insufficient Control Flow Management."""

from __future__ import annotations

import ast
import re

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import in_test_code

AUTHZ = re.compile(
    r"is_authenticated|is_admin|is_superuser|is_staff|has_perm|has_permission|permission|authori[sz]|"
    r"is_owner|owner|\brole|can_(edit|delete|view|access|write|read)|allowed|csrf|logged_in|is_active",
    re.IGNORECASE,
)


@rule(
    id="assert-used-for-authorisation",
    name="assert used to enforce authorisation",
    cwe="617",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Assert,),
    bandit=("B101",),
    fix="Use an explicit check that always runs: if not user.has_perm(...): raise PermissionDenied().",
)
def assert_used_for_authorisation(node: ast.Assert, ctx: Context) -> None:
    """
    ## What it does
    Finds `assert` statements outside tests whose condition checks a
    permission, role, ownership or authentication state.

    ## Why is this bad
    Python removes every `assert` when run with `-O` or `PYTHONOPTIMIZE`, so
    the check disappears in exactly the deployments that optimise (CWE-617).
    Other asserts (invariants, tests) are fine and are not reported.

    ## Example
    ```python
    assert request.user.is_staff, "staff only"
    ```

    ## Use instead
    ```python
    if not request.user.is_staff:
        raise PermissionDenied("staff only")
    ```
    """
    if in_test_code(ctx):
        return
    text = ast.unparse(node.test)
    match = AUTHZ.search(text)
    if match is None:
        return
    ctx.report(node, f"`assert {text}` enforces an access check, but assertions are removed under "
               "python -O, so the check silently disappears.")
