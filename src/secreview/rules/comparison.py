"""CWE-697 Incorrect Comparison."""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, rule
from secreview.rules.heuristics import (
    assigned_names,
    body_statements,
    bound_sides,
    in_tests,
    request_text,
    untrusted_expression,
    walk_body,
)

_MENTIONS_REQUEST_OR_DIGEST = ("request", "compare_digest")
_MENTIONS_INPUT = ("request", "argv", "input(")

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


_FILE_SUFFIX = re.compile(
    r"\.(html?|py|pyc|txt|json|ya?ml|toml|cfg|ini|js|css|png|jpe?g|gif|svg|md|rst|log|xml|csv|gz|zip|tar|whl|"
    r"so|dll|exe|pdf|db|sqlite3?|pem|crt|key)$", re.IGNORECASE)


@rule(
    id="partial-host-comparison",
    tests=False,
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
    `.startswith("https://example.com")` (no trailing slash). Test code
    (a URL mock dispatching on fixed URLs) is not reported.

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
    if not isinstance(node.func, ast.Attribute) or len(node.args) != 1 or in_tests(ctx):
        return  # a test's URL mock dispatching on fixed URLs trusts no host
    pattern = ctx.constant_value(node.args[0])
    if not isinstance(pattern, str):
        return
    receiver = node.func.value
    if not _HOSTISH.search(ast.unparse(receiver)):
        return
    method = node.func.attr
    domain = re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", pattern, re.IGNORECASE) and not _FILE_SUFFIX.search(pattern)
    if method == "endswith" and domain and not pattern.startswith("."):
        problem = f"`{pattern}` also matches `evil{pattern}`"
    elif method == "startswith" and re.fullmatch(r"https?://[^/]+", pattern, re.IGNORECASE):
        problem = f"`{pattern}` also matches `{pattern}.evil.net`"
    else:
        return
    ctx.report(node, f"`{ast.unparse(node)}` checks a host by {method}(): {problem}.")


# -- comparisons that can never be equal -----------------------------------------

_BYTES_CALLS = frozenset({"digest", "encode", "to_bytes", "sign", "read_bytes"})
_TEXT_CALLS = frozenset({"hexdigest", "decode", "format", "upper", "lower", "strip"})


def _kind(ctx: Context, node: ast.expr) -> str | None:
    """'str', 'bytes' or 'int' when the expression's type is evident from how it is written."""
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
        return {str: "str", bytes: "bytes", int: "int"}.get(type(node.value))
    if isinstance(node, ast.JoinedStr) or request_text(node):
        return "str"
    if isinstance(node, ast.Call):
        name = ctx.call_name(node)
        if name in ("int", "len"):
            return "int"
        if name in ("str",):
            return "str"
        if name in ("bytes", "base64.b64decode", "os.urandom", "secrets.token_bytes"):
            return "bytes"
        if isinstance(node.func, ast.Attribute):
            if node.func.attr in _BYTES_CALLS:
                return "bytes"
            if node.func.attr in _TEXT_CALLS:
                return "str"
    return None


def _identifier_kind(node: ast.expr) -> str | None:
    """Database ids: `user.id`, `obj.pk`, `owner_id` are integers in Django and SQLAlchemy models."""
    if isinstance(node, ast.Attribute) and (node.attr in ("id", "pk") or node.attr.endswith("_id")):
        return "int"
    return None


@rule(
    id="incompatible-type-comparison",
    name="Comparison between values of different types in a check",
    cwe="1024",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Compare,),
    calls=("hmac.compare_digest", "secrets.compare_digest"),
    fix="Convert before comparing: int(request.args['id']) == user.id, or compare text with text "
    "(hmac.compare_digest(expected.hexdigest(), provided)) and bytes with bytes.",
    mentions=_MENTIONS_REQUEST_OR_DIGEST,
)
def incompatible_type_comparison(node: ast.Compare | ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `==`/`!=` between a string read from the request (query, form,
    headers, cookies) and an integer (a literal, `int(...)`, or a model id
    such as `user.id`), and `hmac.compare_digest` given text on one side and
    bytes on the other.

    ## Why is this bad
    In Python `"5" == 5` is simply `False`, so an ownership check written
    this way never matches — `!=` always denies and `==` never allows, or
    the reverse for a deny-list — and `compare_digest("..", b"..")` raises
    `TypeError`, turning every verification into a server error (CWE-1024).

    ## Example
    ```python
    if request.args["user_id"] != current_user.id:
        abort(403)
    ```

    ## Use instead
    ```python
    if int(request.args["user_id"]) != current_user.id:
        abort(403)
    ```
    """
    if isinstance(node, ast.Call):
        if len(node.args) != 2:
            return
        kinds = {_kind(ctx, a) for a in node.args}
        if kinds == {"str", "bytes"}:
            ctx.report(node, f"`{ast.unparse(node)}` compares text with bytes; compare_digest raises TypeError "
                       "for every call.")
        return
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return
    left, right = node.left, node.comparators[0]
    for text_side, other in ((left, right), (right, left)):
        if request_text(text_side) is None:
            continue
        other_kind = _kind(ctx, other) or _identifier_kind(other)
        if other_kind == "int":
            outcome = "never true" if isinstance(node.ops[0], ast.Eq) else "always true"
            ctx.report(node, f"`{ast.unparse(node)}` compares the string {ast.unparse(text_side)} with an "
                       f"integer, so it is {outcome}.")
            return


# -- regular expressions that accept other hosts ----------------------------------

# An unescaped dot before a domain label: `app.example`, `[a-z]+.partner\.org` (not `\.`, `.*`, `\d+.\d+`).
_DOMAIN_DOT = re.compile(r"(?<=[a-z0-9\]+*?)])(?<!\\[a-z])\.(?=[a-z][a-z0-9-]*(\\?\.|\b))", re.IGNORECASE)
_HOST_PATTERN = re.compile(r"\\\.(com|org|net|io|dev|app|edu|gov|co|uk|de|fr)\b|://", re.IGNORECASE)
_SAFE_END = re.compile(r"(\$|\\Z|/|:|\(\?:?/|\(\?:?\$|\[/|\\/|\(/|\(:|\(\?::)")


def _host_regex_problem(pattern: str, method: str) -> str | None:
    if not _HOST_PATTERN.search(pattern) and not _DOMAIN_DOT.search(pattern):
        return None
    if _DOMAIN_DOT.search(pattern):
        return "an unescaped `.` before the top-level domain matches any character"
    if method in ("match", "search"):
        last = list(re.finditer(r"\\\.[a-z]{2,}\b", pattern, re.IGNORECASE))
        if last:
            rest = pattern[last[-1].end():]
            if not rest or not _SAFE_END.match(rest):
                return "nothing anchors the end of the host, so `example.com.evil.net` also matches"
    return None


@rule(
    id="permissive-host-regex",
    name="Host or origin allow-list regex that accepts other hosts",
    cwe="625",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=("re.match", "re.search", "re.fullmatch", "re.compile"),
    fix="Escape every dot and anchor both ends: re.fullmatch(r'https://([a-z0-9-]+\\.)?example\\.com', origin) "
    "— or parse the URL and compare the host exactly.",
)
def permissive_host_regex(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds regular expressions applied to a host, origin, URL or redirect
    target (or compiled into a name that says so) whose domain has an
    unescaped `.` (`r"^https://app.example\\.com$"`) or, with `re.match` /
    `re.search`, no anchor after the domain (`r"^https://example\\.com"`).

    ## Why is this bad
    `app.example\\.com` also matches `appXexample.com`, a domain anyone can
    register; an unanchored `example\\.com` also matches
    `example.com.evil.net`. The allow-list lets the attacker's origin or
    redirect target through (CWE-625).

    ## Example
    ```python
    if re.match(r"https://.*\\.example\\.com", request.headers["Origin"]):
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
    ```

    ## Use instead
    ```python
    if re.fullmatch(r"https://[a-z0-9-]+\\.example\\.com", request.headers["Origin"]):
        ...
    ```
    """
    name = ctx.call_name(node) or ""
    method = name.rsplit(".", 1)[-1]
    pattern = ctx.constant_value(argument(node, 0, "pattern"))
    if not isinstance(pattern, str):
        return
    if method == "compile":
        subject_text = " ".join(assigned_names(ctx))
        method = "match" if not pattern.endswith(("$", "\\Z")) else "fullmatch"
        if not _HOSTISH.search(subject_text):
            return
        problem = _DOMAIN_DOT.search(pattern) and "an unescaped `.` before the top-level domain matches any character"
    else:
        subject = argument(node, 1, "string")
        if subject is None or not _HOSTISH.search(ast.unparse(subject)):
            return
        problem = _host_regex_problem(pattern, method)
    if problem:
        ctx.report(node, f"the pattern {pattern!r} checks a host, but {problem}.")


# -- upper bound checked, lower bound forgotten ------------------------------------

_AMOUNT = re.compile(r"amount|qty|quantity|count|points|credits|value|sum|price|total|units|number|num\b|n_",
                     re.IGNORECASE)


def _numeric_from_request(ctx: Context, value: ast.expr | None) -> bool:
    return (isinstance(value, ast.Call) and ctx.call_name(value) in ("int", "float", "decimal.Decimal")
            and untrusted_expression(ctx, value) is not None)


@rule(
    id="missing-minimum-check",
    tests=False,
    name="Amount from input checked against a maximum but not a minimum",
    cwe="839",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Check both ends before using the amount: if not 0 < amount <= balance: abort(400).",
    mentions=_MENTIONS_INPUT,
)
def missing_minimum_check(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds a number converted from request data (`amount =
    int(request.form["amount"])`) that is compared against an upper limit
    (`if amount > balance:`) but never against a lower one, and then used in
    arithmetic.

    ## Why is this bad
    A negative amount passes `amount > balance` and reverses the operation:
    withdrawing `-100` adds money, ordering `-3` items refunds them
    (CWE-839).

    ## Example
    ```python
    amount = int(request.form["amount"])
    if amount > account.balance:
        abort(400)
    account.balance -= amount
    ```

    ## Use instead
    ```python
    amount = int(request.form["amount"])
    if amount <= 0 or amount > account.balance:
        abort(400)
    account.balance -= amount
    ```
    """
    if in_tests(ctx):
        return
    candidates: dict[str, ast.Assign] = {}
    for sub in body_statements(node):  # the assignments; the whole body only once one qualifies
        # The name and the call first: resolving the call's name is the costly part.
        if (sub.__class__ is ast.Assign and len(sub.targets) == 1  # type: ignore[attr-defined]
                and isinstance(sub.targets[0], ast.Name) and isinstance(sub.value, ast.Call)  # type: ignore[attr-defined]
                and _AMOUNT.search(sub.targets[0].id)  # type: ignore[attr-defined]
                and _numeric_from_request(ctx, sub.value)):  # type: ignore[attr-defined]
            candidates[sub.targets[0].id] = sub  # type: ignore[attr-defined]
    nodes = walk_body(node) if candidates else []
    for name, assign in candidates.items():
        sides: set[str] = set()
        upper_check: ast.AST | None = None
        used_in_arithmetic = False
        for sub in nodes:
            if isinstance(sub, (ast.If, ast.While, ast.IfExp, ast.Assert)):
                found = bound_sides(sub.test, name)
                if "upper" in found and upper_check is None:
                    upper_check = sub
                sides |= found
            elif isinstance(sub, (ast.AugAssign, ast.BinOp)):
                operand = sub.value if isinstance(sub, ast.AugAssign) else sub.right
                used_in_arithmetic |= isinstance(operand, ast.Name) and operand.id == name or (
                    isinstance(sub, ast.BinOp) and isinstance(sub.left, ast.Name) and sub.left.id == name)
        if upper_check is not None and "lower" not in sides and used_in_arithmetic:
            ctx.report(upper_check, f"`{name}` comes from the request and is checked against a maximum on line "
                       f"{upper_check.lineno} but never against a minimum; a negative value passes and reverses "
                       "the calculation.")
