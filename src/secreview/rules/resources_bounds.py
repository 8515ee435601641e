"""CWE-409, CWE-400, CWE-770: decompression and reads whose size nothing bounds.

A library decompresses and reads what its callers and peers send. The stdlib's
documented bounds are: `decompressobj().decompress(data, max_length)` (zlib,
bz2 and lzma decompressors; `unconsumed_tail`/`needs_input` say there is more),
`read(size)` on a `GzipFile`/`BZ2File`/`LZMAFile`, a socket file, an HTTP
response or a request body, `readline(limit)`, and a counter compared with a
limit in a loop that collects lines, headers or parts. One-shot functions
(`zlib.decompress`, `gzip.decompress`, `bz2.decompress`, `lzma.decompress`) have
no bound at all: their `bufsize` is only the first buffer's size.

Each rule reports only input from outside the program (`secreview.analysis.origins`):
a parameter of a public function, or bytes read from a socket, response, request
body or file. The finding says which bound is missing.
"""

from __future__ import annotations

import ast

from secreview.analysis.origins import made_from, outside_origin, producer
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.dataflow_hints import report_once
from secreview.rules.heuristics import in_test_code, scope_nodes

# One-shot decompression: the whole output in memory, no size option.
ONE_SHOT_DECOMPRESS = ("zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress")
# Incremental decompressors whose decompress() takes max_length.
DECOMPRESSORS = ("zlib.decompressobj", "bz2.BZ2Decompressor", "lzma.LZMADecompressor", "zlib._ZlibDecompressor")
# File objects that decompress on read(): read() with no size inflates the whole stream.
COMPRESSED_FILES = ("gzip.GzipFile", "gzip.open", "bz2.BZ2File", "bz2.open", "lzma.LZMAFile", "lzma.open")

# Streams whose read() returns what a peer sends: a response, a request body, a socket file.
_PEER_STREAMS = ("urllib.request.urlopen", "http.client.HTTPConnection.getresponse",
                 "http.client.HTTPSConnection.getresponse", "urllib.request.OpenerDirector.open",
                 "urllib.request.build_opener.open")
_PEER_METHODS = frozenset({"makefile", "getresponse"})
# `self.rfile` of a socketserver/http.server handler; `environ["wsgi.input"]` of a WSGI app.
_REQUEST_STREAMS = frozenset({"rfile", "wsgi.input", "wsgi_input", "body_file", "body_file_raw"})
_UNBOUNDED_SIZES = (None, -1)


def _has_bound(call: ast.Call, position: int, name: str, ctx: Context) -> bool:
    """Whether `call` passes a size at `position`/`name` that is not -1 or None."""
    value = argument(call, position, name)
    if value is None:
        return False
    return not (ctx.is_constant(value) and ctx.constant_value(value) in _UNBOUNDED_SIZES)


