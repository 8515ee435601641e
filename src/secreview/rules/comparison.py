"""CWE-697 Incorrect Comparison."""

from __future__ import annotations

import ast
import re

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import DIGEST, in_test_code, name_of

_NOT_SECRET_CALLS = frozenset({"len", "type", "isinstance", "bool", "int", "str.lower"})


def _secret_operand(ctx: Context, node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant):
        return None
    if isinstance(node, ast.Call) and (ctx.call_name(node) in _NOT_SECRET_CALLS):
        return None
    name = name_of(node)
    if name and DIGEST.search(name) and not name.lower().endswith(("_type", "_name", "_id", "_url", "_count", "_len", "_length", "type", "s_enabled")):
        return name
    return None


@rule(
    id="timing-unsafe-comparison",
    name="Secret compared with == (timing side channel)",
    cwe="208",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Compare,),
    fix="Compare secrets in constant time: hmac.compare_digest(expected, provided) "
    "(or secrets.compare_digest).",
)
def timing_unsafe_comparison(node: ast.Compare, ctx: Context) -> None:
    """
    ## What it does
    Finds `==` and `!=` between a value that holds a secret, token, digest or
    signature (judged by its name) and another non-constant value.

    ## Why is this bad
    `==` on strings stops at the first differing byte, so response times
    reveal how much of a guess is right; an attacker can recover a MAC or
    token byte by byte (CWE-208).

    ## Example
    ```python
    if request.headers["X-Signature"] == expected_signature:
    ```

    ## Use instead
    ```python
    if hmac.compare_digest(request.headers["X-Signature"], expected_signature):
    ```
    """
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return
    left, right = node.left, node.comparators[0]
    if ctx.is_constant(left) or ctx.is_constant(right) or in_test_code(ctx):
        return
    secret = _secret_operand(ctx, left) or _secret_operand(ctx, right)
    if secret is None:
        return
    ctx.report(node, f"`{ast.unparse(node)}` compares `{secret}` with ==, whose running time "
               "reveals how many leading characters match.")


_HOSTISH = re.compile(r"host|origin|domain|netloc|referr?er|url|uri|redirect|email|server|site", re.IGNORECASE)


@rule(
    id="identity-comparison-with-literal",
    name="`is` used to compare with a string or number literal",
    cwe="595",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    nodes=(ast.Compare,),
    fix="Compare values with == (or hmac.compare_digest for secrets); keep `is` for None, True and False.",
)
def identity_comparison_with_literal(node: ast.Compare, ctx: Context) -> None:
    """
    ## What it does
    Finds `x is "literal"` / `x is not 42`: identity comparison against a
    string, bytes or number literal.

    ## Why is this bad
    `is` compares object identity. Whether two equal strings are the same
    object depends on interning and the implementation, so a check such as
    `role is "admin"` passes or fails by accident (CWE-595); CPython warns
    with SyntaxWarning.

    ## Example
    ```python
    if user.role is "admin":
    ```

    ## Use instead
    ```python
    if user.role == "admin":
    ```
    """
    operands = [node.left, *node.comparators]
    for index, op in enumerate(node.ops):
        if not isinstance(op, (ast.Is, ast.IsNot)):
            continue
        for operand in (operands[index], operands[index + 1]):
            if isinstance(operand, ast.Constant) and isinstance(operand.value, (str, bytes, int, float)) \
                    and not isinstance(operand.value, bool):
                ctx.report(node, f"`{ast.unparse(node)}` compares object identity with the literal "
                           f"{operand.value!r}; equal values need not be the same object.")
                return


@rule(
    id="partial-host-comparison",
    name="Host or origin checked with a suffix/prefix match",
    cwe="187",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=("endswith", "startswith"),
    fix="Parse the URL (urllib.parse.urlsplit), then compare the hostname exactly or check "
    "host == domain or host.endswith('.' + domain).",
)
def partial_host_comparison(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds host, origin, domain or URL values checked with
    `.endswith("example.com")` (no leading dot) or
    `.startswith("https://example.com")` (no trailing slash).

    ## Why is this bad
    `"evil-example.com".endswith("example.com")` is true, and so is
    `"https://example.com.evil.net".startswith("https://example.com")`: the
    check accepts hosts the attacker registers (CWE-187).

    ## Example
    ```python
    if urlparse(next_url).netloc.endswith("example.com"):
    ```

    ## Use instead
    ```python
    host = urlparse(next_url).hostname or ""
    if host == "example.com" or host.endswith(".example.com"):
    ```
    """
    if not isinstance(node.func, ast.Attribute) or len(node.args) != 1:
        return
    pattern = ctx.constant_value(node.args[0])
    if not isinstance(pattern, str):
        return
    receiver = node.func.value
    if not _HOSTISH.search(ast.unparse(receiver)):
        return
    method = node.func.attr
    domain = re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", pattern, re.IGNORECASE)
    if method == "endswith" and domain and not pattern.startswith("."):
        problem = f"`{pattern}` also matches `evil{pattern}`"
    elif method == "startswith" and re.fullmatch(r"https?://[^/]+", pattern, re.IGNORECASE):
        problem = f"`{pattern}` also matches `{pattern}.evil.net`"
    else:
        return
    ctx.report(node, f"`{ast.unparse(node)}` checks a host by {method}(): {problem}.")
