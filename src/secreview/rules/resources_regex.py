"""CWE-1333: regular expressions whose backtracking takes exponential or polynomial time.

The analysis itself is `secreview.analysis.redos` (on `re`'s own parser); the
pattern text is folded from constants by `secreview.analysis.pattern_text`.
Severity follows exposure (`secreview.rules.regex_inputs`): an exponential
pattern is reported where it is compiled or used, 30 characters being enough; a
polynomial one only where an attacker can make the text long: request data or
bytes read from a peer (medium), or the parameter of a library's public parser
of protocol or document data (low), and not when the text is cut or checked to a
harmless length first. A pattern applied to a constant is not a finding.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.pattern_text import pattern_text
from secreview.analysis.redos import Backtracking, analyse, redos_problem
from secreview.analysis.regex_uses import linted_only, parameter_uses
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.heuristics import in_test_code
from secreview.rules.regex_inputs import Exposure, Tier, bounded, exposure, harmless_length, parser_role
from secreview.rules.neutralization_query import REGEX_CALLS

__all__ = ["exposure", "redos_problem"]  # kept here for callers that imported them from the rule

# Where each `re` function takes its flags, counting from 0.
FLAGS_POSITION = {"compile": 1, "_lazy_re_compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2,
                  "finditer": 2, "split": 3, "sub": 4, "subn": 4}
# Where each `re` function (pattern first) takes the subject; a compiled pattern's method takes it one earlier.
SUBJECT_POSITION = {"search": 1, "match": 1, "fullmatch": 1, "findall": 1, "finditer": 1, "split": 1,
                     "sub": 2, "subn": 2}
# Functions that compile their first argument as a pattern: `re.compile` and documented lazy wrappers.
COMPILERS = ("re.compile", "django.utils.regex_helper._lazy_re_compile")
# The compiling functions, by the last part of their name as `function` holds it.
_COMPILED_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in COMPILERS)
SCANNING = frozenset({"search", "findall", "finditer", "sub", "subn", "split"})

def flags_value(ctx: Context, node: ast.expr | None) -> int | None:
    """Value of a flags expression made of `re.X | re.I ...`; None when not known."""
    if node is None:
        return 0
    total = 0
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Attribute, ast.Name)):
            qual = ctx.qualname(sub) or ""
            if qual.startswith("re.") and isinstance(getattr(re, qual[3:], None), int):
                total |= int(getattr(re, qual[3:]))
            elif qual != "re":
                return None
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, int):
            total |= sub.value
    return total


@rule(
    id="regex-catastrophic-backtracking",
    tests=False,
    name="Regular expression with exponential backtracking (ReDoS)",
    cwe="1333",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=REGEX_CALLS + COMPILERS[1:],
    fix="Remove the ambiguity: make the separator mandatory ((\\w+\\s)*\\w*), merge the nested "
    "quantifiers (\\w+ instead of (\\w+)+), use atomic groups or possessive quantifiers ((?>...), ++ "
    "from Python 3.11), or bound the input length before matching.",
)
def regex_catastrophic_backtracking(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds literal patterns passed to `re` functions that contain a nested
    unbounded quantifier whose iterations can divide the same text in many
    ways (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`, `(\\s+|#.*)*`), or a repeated
    alternation whose branches match the same character (`(a|\\w|-x)+`).
    Python already merges all-single-character alternations such as
    `(\\w|\\d)+` into one character set, so those are not reported.
    A pattern kept as a constant in another module of the project
    (`re.compile(patterns.WORDS)`) is analysed too, and reported here, at
    the use, naming the module that defines it.

    ## Why is this bad
    Python's `re` backtracks. When a match fails, it tries every way of
    dividing the text between the inner and outer quantifier, which is
    exponential in the text's length: 30 characters can take minutes, so
    one request stalls a worker (CWE-1333).

    ## Example
    ```python
    WORDS = re.compile(r"^(\\w+\\s?)*$")
    ```

    ## Use instead
    ```python
    WORDS = re.compile(r"^\\w+(\\s\\w+)*$")
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    function = (ctx.call_name(node) or "").rsplit(".", 1)[-1]
    flags_node = keyword(node, "flags")
    position = FLAGS_POSITION.get(function, 99)
    if flags_node is None and len(node.args) > position:
        flags_node = node.args[position]
    _review(ctx, node, argument(node, 0, "pattern"), flags_node, function,
            _subject(node, SUBJECT_POSITION.get(function)))
    if function in _COMPILED_NAMES:
        _review_helper_uses(ctx, node, flags_node)


@rule(
    id="regex-polynomial-backtracking",
    tests=False,
    name="Regular expression with polynomial backtracking applied to text an attacker sizes (ReDoS)",
    cwe="1333",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=tuple(SUBJECT_POSITION),
    fix="Make the repeats disjoint (a mandatory separator none of them matches: ^([^=]*)=(.*)$), "
    "anchor the search or match from the start of a bounded window, strip with str.rstrip() instead of "
    "re.sub(r'\\s+$', ...), or bound the input length before matching.",
)
def regex_polynomial_backtracking(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds a constant pattern (given to `re.search(...)` and the like, or
    compiled as `NAME = re.compile(...)`) whose backtracking is polynomial:
    two or more adjacent unbounded repeats that match the same characters
    (`^(.*)=(.*);$`, `\\d+\\d*x`), or an unanchored search that starts with an
    unbounded repeat followed by something that can fail (`\\s*;\\s*$`), where
    it is applied to text an attacker can make long: request data or bytes
    read from a socket, response or request body (medium severity), or the
    parameter of a library's public parser of protocol or document data,
    as its names say (`parse_options_header(value)`, a function of a `cookies`
    module: low severity, since the library's callers decide). A parameter of
    any other function is not enough: route paths, migration names, annotations
    and options a developer writes are the program's own text. Nor is a
    command-line tool's input, the output of a program it runs, or text cut or
    checked to a harmless length first (`text[:1000]`). A pattern imported from
    another module of the project is judged the same way.

    ## Why is this bad
    n^2 steps for a 100 KB header, cookie or form field is minutes of CPU for
    one request (CWE-1333); published advisories of this class are in header,
    cookie, URL, e-mail, user-agent, date and markup parsers.

    ## Example
    ```python
    PAIR = re.compile(r"^(.*)=(.*);$")
    def parse_cookie(cookie):
        return PAIR.match(cookie)
    ```

    ## Use instead
    ```python
    PAIR = re.compile(r"^([^=]*)=([^;]*);$")
    ```
    """
    if in_test_code(ctx) or not isinstance(node.func, ast.Attribute) or not isinstance(node.func.value, ast.Name):
        return
    compiled = ctx.assigned_value(node.func.value)
    if not isinstance(compiled, ast.Call) or ctx.call_name(compiled) not in COMPILERS:
        return
    method = node.func.attr
    subject = _subject(node, SUBJECT_POSITION[method] - 1)
    exposed = exposure(ctx, subject)
    if not reaching(exposed):
        return
    pattern = pattern_text(ctx, argument(compiled, 0, "pattern"))
    flags = flags_value(ctx, argument(compiled, 1, "flags"))
    if pattern is None or flags is None:
        return
    found = analyse(pattern, flags, scanning=method in SCANNING, whole=method == "fullmatch")
    if found is None or found.exponential or bounded(ctx, subject, found.degree):
        return  # exponential: reported where the pattern is compiled; bounded: harmless
    _report(ctx, node, pattern, found, exposed)


