"""Whether the text a backtracking regex is applied to can be made long by an attacker (CWE-1333).

A polynomial pattern costs n^2 (or n^3) steps: it is a denial of service only where
someone outside the program decides n, and n can be thousands of characters. The
published advisories of this class are all in code that parses protocol or document
data a peer sends: header, cookie and content-type parsers, URL and e-mail address
parsers, user-agent strings, markup and markdown, HTTP dates, pax headers of a
downloaded archive. So, from strongest to weakest evidence (`Tier`):

* INPUT: request data in the function (`request.headers[...]`, a route parameter),
  or bytes read from a socket, a response or a request body (`analysis.origins`);
* PARSER: a parameter of a public function whose role is parsing such data, as its
  own code names it: a word of `PROTOCOL_WORDS` in the parameter's, the function's,
  its class's or its module's name (`parse_options_header(value)`, `EmailValidator.__call__`,
  a function of `myhttp/cookies.py`). A library never sees its callers' requests,
  so this is the only evidence it gives; it is reported at low severity;
* PARAMETER: any other public parameter. It does not make a polynomial pattern a
  finding (migration names, route paths a developer declares, `relationship(overlaps=...)`,
  forward-reference annotations, a release file under /etc: what a caller passes is
  usually the program's own text), but an exponential pattern needs only 30 characters,
  so there it still raises the severity.

Not input whatever the names say: a command-line tool's text (a module that parses its
own arguments with argparse/click/optparse or lives under `bin/`: its operator hands it
files and arguments), the output of a program the process ran itself (`proc.stdout.read()`),
and text bounded before the match (`text[:1000]`, or `if len(text) > 1000: raise` first)
to a length whose n^degree steps are harmless.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass

from secreview.analysis.origins import READ_METHODS, parameter_text, producer, read_origin
from secreview.analysis.regex_uses import LINT_PARAMETERS
from secreview.rules.base import Context
from secreview.rules.dataflow_hints import is_cli_command, request_data


class Tier(enum.IntEnum):
    """How strong the evidence is that an attacker decides the text (higher is stronger)."""

    PARAMETER = 1
    PARSER = 2
    INPUT = 3


@dataclass(frozen=True)
class Exposure:
    """Who controls a regex's subject: `text` is the message's words (' and is applied to ...')."""

    tier: Tier
    text: str


# Words that name data a peer sends, taken from the advisories of this class (see the module docstring).
PROTOCOL_WORDS = frozenset({
    "header", "headers", "cookie", "cookies", "mime", "mimetype", "ctype", "contenttype", "accept", "charset",
    "boundary", "multipart", "disposition", "url", "urls", "uri", "href", "netloc", "querystring", "qs",
    "email", "emails", "mail", "addr", "useragent", "agent", "auth", "authorization", "authenticate",
    "challenge", "www", "http", "https", "html", "xhtml", "markup", "markdown", "sgml", "xml", "css", "svg",
    "smtp", "imap", "ftp", "response", "resp", "reply", "request", "body", "payload", "form", "json", "csv",
    "pax", "tar", "upload", "uploaded", "received", "packet",
})
# Modules that make a program a command-line tool: what it reads, its operator hands it.
_CLI_MODULES = frozenset({"argparse", "optparse", "getopt", "click", "typer", "docopt"})
_CLI_FOLDERS = frozenset({"bin", "scripts", "commands"})
# Files the program opens by name: their text is its own (a release file under /etc, its configuration).
_OWN_FILES = frozenset({"open", "io.open", "codecs.open", "pathlib.Path.open", "pathlib.Path.read_text"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Steps of the regex engine taken as harmless for one match (about 0.1 s in CPython's `re`).
_HARMLESS_STEPS = 10 ** 7


def words(identifier: str) -> set[str]:
    """The lower-case words of an identifier: `parse_HTTPDate2` -> {'parse', 'http', 'date'}."""
    return {w.lower() for w in _WORD.findall(identifier)}


def protocol_word(*identifiers: str) -> str | None:
    """The first word of PROTOCOL_WORDS in the identifiers (dotted module names included), else None."""
    for identifier in identifiers:
        for part in identifier.split("."):
            found = words(part) & PROTOCOL_WORDS
            if found:
                return min(found)
    return None


def command_line_tool(ctx: Context) -> bool:
    """The module is a command-line program: it imports an argument parser, or lives under bin/."""
    if _CLI_FOLDERS & set(re.split(r"[\\/]", ctx.path)[:-1]) or is_cli_command(ctx):
        return True
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Import) and any(a.name.split(".")[0] in _CLI_MODULES for a in stmt.names):
            return True
        if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0] in _CLI_MODULES:
            return True
    return False


def parser_role(ctx: Context, function: str, parameter: str) -> str | None:
    """The protocol word that makes `function(parameter)` a parser of data a peer sends, or None
    (in a command-line tool, never: its operator hands it the text)."""
    owner = ctx.classes[-1].name if ctx.classes else ""
    found = protocol_word(parameter, function, owner, ctx.names.module or "")
    return None if found is None or command_line_tool(ctx) else found


def exposure(ctx: Context, subject: ast.expr | None) -> Exposure | None:
    """Who controls `subject` (None when nobody outside the program): see the module docstring."""
    if subject is None or ctx.is_constant(subject):
        return None
    function = ctx.function
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = function.args
        names = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
        if names & LINT_PARAMETERS:
            return None  # a flake8 check: flake8 passes it the project's own source lines by these names
    parameter = parameter_text(ctx, _uncut(subject))
    if parameter and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        role = parser_role(ctx, function.name, parameter)
        if role:
            return Exposure(Tier.PARSER, f" and is applied to `{parameter}`, a parameter of {function.name}(), a public "
                                         f"parser of {role} data that its callers pass in")
        return Exposure(Tier.PARAMETER, " and is applied to a parameter of a public function")
    request = request_data(ctx, subject)
    if request:
        return Exposure(Tier.INPUT, f" and is applied to request data (`{request}`)")
    read = read_origin(ctx, subject)
    if read and not _own_data(ctx, subject):
        return Exposure(Tier.INPUT, f" and is applied to data read by `{read}`")
    return None


def _uncut(node: ast.expr) -> ast.expr:
    """`text` of `text[:n]` and `text[:n].lower()`: a cut is judged by `bounded`, not here."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
                and isinstance(node.func.value, ast.Subscript):
            node = node.func.value
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            node = node.value
        else:
            return node


