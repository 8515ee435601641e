"""CWE-22 under the library threat model: a caller's name joined under the library's own directory.

A library has no `request.args`: its callers pass the names. When a public
function takes a whole path (`def load(path): open(path)`), choosing the file is
the caller's business and nothing is reported. When it takes a *name* and puts it
under a directory it chose itself (`open(os.path.join(self.root, name), "wb")`),
the function promises a file inside that directory, and keeping that promise is
its job: callers pass names they got from requests, archives and responses
(a storage backend's `save(name, data)`; a downloader's `fetch(url, folder)` that
names the file after the URL's path). The finding has low confidence: nothing
here shows where callers get their names. Reads are left out: a read under the
library's directory discloses less, and most are templates and data the library
ships (Babel's `localedata.load(name)` read a pickle this way: a miss, on purpose).
"""

from __future__ import annotations

import ast

from secreview.analysis import containment
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.dataflow_hints import checked_in_function
from secreview.rules.heuristics import in_test_code
from secreview.rules.resources_containment import short_text
from secreview.rules.resources_files import FILE_PATH_SINKS, PATH_NEUTRALISERS, mentions_name

_WRITE_MODES = frozenset("wax+")
_OPENERS = frozenset({"open", "io.open", "codecs.open"})
# Reading a directory listing or metadata reveals less than reading or writing a file: not reported here.
_LISTINGS = frozenset({"os.listdir", "os.scandir", "os.makedirs", "os.mkdir"})
_DEPTH = 3
# Where a joined name is written, moved or removed: the pattern rules' path sinks and a download's target.
_SINKS: dict[str, tuple[int, ...]] = {**{name: at for name, at in FILE_PATH_SINKS.items() if name not in _LISTINGS},
                                      "urllib.request.urlretrieve": (1,)}
_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit"})
_URL_DECODERS = frozenset({"urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.request.url2pathname"})


