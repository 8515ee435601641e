"""Shared judgements that several checks make about code around a node.

Pattern rules become precise by asking *what the value is for* (a password,
a token, a cache key) and *where it came from* (a literal, a request, the
unknown). These helpers answer from names, which is what a human reviewer
reads too. The taint engine gives the stronger answer about origins; this
module is the single-statement approximation.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from secreview.analysis.argv import shifts_argv
from secreview.rules.base import Context

SENSITIVE = re.compile(
    r"passw|passwd|pwd|secret|token|signature|\bsig\b|_sig\b|^sig_|credential|api_?key|private_?key|"
    r"nonce|salt|\botp\b|otp_|_otp|session_?id|session_?key|csrf|auth_?code|reset_?code|verification_?code",
    re.IGNORECASE,
)
PASSWORD = re.compile(r"passw|passwd|pwd|passphrase", re.IGNORECASE)
DIGEST = re.compile(
    r"digest|signature|\bsig\b|_sig\b|^sig_|hmac|\bmac\b|_mac\b|token|secret|api_?key|password_?hash|pw_?hash|"
    r"csrf|nonce|otp|passw",
    re.IGNORECASE,
)

# Request data as the common web frameworks spell it: the single-statement
# stand-in for a taint source.
REQUEST_ATTRS = frozenset(
    {"args", "form", "values", "json", "data", "cookies", "headers", "files", "view_args", "GET", "POST",
     "COOKIES", "META", "body", "FILES", "query_params", "path_params", "params", "query", "match_info",
     "get_json", "get_data", "get_argument", "get_query_argument", "get_body_argument"}
)
_UNTRUSTED_QUALNAMES = ("flask.request", "sys.argv", "input", "os.environ", "os.getenv", "werkzeug.", "bottle.request")


def name_of(node: ast.AST) -> str:
    """The identifier a target or operand is known by: `self.token` -> 'token'."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return name_of(node.value)
    if isinstance(node, ast.Call):
        return name_of(node.func)
    if isinstance(node, ast.Starred):
        return name_of(node.value)
    return ""


