"""CWE-682 Incorrect Calculation."""

from __future__ import annotations

import ast
import re
from decimal import Decimal

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import (
    assigned_names,
    enclosing_def,
    in_tests,
    name_of,
)

_MENTIONS_LENGTHS = ("struct", "to_bytes", "Content-Length", "content-length", "CONTENT-LENGTH")


# -- money in binary floating point --------------------------------------------------

MONEY = re.compile(
    r"price|amount|(sub|grand_?|order_?|cart_?|invoice_?)total|total_?(price|amount|due|cost)|balance|cost|fee|"
    r"payment|charge|refund|salary|wage|money|tax|discount|credit|debit|invoice|payout|deposit|withdraw|cents|"
    r"currency|eur|usd|gbp",
    re.IGNORECASE)
_NOT_MONEY = re.compile(r"count|ratio|rate_limit|percent|pct|ms$|_ms|seconds|timeout|score|weight|"
                        r"prob|total_time|total_seconds|duration", re.IGNORECASE)
_DISPLAY_CALLS = frozenset({"print", "format", "round", "str", "repr", "log", "info", "debug", "warning",
                            "error", "append", "write"})


def _money_name(text: str) -> str | None:
    match = MONEY.search(text)
    if match is None or _NOT_MONEY.search(text):
        return None
    return text


def _only_displayed(ctx: Context) -> bool:
    """The value goes straight into formatting or logging, not into arithmetic or storage."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.JoinedStr, ast.FormattedValue)):
            return True
        if isinstance(ancestor, ast.Call) and name_of(ancestor.func) in _DISPLAY_CALLS:
            return True
        if isinstance(ancestor, ast.stmt):
            return False
    return False


@rule(
    id="float-for-money",
    tests=False,
    name="Money held in a binary float",
    cwe="1339",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=("float", "decimal.Decimal"),
    fix="Use decimal.Decimal built from the string (Decimal(request.form['amount'])) or integer cents, "
    "and quantize with ROUND_HALF_EVEN when rounding.",
)
def float_for_money(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `float(...)` applied to, or stored into, a value named as money
    (price, amount, total, balance, fee, ...), and `Decimal(0.1)` built from
    a float literal that binary floating point cannot hold exactly
    (`Decimal(0.1)`, not `Decimal(1.5)`). Formatting a value for display and
    test code are not reported.

    ## Why is this bad
    Binary floats cannot represent most decimal fractions: `0.1 + 0.2 ==
    0.30000000000000004`. Sums drift, comparisons such as
    `balance >= price` give the wrong answer at the boundary, and rounding
    errors can be harvested over many transactions (CWE-1339).

    ## Example
    ```python
    amount = float(request.form["amount"])
    account.balance -= amount
    ```

    ## Use instead
    ```python
    amount = Decimal(request.form["amount"]).quantize(Decimal("0.01"))
    account.balance -= amount
    ```
    """
    name = ctx.call_name(node)
    if not node.args:
        return
    argument_node = node.args[0]
    if name == "decimal.Decimal":
        value = argument_node.value if isinstance(argument_node, ast.Constant) else None
        if isinstance(value, float) and not in_tests(ctx) and Decimal(value) != Decimal(repr(value)):
            ctx.report(node, f"Decimal({argument_node.value!r}) copies the float's binary error "
                       f"({argument_node.value!r} is not exactly {argument_node.value!r}); pass a string.")
        return
    if in_tests(ctx) or _only_displayed(ctx):
        return
    # What the value is for: its own name, or the name it is stored into (not the enclosing
    # function's name, which says what the function is about, e.g. `estimate_statement_cost`).
    function = enclosing_def(ctx)
    targets = [n for n in assigned_names(ctx) if function is None or n != function.name]
    hint = _money_name(name_of(argument_node)) or next((n for n in targets[:1] if _money_name(n)), None)
    if hint is None:
        return
    ctx.report(node, f"`{hint}` is money but is converted to a binary float; decimal amounts such as 0.10 "
               "cannot be represented exactly.")