def _own_data(ctx: Context, node: ast.expr, depth: int = 4) -> bool:
    """`node` was read from a file the program opens by name or from a program it started itself
    (`handle.read()` of `with open(path) as handle`, `proc.stdout.read()`): not a peer's bytes."""
    while depth > 0:
        depth -= 1
        if isinstance(node, ast.Name):
            assigned = ctx.assigned_value(node)
            if assigned is None or assigned is node:
                return False
            node = assigned
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in READ_METHODS or node.func.attr == "communicate":
                made_by = producer(ctx, node.func.value) or _opened_by(ctx, node.func.value) or ""
                return made_by in _OWN_FILES or made_by.startswith("subprocess.")
            node = node.func.value  # `proc.stdout.read().decode()`
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return False
    return False


def _opened_by(ctx: Context, node: ast.expr) -> str | None:
    """The call of `with CALL as NAME` in the enclosing function that bound `node` (a read after the block
    has ended, where the engine no longer sees the `with`)."""
    function = ctx.function
    if not isinstance(node, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for stmt in ast.walk(function):
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                var = item.optional_vars
                if isinstance(var, ast.Name) and var.id == node.id and isinstance(item.context_expr, ast.Call):
                    return ctx.call_name(item.context_expr)
    return None


def harmless_length(degree: int) -> int:
    """The longest text whose n^degree steps stay harmless: 3162 characters for a quadratic pattern."""
    return int(_HARMLESS_STEPS ** (1 / degree))


def bounded(ctx: Context, subject: ast.expr | None, degree: int) -> bool:
    """The text is cut (`text[:1000]`, directly or through a local) or checked (`if len(text) > 1000: raise`
    earlier in the function) to at most `harmless_length(degree)` characters before the match."""
    limit = harmless_length(degree)
    node = subject
    for _ in range(4):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
            node = node.func.value  # `text[:100].lower()`
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            upper = ctx.constant_value(node.slice.upper) if node.slice.upper is not None else None
            return isinstance(upper, int) and not isinstance(upper, bool) and 0 <= upper <= limit \
                and node.slice.lower is None
        if not isinstance(node, ast.Name):
            return False
        if _length_checked(ctx, node.id, limit, subject):
            return True
        assigned = ctx.assigned_value(node)
        if assigned is None or assigned is node:
            return False
        node = assigned
    return False


def _length_checked(ctx: Context, name: str, limit: int, at: ast.expr | None) -> bool:
    """An `if len(name) > N: raise/return/abort(...)` with N <= limit before `at` in the enclosing function."""
    function = ctx.function
    line = getattr(at, "lineno", 0)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for stmt in ast.walk(function):
        if not (isinstance(stmt, ast.If) and stmt.lineno < line and isinstance(stmt.test, ast.Compare)
                and len(stmt.test.ops) == 1 and isinstance(stmt.test.ops[0], (ast.Gt, ast.GtE))):
            continue
        measured, bound = stmt.test.left, ctx.constant_value(stmt.test.comparators[0])
        if not (isinstance(measured, ast.Call) and isinstance(measured.func, ast.Name) and measured.func.id == "len"
                and measured.args and isinstance(measured.args[0], ast.Name) and measured.args[0].id == name):
            continue
        if isinstance(bound, int) and bound <= limit and _leaves(stmt.body):
            return True
    return False


def _leaves(body: list[ast.stmt]) -> bool:
    """The block ends the function: a raise, a return, or a call such as `abort(400)` last."""
    last = body[-1] if body else None
    return isinstance(last, (ast.Raise, ast.Return)) or (
        isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
        and getattr(last.value.func, "id", getattr(last.value.func, "attr", "")) == "abort")
