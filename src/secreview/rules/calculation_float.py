"""Floats parsed from input and compared without a NaN or infinity check (CWE-1339, low severity).

`float()` accepts "nan", "inf" and "-inf". Every ordering comparison with NaN is
False, so `if price < 0: reject()` lets NaN through, and `inf` passes any
`value > 0` check while breaking the arithmetic after it.
"""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import body_statements, in_tests, mention_gate, untrusted_expression, walk_body

_MENTIONS_FLOAT_INPUT = mention_gate("float(")
_FINITE_CHECKS = frozenset({"math.isnan", "math.isfinite", "math.isinf", "numpy.isnan", "numpy.isfinite",
                            "numpy.isinf", "cmath.isnan", "cmath.isfinite"})
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _floats_from_input(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.Assign]:
    """`name = float(<request data, argv or input()>)` assignments of the function's own body."""
    found: dict[str, ast.Assign] = {}
    for stmt in body_statements(function):
        if (type(stmt) is ast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is ast.Name
                and type(stmt.value) is ast.Call and ctx.call_name(stmt.value) == "float"
                and untrusted_expression(ctx, stmt.value) is not None):
            found[stmt.targets[0].id] = stmt
    return found


def _checked_finite(ctx: Context, nodes: list[ast.AST], name: str) -> bool:
    """`math.isnan(x)`, `math.isfinite(x)`, `x != x`: the function looks at NaN or infinity itself."""
    for sub in nodes:
        if type(sub) is ast.Call and ctx.call_name(sub) in _FINITE_CHECKS and any(
                type(a) is ast.Name and a.id == name for a in sub.args):
            return True
        if type(sub) is ast.Compare and type(sub.left) is ast.Name and sub.left.id == name and any(
                type(c) is ast.Name and c.id == name for c in sub.comparators):
            return True
    return False


def _ordering_test(test: ast.expr, name: str) -> bool:
    """The test orders `name` against something (`x < 0`, `0 <= x <= limit`)."""
    return any(type(sub) is ast.Compare and any(isinstance(op, _ORDERINGS) for op in sub.ops)
               and any(type(side) is ast.Name and side.id == name for side in (sub.left, *sub.comparators))
               for sub in ast.walk(test))


@rule(
    id="float-input-nan-unchecked",
    tests=False,
    name="Float from input range-checked without rejecting NaN or infinity",
    cwe="1339",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Reject non-finite values before the range check: if not math.isfinite(value): abort(400); "
    "or parse with decimal.Decimal and check is_finite().",
)
def float_input_nan_unchecked(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds `value = float(<request data>)` whose value is then range-checked
    (`if value < 0:`, `if value > limit:`) in the same function with no
    `math.isfinite`/`math.isnan` check.

    ## Why is this bad
    `float("nan")` and `float("inf")` parse without error. Every ordering
    comparison with NaN is False, so a check written as "reject if too small"
    or "reject if too large" lets NaN through, and it then poisons the sums
    and balances it reaches; infinity passes lower bounds (CWE-1339).

    ## Example
    ```python
    amount = float(request.form["amount"])
    if amount > account.limit:
        abort(400)
    ```

    ## Use instead
    ```python
    amount = float(request.form["amount"])
    if not math.isfinite(amount) or not 0 < amount <= account.limit:
        abort(400)
    ```
    """
    if not _MENTIONS_FLOAT_INPUT(ctx) or in_tests(ctx):
        return
    candidates = _floats_from_input(ctx, node)
    if not candidates:
        return
    nodes = list(walk_body(node))
    for name in candidates:
        if _checked_finite(ctx, nodes, name):
            continue
        check = next((sub for sub in nodes if isinstance(sub, (ast.If, ast.While, ast.IfExp, ast.Assert))
                      and _ordering_test(sub.test, name)), None)
        if check is not None:
            ctx.report(check, f"`{name}` is parsed with float() from input and range-checked on line "
                       f"{check.lineno}; float('nan') fails every comparison and passes the check.")