@rule(
    id="decompression-unbounded",
    tests=False,
    name="Decompression of outside data without a size bound (decompression bomb)",
    cwe="409",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=ONE_SHOT_DECOMPRESS,
    methods=("decompress", "read"),
    fix="Decompress incrementally with a limit: d = zlib.decompressobj(); out = d.decompress(data, MAX_SIZE); "
    "if d.unconsumed_tail: raise ValueError('too large') (bz2/lzma decompressors take max_length too), "
    "or read a GzipFile in bounded chunks (f.read(CHUNK)) and stop past a total.",
)
def decompression_unbounded(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds decompression of data that comes from outside the program (a public
    function's parameter, bytes read from a socket, an HTTP response, a
    request body or a file) with nothing bounding the output:
    `zlib.decompress(data)`, `gzip.decompress`, `bz2.decompress`,
    `lzma.decompress`, `decompressobj().decompress(data)` without
    `max_length`, and `GzipFile(fileobj=...).read()` without a size.

    ## Why is this bad
    Compression ratios reach 1:1000 and more (zlib) and far beyond for nested
    or crafted streams: a 10 MB body inflates to 10 GB in memory and the
    process is killed or the host swaps (CWE-409). The one-shot functions
    have no size option at all; `bufsize` is only the first buffer's size.

    ## Example
    ```python
    def inflate(body):
        return zlib.decompress(body)
    ```

    ## Use instead
    ```python
    def inflate(body):
        d = zlib.decompressobj()
        out = d.decompress(body, MAX_SIZE)
        if d.unconsumed_tail:
            raise ValueError("decompressed data too large")
        return out
    ```
    """
    if in_test_code(ctx):
        return
    name = ctx.call_name(node)
    if name in ONE_SHOT_DECOMPRESS:
        origin = outside_origin(ctx, argument(node, 0, "data"))
        if origin:
            report_once(ctx, node, f"{name}() inflates {origin} with no limit on the output: it has no size option. "
                       "Use a decompressobj() and pass max_length to decompress().")
        return
    if not isinstance(node.func, ast.Attribute):
        return
    made_by = producer(ctx, node.func.value) or ""
    if node.func.attr == "decompress" and made_by in DECOMPRESSORS:
        if _has_bound(node, 1, "max_length", ctx):
            return
        origin = outside_origin(ctx, argument(node, 0, "data"))
        if origin:
            ctx.report(node, f"{made_by}().decompress() inflates {origin} without max_length: the whole output "
                       "is produced at once, however large.")
    elif node.func.attr == "read" and made_by in COMPRESSED_FILES:
        if _has_bound(node, 0, "size", ctx):
            return
        opened = producer_call(ctx, node.func.value)
        source = None
        if opened is not None:
            source = argument(opened, 0, "filename")
            fileobj = keyword(opened, "fileobj")
            source = fileobj.value if fileobj is not None else source
        origin = outside_origin(ctx, source)
        if origin:
            ctx.report(node, f"{made_by}(...).read() without a size inflates {origin} in one piece: "
                       "the output has no limit.")


def producer_call(ctx: Context, node: ast.expr, depth: int = 3) -> ast.Call | None:
    """The call expression that made `node`'s object (`with gzip.GzipFile(fileobj=b) as f` for `f`)."""
    if isinstance(node, ast.Call) or depth <= 0:
        return node if isinstance(node, ast.Call) else None
    if isinstance(node, ast.Name):
        made = made_from(ctx, node)
        return producer_call(ctx, made, depth - 1) if made is not None else None
    return None


def peer_stream(ctx: Context, receiver: ast.expr) -> str | None:
    """Words for a stream whose bytes a peer sends (`self.rfile`, `environ["wsgi.input"]`, a response
    of urlopen()/getresponse(), a socket's makefile()), or None."""
    if isinstance(receiver, ast.Attribute) and receiver.attr in _REQUEST_STREAMS:
        return f"the request body `{ast.unparse(receiver)}`"
    if isinstance(receiver, ast.Subscript) and ctx.constant_value(receiver.slice) == "wsgi.input":
        return f"the request body `{ast.unparse(receiver)}`"
    if isinstance(receiver, ast.Name):
        assigned = ctx.assigned_value(receiver)
        if assigned is not None and assigned is not receiver and not isinstance(assigned, ast.Call):
            return peer_stream(ctx, assigned)
        if (isinstance(assigned, ast.Call) and isinstance(assigned.func, ast.Attribute)
                and assigned.func.attr == "get" and assigned.args
                and ctx.constant_value(assigned.args[0]) == "wsgi.input"):
            return f"the request body `{ast.unparse(receiver)}`"  # stream = environ.get("wsgi.input")
    made_by = producer(ctx, receiver) or ""
    if made_by in _PEER_STREAMS or made_by.rsplit(".", 1)[-1] in _PEER_METHODS:
        return f"the response or socket stream `{ast.unparse(receiver)}` ({made_by}())"
    return None


@rule(
    id="read-unbounded",
    tests=False,
    name="Read of a peer's stream without a size bound",
    cwe="400",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=("read", "readline", "readlines"),
    fix="Pass a size: rfile.read(min(content_length, MAX_BODY)), resp.read(MAX_SIZE + 1) and reject what is "
    "longer, readline(MAX_LINE + 1) and reject a line without its newline.",
)
def read_unbounded(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `read()`, `readline()` and `readlines()` without a size on a stream
    whose bytes a peer sends: `self.rfile` of a `socketserver`/`http.server`
    handler, `environ["wsgi.input"]`, a response of `urlopen()` or
    `HTTPConnection.getresponse()`, or a socket's `makefile()`.

    ## Why is this bad
    The peer decides how much comes: a response or body of gigabytes, or a
    "line" with no newline, is read into memory whole, and one connection
    exhausts the process (CWE-400). `http.server` itself reads request lines
    with `readline(65537)` for this reason.

    ## Example
    ```python
    line = self.rfile.readline()
    ```

    ## Use instead
    ```python
    line = self.rfile.readline(65537)
    if len(line) > 65536:
        self.send_error(414)
    ```
    """
    if in_test_code(ctx) or not isinstance(node.func, ast.Attribute):
        return
    method = node.func.attr
    if method == "read" and (_has_bound(node, 0, "size", ctx) or _has_bound(node, 0, "amt", ctx)):
        return
    if method in ("readline", "readlines") and _has_bound(node, 0, "size", ctx):
        return
    if method == "readline" and _has_bound(node, 0, "limit", ctx):
        return
    stream = peer_stream(ctx, node.func.value)
    if stream is None:
        return
    what = {"read": "reads all of", "readline": "reads a line of any length from",
            "readlines": "reads every line, each of any length, of"}[method]
    # A request body is the attacker's; a response comes from a server the caller chose.
    severity = Severity.MEDIUM if stream.startswith("the request") else Severity.LOW
    ctx.report(node, f"{method}() without a size {what} {stream}: the peer decides how much memory it takes.",
               severity=severity)


_READ_CALLS = frozenset({"readline", "read", "readexactly", "readuntil", "recv"})
_ADDERS = frozenset({"append", "add", "extend", "insert", "appendleft", "setdefault", "update"})


def _loop_stream(ctx: Context, loop: ast.While | ast.For) -> ast.expr | None:
    """The stream a loop reads from: `for line in fp` or a `fp.readline()` in a `while` body, when it is
    a peer's stream or a parameter (a parser handed the connection's file)."""
    if isinstance(loop, ast.For):  # `for line in self.rfile`: only a stream known to be a peer's
        return loop.iter if peer_stream(ctx, loop.iter) else None
    readers = [n.func.value for n in _own_nodes(loop) if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Attribute) and n.func.attr in _READ_CALLS]
    for stream in readers:
        if peer_stream(ctx, stream) or (isinstance(stream, ast.Name) and _is_parameter(ctx, stream.id)):
            return stream
    return None


def _own_nodes(loop: ast.While | ast.For) -> list[ast.AST]:
    """The nodes of a loop's test and body, not those of functions defined inside it."""
    return scope_nodes([*loop.body, *([loop.test] if isinstance(loop, ast.While) else [])])


def _is_parameter(ctx: Context, name: str) -> bool:
    binding = ctx.names.lookup(name)
    return binding is not None and binding.kind == "param" and name not in ("self", "cls")


def _accumulated(nodes: list[ast.AST]) -> list[str]:
    """Names of containers the loop adds to: `headers.append(x)`, `fields[k] = v`, `parts += [p]`."""
    names: list[str] = []
    for node in nodes:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ADDERS
                and isinstance(node.func.value, (ast.Name, ast.Attribute))):
            names.append(ast.unparse(node.func.value))
        elif isinstance(node, ast.Assign):
            names += [ast.unparse(t.value) for t in node.targets
                      if isinstance(t, ast.Subscript) and isinstance(t.value, (ast.Name, ast.Attribute))]
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.value, ast.List):
            names.append(ast.unparse(node.target))
    return names


