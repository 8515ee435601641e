"""CWE-682 Incorrect Calculation."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import untrusted_expression


def _guarded_against_zero(ctx: Context, divisor: ast.expr) -> bool:
    """An enclosing `if` or conditional expression that tests the divisor."""
    text = ast.unparse(divisor)
    for ancestor in ctx.ancestors:
        if isinstance(ancestor, (ast.If, ast.IfExp, ast.While)) and text in ast.unparse(ancestor.test):
            return True
        if isinstance(ancestor, ast.Try):
            for handler in ancestor.handlers:
                if handler.type is not None and "ZeroDivisionError" in ast.unparse(handler.type):
                    return True
    return False


@rule(
    id="division-by-untrusted-value",
    name="Division by a number taken from input without a zero check",
    cwe="369",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.BinOp,),
    fix="Reject zero (and out-of-range values) before dividing: if divisor <= 0: abort(400).",
)
def division_by_untrusted_value(node: ast.BinOp, ctx: Context) -> None:
    """
    ## What it does
    Finds `/`, `//`, `%` and `divmod` whose divisor is converted directly from
    request data, argv or `input()` with no zero check around it.

    ## Why is this bad
    A user who sends `0` raises ZeroDivisionError: an unhandled 500 error or a
    crashed worker, i.e. a denial of service (CWE-369).

    ## Example
    ```python
    per_page = total / int(request.args["pages"])
    ```

    ## Use instead
    ```python
    pages = int(request.args["pages"])
    if pages < 1:
        abort(400)
    per_page = total / pages
    ```
    """
    if not isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
        return
    divisor = node.right
    if not (isinstance(divisor, ast.Call) and ctx.call_name(divisor) in ("int", "float", "decimal.Decimal")):
        return
    origin = untrusted_expression(ctx, divisor)
    if origin is None or _guarded_against_zero(ctx, divisor):
        return
    if isinstance(node.op, ast.Mod) and isinstance(node.left, (ast.Constant, ast.JoinedStr)) and isinstance(
        getattr(node.left, "value", None), str
    ):
        return  # "%s" % value is formatting, not arithmetic
    ctx.report(node, f"`{ast.unparse(node)}` divides by {origin}, which a user can set to zero.")
