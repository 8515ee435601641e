"""Where a value a library handles came from, as far as one function tells: for bound checks.

The resource-bound rules (`secreview.rules.resources_bounds`) report a decompression or a
read only when its input comes from outside the program: a parameter of a public function
(a library's caller decides what it is), bytes read from a socket, an HTTP response or a
request body, or the contents of a file. These questions are local: they follow a name to
the expression last assigned to it, a few steps deep, as the other single-function hints do.
"""

from __future__ import annotations

import ast

from secreview.rules.base import Context
from secreview.rules.dataflow_hints import parameter_in

_DEPTH = 4
# Methods that return bytes received from a peer or read from a stream.
READ_METHODS = frozenset({"read", "recv", "recvfrom", "recv_into", "readexactly", "readuntil", "read1",
                          "readall", "sock_recv", "iter_content", "getvalue"})
# Attributes of a response or request object that hold its whole body.
BODY_ATTRIBUTES = frozenset({"content", "body", "data", "raw_data", "stream"})
# Files the program opens by name: what they hold is the program's own (its cache, its data files).
_LOCAL_FILES = frozenset({"open", "io.open", "codecs.open", "pathlib.Path.open", "os.fdopen"})
# String methods whose result is the receiver's text, changed in case or whitespace.
_TEXT_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "decode", "encode", "title"})
# Calls that wrap bytes without changing where they came from.
_WRAPPERS = frozenset({"io.BytesIO", "io.BufferedReader", "memoryview", "bytes", "bytearray"})


def producer(ctx: Context, node: ast.expr, depth: int = _DEPTH) -> str | None:
    """The qualified name of the call that made `node`'s object, through names and method chains:
    `resp = conn.getresponse()` with `conn = http.client.HTTPConnection(h)` gives
    'http.client.HTTPConnection.getresponse'. None when not known."""
    if depth <= 0:
        return None
    if isinstance(node, ast.Call):
        name = ctx.call_name(node)
        if name is None and isinstance(node.func, ast.Attribute):
            base = producer(ctx, node.func.value, depth - 1)
            return f"{base}.{node.func.attr}" if base else None
        return name
    if isinstance(node, ast.Name):
        made = made_from(ctx, node)
        return producer(ctx, made, depth - 1) if made is not None else ctx.qualname(node)
    if isinstance(node, ast.Attribute):
        return ctx.qualname(node)
    return None


def made_from(ctx: Context, name: ast.Name) -> ast.expr | None:
    """What `name` holds: the context expression of an enclosing `with X as name`, else what was
    last assigned to it; None when neither is seen."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            for item in ancestor.items:
                var = item.optional_vars
                if isinstance(var, ast.Name) and var.id == name.id:
                    return item.context_expr
    assigned = ctx.assigned_value(name)
    return assigned if assigned is not name else None


def public_parameter(ctx: Context, node: ast.expr) -> str | None:
    """The parameter of the enclosing public function whose value reaches `node`, if any.

    A function whose name starts with `_` is the module's own; its callers are checked instead."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if function.name.startswith("_") and not function.name.startswith("__"):
        return None
    return parameter_in(ctx, node)


def parameter_text(ctx: Context, node: ast.expr) -> str | None:
    """Like `public_parameter`, but only the parameter's own text: the parameter itself or a string
    method or `str()` of it (`text.lower()`), not an attribute or item of it (`response.headers[...]`
    is what the program set on an object it was handed, not what its caller wrote)."""
    inner = node
    while isinstance(inner, ast.Call) and inner.args[:1] and isinstance(inner.func, ast.Name) \
            and inner.func.id in ("str", "bytes"):
        inner = inner.args[0]
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in _TEXT_METHODS:
        inner = inner.func.value
    if not isinstance(inner, ast.Name):
        return None
    return public_parameter(ctx, inner)


def read_origin(ctx: Context, node: ast.expr | None, depth: int = _DEPTH) -> str | None:
    """How `node` was read from outside, in words (`resp.read()`), or None.

    Follows names to what was last assigned to them, `BytesIO(x)` and slices to `x`,
    and `b"".join(chunks)` to nothing (a join of a list is not followed)."""
    if node is None or depth <= 0:
        return None
    if isinstance(node, ast.Name):
        assigned = ctx.assigned_value(node)
        if assigned is not None and assigned is not node:
            return read_origin(ctx, assigned, depth - 1)
        return None
    if isinstance(node, ast.Await):
        return read_origin(ctx, node.value, depth)
    if isinstance(node, ast.Subscript):
        return read_origin(ctx, node.value, depth - 1)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in READ_METHODS:
            made_by = producer(ctx, func.value) or ""
            if made_by in _LOCAL_FILES or made_by.startswith("sys.stdin"):
                return None  # the program's own file (a cache, a fixture), or its operator's terminal
            return f"{ast.unparse(node)[:60]}"
        if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
            return read_origin(ctx, func.value, depth - 1)  # `sock.recv(n).decode()`
        if (ctx.call_name(node) or "") in _WRAPPERS and node.args:
            return read_origin(ctx, node.args[0], depth - 1)
        return None
    if isinstance(node, ast.Attribute) and node.attr in BODY_ATTRIBUTES:
        return ast.unparse(node)[:60]
    return None


def outside_origin(ctx: Context, node: ast.expr | None) -> str | None:
    """Words for where `node` comes from when it is not the program's own: a public parameter
    or bytes read from a stream, socket or response. None otherwise."""
    if node is None or ctx.is_constant(node):
        return None
    while isinstance(node, ast.Call) and (ctx.call_name(node) or "") in _WRAPPERS and node.args:
        node = node.args[0]
    parameter = public_parameter(ctx, node)
    if parameter:
        return f"the parameter `{parameter}` of the public function {ctx.function.name}()"  # type: ignore[union-attr]
    read = read_origin(ctx, node)
    if read:
        return f"data read by `{read}`"
    return None