# -- characters counted where bytes are meant ---------------------------------------


def _text_value(ctx: Context, node: ast.expr) -> bool:
    """The expression is a `str`: literal, f-string, json.dumps, .format(), or a name bound to one."""
    value = ctx.assigned_value(node) if isinstance(node, ast.Name) else node
    if value is None:
        return False
    if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return True
    if isinstance(value, ast.Call):
        name = ctx.call_name(value) or ""
        if name in ("json.dumps", "str", "flask.render_template", "django.template.loader.render_to_string"):
            return True
        if isinstance(value.func, ast.Attribute) and value.func.attr in ("format", "join", "decode"):
            return True
    return False


def _length_of_text(ctx: Context, node: ast.expr) -> ast.expr | None:
    """`len(s)` (or `str(len(s))`) where `s` is text."""
    if isinstance(node, ast.Call) and ctx.call_name(node) == "str" and node.args:
        node = node.args[0]
    if isinstance(node, ast.Call) and ctx.call_name(node) == "len" and len(node.args) == 1:
        if _text_value(ctx, node.args[0]):
            return node.args[0]
    return None


_LENGTH_PACKERS = ("struct.pack", "struct.pack_into")  # their arguments after the format are packed


@rule(
    id="character-count-as-byte-length",
    name="Length in characters used as a length in bytes",
    cwe="135",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Dict, ast.Assign),
    calls=_LENGTH_PACKERS,
    methods=("to_bytes",),  # (asked for by name: resolving every call's name to find these cost more than the rest)
    fix="Encode first and measure the bytes: data = text.encode('utf-8'); "
    "struct.pack('!I', len(data)) + data, or Content-Length: str(len(data)).",
    mentions=_MENTIONS_LENGTHS,
)
def character_count_as_byte_length(node: ast.Call | ast.Dict | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds `len(text)` of a `str` used as a byte count: in `struct.pack`
    length prefixes, `len(text).to_bytes(...)`, and `Content-Length`
    headers.

    ## Why is this bad
    `len("é")` is 1 but its UTF-8 encoding is 2 bytes. A length prefix or
    Content-Length computed on characters is wrong for any non-ASCII text:
    the peer reads too little and treats the rest as the next message or
    request, which is how framing and request-smuggling bugs start
    (CWE-135).

    ## Example
    ```python
    sock.sendall(struct.pack("!I", len(message)) + message.encode())
    ```

    ## Use instead
    ```python
    data = message.encode("utf-8")
    sock.sendall(struct.pack("!I", len(data)) + data)
    ```
    """
    if node.__class__ is ast.Assign and not any(t.__class__ is ast.Subscript for t in node.targets):  # type: ignore[union-attr]
        return  # only `headers["Content-Length"] = ...` is an assignment this checks
    candidates: list[ast.expr] = []
    if isinstance(node, ast.Call):  # one of `_LENGTH_PACKERS`, or a `.to_bytes(...)` call
        if isinstance(node.func, ast.Attribute) and node.func.attr == "to_bytes":
            candidates = [node.func.value]
        else:
            candidates = list(node.args[1:])
    elif isinstance(node, ast.Dict):
        candidates = [v for k, v in zip(node.keys, node.values)
                      if k is not None and str(ctx.constant_value(k)).lower() == "content-length"]
    elif isinstance(node, ast.Assign):
        candidates = [node.value for t in node.targets if isinstance(t, ast.Subscript)
                      and str(ctx.constant_value(t.slice)).lower() == "content-length"]
    for candidate in candidates:
        text = _length_of_text(ctx, candidate)
        if text is not None:
            ctx.report(candidate, f"`{ast.unparse(candidate)}` counts the characters of `{ast.unparse(text)}`, "
                       "not its encoded bytes; non-ASCII text makes the length wrong.")
            return