@rule(
    id="library-path-parameter",
    tests=False,
    name="Public function joins a caller's name under its own directory unchecked",
    cwe="22",
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    calls=tuple(_SINKS),
    fix="Reduce the name to one component (os.path.basename) or resolve the joined path and check it stays "
    "under the directory: real = os.path.realpath(os.path.join(base, name)); "
    "os.path.commonpath([base, real]) == base.",
)
def library_path_parameter(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds a public function (a name without a leading underscore, outside
    tests) that joins one of its parameters under a directory it does not
    take from that parameter (`os.path.join(self.root, name)`,
    `base / name`) and opens, writes, moves or removes the result, with no
    check of the name in the function.

    ## Why is this bad
    The function's contract is "a file inside this directory", and only the
    function can keep it: callers hand on names from requests, archive
    members and HTTP responses, and `../../x` or `/etc/x` in one escapes the
    directory (`os.path.join(base, "/etc/x")` is `"/etc/x"`) (CWE-22).

    ## Example
    ```python
    def save(self, name, data):
        with open(os.path.join(self.root, name), "wb") as out:
            out.write(data)
    ```

    ## Use instead
    ```python
    def save(self, name, data):
        path = os.path.realpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, path]) != self.root:
            raise ValueError(f"{name!r} is outside the store")
        with open(path, "wb") as out:
            out.write(data)
    ```
    """
    function = ctx.function
    if in_test_code(ctx) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or function.name.startswith("_") or any(c.name.startswith("_") for c in ctx.classes):
        return
    qual = ctx.call_name(node) or ""
    positions = _SINKS.get(qual, (0,))
    if qual in _OPENERS and not _writes(ctx, node):
        return  # a read under the library's directory: the caller chose to read it (less than a write)
    params = _parameters(function)
    for position in positions:
        if position >= len(node.args):
            continue
        found = _joined_parameter(ctx, node.args[position], params, _DEPTH)
        if found is None:
            continue
        param, base = found
        if checked_in_function(ctx, param):
            return
        doing = "opened for writing" if qual in _OPENERS else f"passed to {qual}()"
        what = "a file name taken from" if _url_parameter(param, frozenset({param.id})) else ""
        ctx.report(node, f"{what and what + ' '}`{param.id}`, a parameter of the public function `{function.name}()`, "
                   "is joined under "
                   f"`{short_text(base, 50)}` and {doing} without a check: a caller that passes on a name from a request, "
                   "an archive or a response ('../../x', '/etc/x') reaches files outside that directory.")
        return


def _writes(ctx: Context, call: ast.Call) -> bool:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    text = ctx.constant_value(mode) if mode is not None else "r"
    return isinstance(text, str) and bool(_WRITE_MODES & set(text))


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """The parameters that are names: one called `path`, `*_path` or `*dir` is a path by its contract
    (`write_sys(path)`: "relative or absolute"), which its caller chooses whole."""
    args = function.args
    return frozenset(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
                     if a.arg not in ("self", "cls") and "path" not in a.arg and not a.arg.endswith("dir"))


def _joined_parameter(ctx: Context, path: ast.expr, params: frozenset[str],
                      depth: int) -> tuple[ast.Name, ast.expr] | None:
    """(the parameter, the base) when `path` is a parameter joined as a later part under another base."""
    if depth <= 0:
        return None
    kind = type(path)
    if kind is ast.Name:
        if path.id in params:  # type: ignore[attr-defined]
            return None  # the caller's whole path (or a name rebound from a join: followed below)
        value = ctx.assigned_value(path)
        return _joined_parameter(ctx, value, params, depth - 1) if value is not None else None
    if kind is ast.Call and ctx.call_name(path) in containment.JOINS and len(path.args) > 1:  # type: ignore[attr-defined]
        base, parts = path.args[0], path.args[1:]  # type: ignore[attr-defined]
    elif kind is ast.BinOp and isinstance(path.op, ast.Div):  # type: ignore[attr-defined]
        base, parts = path.left, [path.right]  # type: ignore[attr-defined]
    else:
        return None
    for part in parts:
        param = _bare_parameter(ctx, part, params) or _url_name(ctx, part, params, _DEPTH)
        if param is not None and not mentions_name(base, param.id):
            return param, base
    return None


def _url_name(ctx: Context, part: ast.expr, params: frozenset[str], depth: int) -> ast.Name | None:
    """A file name made from a URL parameter that can still hold a separator or `..`: the URL's path
    (`urlsplit(url).path`: '/../../x' joined is absolute), or any piece of it URL-decoded afterwards
    (`unquote(url.split("/")[-1])`: '..%2f..%2fx' becomes '../../x')."""
    if depth <= 0:
        return None
    kind = type(part)
    if kind is ast.Name:
        value = ctx.assigned_value(part)
        return _url_name(ctx, value, params, depth - 1) if value is not None and value is not part else None
    if kind is ast.Attribute and part.attr == "path" and type(part.value) is ast.Call \
            and ctx.call_name(part.value) in _URL_PARSERS and part.value.args:  # type: ignore[attr-defined]
        return _url_parameter(part.value.args[0], params)  # type: ignore[attr-defined]
    if kind is ast.Call and ctx.call_name(part) in _URL_DECODERS and part.args:  # type: ignore[attr-defined]
        return _url_parameter(part.args[0], params) or _url_name(ctx, part.args[0], params, depth - 1)  # type: ignore[attr-defined]
    return None


def _url_parameter(node: ast.AST, params: frozenset[str]) -> ast.Name | None:
    """The URL parameter (`url`, `download_uri`, `link`) somewhere in `node`."""
    for name in ast.walk(node):
        if type(name) is ast.Name and name.id in params and any(w in name.id.lower() for w in ("url", "uri", "link")):  # type: ignore[attr-defined]
            return name  # type: ignore[return-value]
    return None


def _bare_parameter(ctx: Context, part: ast.expr, params: frozenset[str]) -> ast.Name | None:
    """`name`, `name + ".dat"`, `"%s.dat" % name`, `f"{name}.dat"`: the parameter that is the part's text.

    A call that reduces the name (os.path.basename, secure_filename) is not one.
    """
    kind = type(part)
    if kind is ast.Name:
        return part if part.id in params and ctx.assigned_value(part) is None else None  # type: ignore[attr-defined,return-value]
    if kind is ast.BinOp and isinstance(part.op, (ast.Add, ast.Mod)):  # type: ignore[attr-defined]
        return _bare_parameter(ctx, part.left, params) or _bare_parameter(ctx, part.right, params)  # type: ignore[attr-defined]
    if kind is ast.JoinedStr:
        for value in part.values:  # type: ignore[attr-defined]
            if type(value) is ast.FormattedValue:
                found = _bare_parameter(ctx, value.value, params)  # type: ignore[attr-defined]
                if found is not None:
                    return found
        return None
    if kind is ast.Tuple:
        for element in part.elts:  # type: ignore[attr-defined]
            found = _bare_parameter(ctx, element, params)
            if found is not None:
                return found
        return None
    if kind is ast.Call and ctx.call_name(part) in ("str", "os.fspath") and part.args:  # type: ignore[attr-defined]
        return _bare_parameter(ctx, part.args[0], params)  # type: ignore[attr-defined]
    if kind is ast.Call and (ctx.call_name(part) or "") in PATH_NEUTRALISERS:
        return None
    return None
