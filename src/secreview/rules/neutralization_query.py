"""CWE-707 in query languages other than SQL: LDAP filters, XPath, regular expressions.

Sink lists are module-level constants for the taint engine.
"""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, rule
from secreview.rules.dataflow_hints import built_string, checked_in_function, request_data, spliced_origin
from secreview.rules.heuristics import in_test_code

# python-ldap: search*(base, scope, filterstr, ...); ldap3: Connection.search(search_base, search_filter, ...).
LDAP_SEARCH_METHODS = ("search", "search_s", "search_st", "search_ext", "search_ext_s")
LDAP_FILTER_KEYWORDS = ("filterstr", "search_filter")
LDAP_NEUTRALISERS = frozenset({
    "escape_filter_chars", "ldap.filter.escape_filter_chars", "ldap3.utils.conv.escape_filter_chars",
    "filter_format", "ldap.filter.filter_format",
})
# lxml: element.xpath(expr, **variables), etree.XPath(expr), etree.ETXPath(expr).
XPATH_METHODS = ("xpath",)
XPATH_CALLS = ("lxml.etree.XPath", "lxml.etree.ETXPath", "lxml.etree.XPathEvaluator")
# The `re` functions whose first argument is the pattern.
REGEX_CALLS = tuple(f"re.{name}" for name in
                    ("compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"))
REGEX_NEUTRALISERS = frozenset({"re.escape", "escape"})

# An LDAP filter: "(uid=...)", "(&(objectClass=person)(cn=...))".
_LDAP_FILTER = re.compile(r"\(\s*[&|!]?\s*\(?\s*[\w.;-]+\s*[~<>]?=")


@rule(
    id="ldap-injection",
    name="LDAP filter built from data",
    cwe="90",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=LDAP_SEARCH_METHODS,
    fix="Escape every value put into a filter: "
    "f'(uid={escape_filter_chars(name)})' (ldap.filter / ldap3.utils.conv), "
    "or ldap.filter.filter_format('(uid=%s)', [name]).",
)
def ldap_injection(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds LDAP searches (python-ldap `search_s`/`search_ext_s`/..., ldap3
    `Connection.search`) whose filter is built from values that were not
    passed through `escape_filter_chars`.

    ## Why is this bad
    `*`, `(`, `)` and `\\` in a spliced value change the filter: a user name
    of `*)(uid=*))(|(uid=*` matches every entry, which bypasses a login
    check or discloses the directory (CWE-90).

    ## Example
    ```python
    conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={username})")
    ```

    ## Use instead
    ```python
    conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")
    ```
    """
    candidates = [kw.value for kw in node.keywords if kw.arg in LDAP_FILTER_KEYWORDS] or node.args[1:3]
    for candidate in candidates:
        built = built_string(ctx, candidate, LDAP_NEUTRALISERS)
        if built is None or not _LDAP_FILTER.search(built.literal):
            continue
        judged = spliced_origin(ctx, built.parts, LDAP_NEUTRALISERS)
        if judged is not None:
            ctx.report(node, f"The LDAP filter is {built.describe()}, unescaped; {judged[1]}, and filter "
                       "syntax in it changes the query.", confidence=judged[0])
        return


@rule(
    id="xpath-injection",
    name="XPath expression built from data",
    cwe="643",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=XPATH_CALLS,
    methods=XPATH_METHODS,
    fix="Keep the expression constant and pass values as XPath variables: "
    "root.xpath('//user[@name = $name]', name=name).",
)
def xpath_injection(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds lxml `xpath()`, `etree.XPath()` and `etree.ETXPath()` whose
    expression is built at run time from data.

    ## Why is this bad
    A quote in a spliced value ends the XPath string literal; the rest is
    parsed as XPath, so `' or '1'='1` selects every node and can bypass a
    check made against an XML user store (CWE-643). lxml binds `$variables`
    as values that are never parsed.

    ## Example
    ```python
    users = root.xpath(f"//user[@name='{name}']")
    ```

    ## Use instead
    ```python
    users = root.xpath("//user[@name = $name]", name=name)
    ```
    """
    expression = argument(node, 0, "_path") or argument(node, 0, "path")
    built = built_string(ctx, expression)
    if built is None:
        return
    judged = spliced_origin(ctx, built.parts)
    if judged is not None:
        ctx.report(node, f"The XPath expression is {built.describe()}; {judged[1]}, and a quote in it rewrites "
                   "the query.", confidence=judged[0])


@rule(
    id="regex-injection",
    tests=False,
    name="Regular expression built from request data",
    cwe="1333",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    calls=REGEX_CALLS,
    fix="Escape literal text before putting it in a pattern: re.search(re.escape(term), text); "
    "or search without a regex (term in text).",
)
def regex_injection(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `re` functions whose pattern contains request data that was not
    passed through `re.escape()`.

    ## Why is this bad
    The client writes the regular expression. A pattern such as `(a+)+$`
    makes the backtracking engine run for minutes on a short subject
    (catastrophic backtracking, CWE-1333, the closest weakness in CWE-1000
    to regex injection), and metacharacters change what matches, e.g. `.*`
    where a literal was meant.

    ## Example
    ```python
    hits = [line for line in lines if re.search(request.args["q"], line)]
    ```

    ## Use instead
    ```python
    pattern = re.compile(re.escape(request.args["q"]))
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    pattern = argument(node, 0, "pattern")
    if pattern is None or ctx.is_constant(pattern):
        return
    origin = request_data(ctx, pattern, REGEX_NEUTRALISERS)
    if origin and not checked_in_function(ctx, pattern):
        ctx.report(node, f"{ctx.call_name(node)}() compiles a pattern containing `{origin}` unescaped; "
                   "the client chooses the regular expression.")