def _counted(loop: ast.While | ast.For, nodes: list[ast.AST], containers: list[str]) -> bool:
    """Whether the loop compares a count with something: `len(headers) > MAX`, or a counter it
    increments (`n += 1` ... `if n > MAX_PARTS`), or a `while` test that is a comparison."""
    counters = {ast.unparse(n.target) for n in nodes if isinstance(n, ast.AugAssign)
                and isinstance(n.op, (ast.Add, ast.Sub)) and isinstance(n.value, ast.Constant)}
    tests = [n for n in nodes if isinstance(n, ast.Compare)]
    if isinstance(loop, ast.While) and not isinstance(loop.test, ast.Constant):
        tests.append(loop.test)  # type: ignore[arg-type]
    for test in tests:
        for sub in ast.walk(test):
            if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "len"
                    and sub.args and ast.unparse(sub.args[0]) in containers):
                return True
            if isinstance(sub, (ast.Name, ast.Attribute)) and ast.unparse(sub) in counters:
                return True
    return False


@rule(
    id="accumulation-unbounded",
    tests=False,
    name="Lines, headers or parts from a peer collected without a count limit",
    cwe="770",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.While, ast.For),
    fix="Count what the loop collects and stop past a limit: if len(headers) > MAX_HEADERS: raise "
    "TooManyHeaders() (http.client stops at 100 headers; Django at DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES).",
)
def accumulation_unbounded(node: ast.While | ast.For, ctx: Context) -> None:
    """
    ## What it does
    Finds a loop that reads a peer's stream (`self.rfile`, `wsgi.input`, a
    socket file, or a stream passed to a parser) line by line or part by part
    and adds each to a list, dict or set, with no count compared with a limit:
    neither `len(container)` nor a counter the loop increments.

    ## Why is this bad
    Each line may be short, but the peer decides how many come: a request
    with a million one-byte headers, fields or multipart parts fills memory
    and burns CPU in the loop (CWE-770). Bounding each line's length does
    not bound their number.

    ## Example
    ```python
    while True:
        line = fp.readline(65537)
        if line in (b"\\r\\n", b"\\n", b""):
            break
        headers.append(line)
    ```

    ## Use instead
    ```python
    while True:
        line = fp.readline(65537)
        headers.append(line)
        if len(headers) > MAX_HEADERS:
            raise HTTPException("got more than %d headers" % MAX_HEADERS)
        if line in (b"\\r\\n", b"\\n", b""):
            break
    ```
    """
    if in_test_code(ctx):
        return
    stream = _loop_stream(ctx, node)
    if stream is None:
        return
    nodes = _own_nodes(node)
    containers = _accumulated(nodes)
    if not containers or _counted(node, nodes, containers):
        return
    ctx.report(node, f"The loop reads `{ast.unparse(stream)}` and adds to `{containers[0]}` on every round with no "
               f"count limit: the peer decides how many entries (headers, fields, parts) it holds.")
