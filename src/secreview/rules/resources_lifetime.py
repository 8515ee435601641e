"""CWE-664 across an object's lifetime: handles never released.

Secrets kept in logs (secret-in-log) are a flow of secret material: `rules/specs/secrets.toml`."""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
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