def _subject(node: ast.Call, position: int | None) -> ast.expr | None:
    if position is None:
        return None
    return argument(node, position, "string")


def _review(ctx: Context, node: ast.Call, pattern_node: ast.expr | None, flags_node: ast.AST | None,
            function: str, subject: ast.expr | None) -> None:
    """Analyse the pattern of one `re` call and report it by its cost and exposure."""
    pattern = pattern_text(ctx, pattern_node)
    if pattern is None:
        return
    flags = flags_value(ctx, flags_node.value if isinstance(flags_node, ast.keyword) else flags_node)
    if flags is None or (subject is not None and ctx.is_constant(subject)):
        return  # unknown flags, or a pattern applied to a constant
    exposed = exposure(ctx, subject)
    found = analyse(pattern, flags, scanning=function in SCANNING, whole=function == "fullmatch")
    if found is None or not (found.exponential or (reaching(exposed) and not bounded(ctx, subject, found.degree))):
        return
    if exposed is None and _linted_only(ctx):
        return  # compiled for a flake8 check: it matches the project's own source lines
    _report(ctx, node, pattern, found, exposed)


def _linted_only(ctx: Context) -> bool:
    """The call is `NAME = re.compile(...)` at module level and NAME is applied only to flake8 check lines."""
    parent = ctx.parent
    return (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)
            and ctx.function is None and linted_only(ctx.tree, parent.targets[0].id))


