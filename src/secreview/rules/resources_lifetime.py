"""CWE-664 across an object's lifetime: handles never released, secrets kept in logs."""

from __future__ import annotations

import ast
import re

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.dataflow_hints import LOG_METHODS, logged_values, operands
from secreview.rules.heuristics import in_test_code, name_of, walk_nodes

# Calls that return an object holding a file descriptor until closed.
RESOURCE_OPENERS = (
    "open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open", "tarfile.open",
    "zipfile.ZipFile", "socket.socket", "socket.create_connection",
)
_IN_MEMORY = frozenset({"BytesIO", "StringIO"})
_RELEASE_ATTRS = frozenset({"close", "__exit__", "detach", "__del__"})
# Calls that use a file object while they run and keep no reference to it.
_BORROWING_CALLS = frozenset({
    "json.dump", "json.load", "pickle.dump", "pickle.load", "print", "shutil.copyfileobj", "len", "iter",
    "next", "isinstance", "hasattr", "yaml.safe_load", "yaml.safe_dump", "yaml.dump", "tomllib.load",
    "csv.reader", "csv.writer", "csv.DictReader", "csv.DictWriter", "enumerate", "list", "sorted",
})

# Names that say a value is a credential; and suffixes that say it only describes one.
LOGGED_SECRET = re.compile(
    r"passw|passwd|\bpwd\b|passphrase|secret|token|api_?key|private_?key|access_?key|credential|"
    r"session_?(id|key)|auth_?code|\botp\b|bearer|cookie",
    re.IGNORECASE,
)
_DESCRIBES_SECRET = re.compile(
    r"(_id|_ids|_name|_type|_url|_uri|_path|_file|_len|_length|_count|_expiry|_expires|_expiration|_at|_ttl|"
    r"_set|_enabled|_required|_field|_header|_prefix|_policy|_endpoint|_label|_scope|_hint|_error|_valid|"
    r"_format|_version|_source)$|^(is|has|should|use|num|len|max|min)_|^n_|tokeniz",
    re.IGNORECASE,
)
# Values a message about a credential may show without showing the credential.
_NOT_A_SECRET_VALUE = re.compile(r"^(e|ex|exc|err|error|exception|reason|response|resp|status|user|username)$|"
                                 r"_error$|_exc$|_id$|_name$", re.IGNORECASE)
_MESSAGE_SHOWS_SECRET = re.compile(r"(password|passwd|secret|token|api[_ ]?key)\s*[=:]\s*(%[sr]|\{)", re.IGNORECASE)


def _release_or_escape(function: ast.AST, name: str, opened: ast.Assign) -> bool:
    """Whether `name` is closed, used in `with`, or handed to something that may keep it."""
    parents: dict[int, ast.AST] = {}
    for parent in walk_nodes(function):
        for child in ast.iter_child_nodes(parent):
            parents[id(child)] = parent
    for node in walk_nodes(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
        if not (isinstance(node, ast.Name) and node.id == name) or node in opened.targets:
            continue
        if not isinstance(node.ctx, ast.Load):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Attribute):
            if parent.attr in _RELEASE_ATTRS:
                return True
            continue  # f.read(), f.write(...): used, not released
        if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
            continue
        if isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.IfExp, ast.While)):
            continue
        if isinstance(parent, ast.keyword):
            parent = parents.get(id(parent))
        if isinstance(parent, ast.Call) and name_of(parent.func) in {c.rsplit(".", 1)[-1] for c in _BORROWING_CALLS}:
            continue
        return True  # returned, stored, passed on, used in `with`: its lifetime is someone else's
    return False


@rule(
    id="unclosed-resource",
    tests=False,
    name="File or socket opened outside `with` and never closed",
    cwe="775",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    calls=RESOURCE_OPENERS,
    fix="Open it in a with statement (with open(path) as handle: ...), or close it in a finally block.",
)
def unclosed_resource(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds files, archives and sockets assigned to a local variable outside
    a `with` statement that the function never closes, never returns and
    never hands to other code.

    ## Why is this bad
    The descriptor stays open until the garbage collector finds the object.
    CPython usually closes it when the function returns, but not on PyPy,
    not while a traceback keeps the frame alive, and never in a long loop
    that keeps the variable; buffered writes can be lost on a crash, and a
    busy server runs out of descriptors ("Too many open files") (CWE-775).

    ## Example
    ```python
    handle = open(path, "w")
    handle.write(report)
    ```

    ## Use instead
    ```python
    with open(path, "w") as handle:
        handle.write(report)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    function = ctx.function
    parent = ctx.parent
    if function is None or isinstance(function, ast.Lambda) or not isinstance(parent, ast.Assign):
        return
    if parent.value is not node or len(parent.targets) != 1 or not isinstance(parent.targets[0], ast.Name):
        return
    name = parent.targets[0].id
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Call) and name_of(first.func) in _IN_MEMORY:
        return  # ZipFile(BytesIO(data)): no descriptor to leak
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk_nodes(function)):
        return  # generators hand their state to the caller
    if _release_or_escape(function, name, parent):
        return
    ctx.report(node, f"`{name}` = {ctx.call_name(node)}(...) is never closed in `{function.name}()`; "
               "the descriptor stays open until garbage collection.")


def _secret_spelling(ctx: Context, value: ast.expr) -> str | None:
    """A logged expression that is itself a credential, judged by its name."""
    candidates: list[ast.expr]
    if isinstance(value, ast.JoinedStr):
        candidates = [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(value, ast.BinOp):
        candidates = list(operands(value))
    else:
        candidates = [value]
    for candidate in candidates:
        if not isinstance(candidate, (ast.Name, ast.Attribute, ast.Subscript)) or ctx.is_constant(candidate):
            continue
        if isinstance(candidate, ast.Subscript) and isinstance(candidate.slice, ast.Slice):
            continue  # token[-4:]: a recognisable fragment, which is the advice
        name = name_of(candidate)
        if name and LOGGED_SECRET.search(name) and not _DESCRIBES_SECRET.search(name):
            return ast.unparse(candidate)
    return None


@rule(
    id="secret-in-log",
    tests=False,
    name="Password, token or key written to a log",
    cwe="532",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=LOG_METHODS,
    fix="Log that a credential was used, not the credential: an identifier, the last four characters, "
    "or a hash such as hashlib.sha256(token.encode()).hexdigest()[:8].",
)
def secret_in_log(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds logging calls that put a password, token, API key, session id or
    other credential (judged by the variable's name or by a message such as
    `"password=%s"`) into the log record.

    ## Why is this bad
    Logs are copied to files, log collectors, support tickets and
    dashboards, kept for months and read by many more people than the
    credential store. A secret in a log is a leaked secret (CWE-532).

    ## Example
    ```python
    logger.debug("authenticating with token %s", api_token)
    ```

    ## Use instead
    ```python
    logger.debug("authenticating with token ending %s", api_token[-4:])
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    values = logged_values(ctx, node)
    if not values:
        return
    message = ctx.constant_value(values[0])
    for value in values:
        secret = _secret_spelling(ctx, value)
        if secret:
            ctx.report(node, f"`{secret}` is written to the log, where everyone who reads logs can see it.")
            return
    if isinstance(message, str) and _MESSAGE_SHOWS_SECRET.search(message) and any(
        isinstance(v, (ast.Name, ast.Attribute, ast.Subscript)) and not ctx.is_constant(v)
        and not _NOT_A_SECRET_VALUE.search(name_of(v)) for v in values[1:]
    ):
        ctx.report(node, f"The log message {message!r} prints a credential's value.")