def assigned_names(ctx: Context) -> list[str]:
    """Names the current expression is being stored into, keyword it is passed as,
    or the function returning it: how code says what a value is for."""
    names: list[str] = []
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, ast.Assign):
            names.extend(name_of(t) for t in ancestor.targets)
            break
        if isinstance(ancestor, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            names.append(name_of(ancestor.target))
            break
        if isinstance(ancestor, ast.keyword) and ancestor.arg:
            names.append(ancestor.arg)
            break
        if isinstance(ancestor, ast.Dict):
            continue
        if isinstance(ancestor, ast.Return):
            break
        if isinstance(ancestor, ast.stmt):
            break
    function = ctx.function
    if function is not None and not isinstance(function, ast.Lambda):
        names.append(function.name)
    return [n for n in names if n]


def sensitive_purpose(ctx: Context, pattern: re.Pattern[str] = SENSITIVE) -> str | None:
    """The first name around the node that says it holds a secret, if any."""
    for name in assigned_names(ctx):
        if pattern.search(name):
            return name
    return None


def mentions(node: ast.AST, pattern: re.Pattern[str]) -> str | None:
    """An identifier or string key inside `node` that matches `pattern`."""
    for sub in ast.walk(node):
        text = ""
        if isinstance(sub, ast.Name):
            text = sub.id
        elif isinstance(sub, ast.Attribute):
            text = sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 40:
            text = sub.value
        if text and pattern.search(text):
            return text
    return None


def untrusted_expression(ctx: Context, node: ast.AST) -> str | None:
    """Spelling of request data, argv, input() or the environment inside `node`. `sys.argv[0]` is
    the program's own path as it was started, not an argument: left out (unless the module shifts
    the arguments into its place)."""
    inside = walk_nodes(node)  # (one walk, in `ast.walk`'s order, for both passes)
    program = {id(sub.value) for sub in inside if isinstance(sub, ast.Subscript)
               and isinstance(sub.slice, ast.Constant) and type(sub.slice.value) is int and sub.slice.value == 0
               and isinstance(sub.value, ast.Attribute) and ctx.qualname(sub.value) == "sys.argv"
               and not shifts_argv(ctx.tree)}
    for sub in inside:
        if id(sub) in program:
            continue
        if isinstance(sub, (ast.Attribute, ast.Name, ast.Call)):
            target = sub.func if isinstance(sub, ast.Call) else sub
            qual = ctx.qualname(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
            if qual and qual.startswith(_UNTRUSTED_QUALNAMES):
                return ast.unparse(sub)
            if (
                isinstance(target, ast.Attribute)
                and target.attr in REQUEST_ATTRS
                and name_of(target.value) in ("request", "req", "self.request")
            ):
                return ast.unparse(sub)
    return None


def in_test_code(ctx: Context) -> bool:
    """Test modules and test functions: asserts and fixed secrets are normal there."""
    if ctx.is_test:
        return True
    for function in ctx.functions:
        if not isinstance(function, ast.Lambda) and function.name.startswith("test"):
            return True
    return False


# -- helpers for the access-control, protection and other pillar rules ---------

# Request attributes whose values are always strings (query, form, headers,
# cookies): `request.args["id"] == 5` can never be true.
_REQUEST_TEXT_ATTRS = frozenset(
    {"args", "form", "values", "cookies", "headers", "GET", "POST", "COOKIES", "META", "query_params"}
)


def request_text(node: ast.AST) -> str | None:
    """Spelling of a string read from a request's query, form, headers or cookies.

    `request.args["id"]`, `request.form.get("id")`, `request.GET["id"]`: the
    frameworks give these as `str` whatever the client sent.
    """
    target = node
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "get":
        target = target.func.value
    elif isinstance(target, ast.Subscript):
        target = target.value
    else:
        return None
    if (
        isinstance(target, ast.Attribute)
        and target.attr in _REQUEST_TEXT_ATTRS
        and name_of(target.value) in ("request", "req")
    ):
        return ast.unparse(node)
    return None


def enclosing_def(ctx: Context) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost `def` around the node (lambdas skipped)."""
    for function in reversed(ctx.functions):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return function
    return None


def walk_body(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """Every node in a function's body, nested functions included, in source order.

    Computed once per function and kept on the node (it lives exactly as long as the
    tree): several checks read the same body, and re-walking it was a tenth of a run.
    Callers must not modify the list.
    """
    nodes: list[ast.AST] | None = getattr(function, "_secreview_body", None)
    if nodes is None:
        nodes = []
        for stmt in function.body:
            nodes.extend(walk_nodes(stmt))
        function._secreview_body = nodes  # type: ignore[union-attr]
    return nodes


def scope_nodes(roots: list[ast.AST]) -> list[ast.AST]:
    """The nodes under `roots` (a loop's body, a function's body) that run in that scope: not those of
    functions, lambdas or classes defined there, which run (if ever) somewhere else."""
    found: list[ast.AST] = []
    todo = list(roots)
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return found


_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


def body_statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The statements of `walk_body(function)` (those of nested blocks, functions and classes too), in
    no particular order, without visiting a single expression: about a tenth of the nodes.

    A check that reports only around some kind of statement (an assignment, an `if`) asks this
    first and walks the whole body only where one is found. Kept on the node like `walk_body`.
    """
    found: list[ast.stmt] | None = getattr(function, "_secreview_statements", None)
    if found is None:
        found = []
        pending: list[ast.AST] = list(function.body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.stmt):
                found.append(node)
            for name in _STATEMENT_LISTS:  # an except handler or match case holds statements too
                block = getattr(node, name, None)
                if block:
                    pending.extend(block)
        function._secreview_statements = found  # type: ignore[union-attr]
    return found


# The last tree asked about and its nodes. Not kept on the tree itself: the list holds the tree, and
# that reference cycle kept every file's whole tree alive until the cyclic garbage collector ran.
class _LastTree:
    def __init__(self) -> None:
        self.tree: ast.AST | None = None
        self.nodes: list[ast.AST] = []


_MODULE_NODES: Final = _LastTree()


def module_nodes(tree: ast.AST) -> list[ast.AST]:
    """`walk_nodes(tree)` computed once per tree (read-only for callers)."""
    last = _MODULE_NODES
    if last.tree is not tree:
        last.tree, last.nodes = tree, walk_nodes(tree)
    return last.nodes


def walk_nodes(node: ast.AST) -> list[ast.AST]:
    """What `ast.walk(node)` yields, in the same (breadth-first) order, as a list.

    `ast.walk` goes through two generators per node (`iter_child_nodes`, `iter_fields`);
    reading `_fields` directly is about three times faster, and the rules walk a lot.
    """
    found = [node]
    append = found.append
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        for field in current._fields:
            value = getattr(current, field, None)
            if isinstance(value, ast.AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
    return found


def same_expression(a: ast.AST, b: ast.AST) -> bool:
    """Two expressions spelled the same way (`path` and `path`, `f.name` and `f.name`)."""
    return ast.dump(a, annotate_fields=False) == ast.dump(b, annotate_fields=False)


def parameter_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[str]:
    args = function.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def test_context_named(ctx: Context) -> bool:
    """Test code, a class or module named for tests/development (a `TestingConfig`,
    `settings/dev.py`), or a framework's defaults module (`global_settings.py`): settings that
    switch protections off are normal or intended to be overridden there."""
    if in_test_code(ctx):
        return True
    if any(re.search(r"test|dev|local", cls.name, re.IGNORECASE) for cls in ctx.classes):
        return True
    return _test_or_dev_settings_path(ctx.path)


@lru_cache(maxsize=256)
def _test_or_dev_settings_path(path: str) -> bool:
    """The path part of `test_context_named`, answered once per path."""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    parent = path.replace("\\", "/").rsplit("/", 2)[-2].lower() if path.count("/") else ""
    if stem in ("global_settings.py", "default_settings.py", "defaults.py"):
        return True  # a framework's documented defaults, overridden by the project's settings
    return bool(re.search(r"(^|[_.\-])(test|tests|testing|dev|develop|development|local)([_.\-]|$)", stem)) or (
        parent == "settings" and bool(re.search(r"test|dev|local", stem))
    )


def bound_sides(test: ast.expr, name: str) -> set[str]:
    """Which bounds of `name` a condition checks: 'upper', 'lower'."""
    sides: set[str] = set()
    nodes = walk_nodes(test)
    for sub in nodes:
        if not isinstance(sub, ast.Compare):
            continue
        operands = [sub.left, *sub.comparators]
        for index, op in enumerate(sub.ops):
            left, right = operands[index], operands[index + 1]
            for operand, flipped in ((left, False), (right, True)):
                if not (isinstance(operand, ast.Name) and operand.id == name):
                    continue
                if isinstance(op, (ast.Gt, ast.GtE)):
                    sides.add("lower" if flipped else "upper")
                elif isinstance(op, (ast.Lt, ast.LtE)):
                    sides.add("upper" if flipped else "lower")
                elif isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
                    sides.update(("upper", "lower"))
    for sub in nodes:
        if isinstance(sub, ast.Call) and name_of(sub.func) in ("min", "max", "clamp", "abs") and any(
            isinstance(a, ast.Name) and a.id == name for a in sub.args
        ):
            sides.update(("upper", "lower"))
    return sides


def in_tests(ctx: Context) -> bool:
    """`in_test_code`, plus Django's `tests.py` modules and methods of `...Test`/`...TestCase` classes."""
    if in_test_code(ctx) or _test_module(ctx.path):
        return True
    return any(_TEST_CLASS.search(cls.name) for cls in ctx.classes)


_TEST_CLASS = re.compile(r"^Test([A-Z_]|$)|Tests?$|TestCase$")  # `TestViews`, `ViewTests`; not `Contest`, `Testimonial`


@lru_cache(maxsize=256)
def _test_module(path: str) -> bool:
    """Asked for nearly every node, so answered once per path."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower() in ("tests.py", "test.py", "testing.py")


def settings_written(node: ast.AST) -> list[tuple[str, ast.expr, ast.AST]]:
    """(setting, value, where) for configuration written by `node`: `NAME = value`,
    `app.config["NAME"] = value`, and `app.config.update(NAME=value)` / `.from_mapping(NAME=value)`."""
    if isinstance(node, ast.Assign):
        found: list[tuple[str, ast.expr, ast.AST]] = []
        for target in node.targets:
            if isinstance(target, ast.Name):
                found.append((target.id, node.value, node))
            elif isinstance(target, ast.Subscript) and name_of(target.value) == "config":
                key = target.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.append((key.value, node.value, node))
        return found
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "from_mapping") and name_of(node.func.value) == "config"):
        return [(kw.arg, kw.value, node) for kw in node.keywords if kw.arg]
    return []


def mention_gate(*words: str) -> Callable[[Context], bool]:
    """Whether the file's text contains any of `words`: a cheap gate for checks that only matter when a
    file uses some API at all (`urlparse`, `Crypto`, `CERT_NONE`). Made once per check at import; it keeps
    the current file's answer (one file is walked at a time per process), so asking it about every
    node costs an identity test."""
    GATE_WORDS.update(words)
    return _MentionGate(words)


# Every word a `mention_gate` asks about: the engine looks for them in the same pass as its pre-filter's.
GATE_WORDS: set[str] = set()


class _MentionGate:
    """`mention_gate`'s answer for the file asked about last."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.last: Context | None = None
        self.answer = False

    def __call__(self, ctx: Context) -> bool:
        if self.last is not ctx:
            self.last, self.answer = ctx, ctx.mentions_any(self.words)
        return self.answer