def _review_helper_uses(ctx: Context, node: ast.Call, flags_node: ast.AST | None) -> None:
    """`NAME = re.compile(P)` at module or class level, applied to a parameter where the use-site rule does
    not judge it: in a private helper or through a local alias. Reported here, where P is written."""
    parent = ctx.parent
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)
            and not isinstance(ctx.function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
        return
    pattern = pattern_text(ctx, argument(node, 0, "pattern"))
    flags = flags_value(ctx, flags_node.value if isinstance(flags_node, ast.keyword) else flags_node)
    if pattern is None or flags is None:
        return
    for use in parameter_uses(ctx.tree, parent.targets[0].id):
        if not (use.aliased or use.function.startswith("_")) or use.function.startswith("__"):
            continue  # a public function's parameter used by name: reported at the use
        found = analyse(pattern, flags, scanning=use.method in SCANNING, whole=use.method == "fullmatch")
        if found is None or found.exponential or (use.bound is not None and use.bound <= harmless_length(found.degree)):
            continue  # exponential: reported by the compile check itself
        role = parser_role(ctx, use.function, use.parameter)
        if role is None:
            continue  # a helper of something other than a parser of data a peer sends
        ctx.report(node, f"The pattern {pattern!r} has {found.reason}; {use.function}() applies it to its parameter "
                   f"`{use.parameter}` (line {use.line}), {role} data its callers pass in, and matching "
                   f"{found.shown()} takes {found.cost} time.",
                   severity=Severity.LOW, confidence=Confidence.LOW, rule_id="regex-polynomial-backtracking")
        return


def reaching(exposed: Exposure | None) -> bool:
    """Whether a polynomial pattern applied to text of this exposure is a finding (an attacker sizes the text)."""
    return exposed is not None and exposed.tier >= Tier.PARSER


def judged(pattern: str, found: Backtracking, exposed: Exposure | None,
           origin: str = "") -> tuple[str, str, Severity, Confidence]:
    """(rule id, message, severity, confidence) of a backtracking pattern by its cost and exposure;
    `origin` names where an imported pattern is defined (`secreview.analysis.imported_patterns`).
    A polynomial pattern on request data is medium; on a library parser's parameter, whose callers
    may or may not pass it long text from a peer, low."""
    rule_id = "regex-catastrophic-backtracking" if found.exponential else "regex-polynomial-backtracking"
    if found.exponential:
        severity = Severity.HIGH if exposed else Severity.MEDIUM
        confidence = Confidence.MEDIUM
    elif exposed is not None and exposed.tier is Tier.INPUT:
        severity = Severity.MEDIUM
        # two adjacent repeats cost n^2 on every attempt; search's retry at each position needs longer text
        confidence = Confidence.MEDIUM if "adjacent" in found.reason else Confidence.LOW
    else:
        severity, confidence = Severity.LOW, Confidence.LOW
    message = (f"The pattern {pattern!r}{origin} has {found.reason}{exposed.text if exposed else ''}; "
               f"matching {found.shown()} takes {found.cost} time.")
    return rule_id, message, severity, confidence


def _report(ctx: Context, node: ast.AST, pattern: str, found: Backtracking, exposed: Exposure | None) -> None:
    rule_id, message, severity, confidence = judged(pattern, found, exposed)
    ctx.report(node, message, severity=severity, confidence=confidence, rule_id=rule_id)
