"""CWE-22 path traversal: file names from requests, and archives extracted without checks.

Sink tables are module-level constants the taint engine can reuse.
"""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, keyword, rule
from secreview.rules.dataflow_hints import checked_in_function, origin_call, request_data
from secreview.rules.heuristics import in_test_code, name_of, walk_body

# Calls that open, create, delete, move or serve a file, with the positions of their path arguments.
FILE_PATH_SINKS: dict[str, tuple[int, ...]] = {
    "open": (0,), "io.open": (0,), "codecs.open": (0,), "os.open": (0,), "aiofiles.open": (0,),
    "os.remove": (0,), "os.unlink": (0,), "os.rmdir": (0,), "os.removedirs": (0,),
    "os.rename": (0, 1), "os.replace": (0, 1), "os.makedirs": (0,), "os.mkdir": (0,),
    "os.listdir": (0,), "os.scandir": (0,), "os.chmod": (0,), "os.truncate": (0,),
    "shutil.rmtree": (0,), "shutil.copy": (0, 1), "shutil.copy2": (0, 1), "shutil.copyfile": (0, 1),
    "shutil.copytree": (0, 1), "shutil.move": (0, 1),
    "flask.send_file": (0,), "flask.helpers.send_file": (0,),
    # send_from_directory joins its second argument safely; only the directory must be trusted.
    "flask.send_from_directory": (0,), "flask.helpers.send_from_directory": (0,),
}
FILE_PATH_CALLS = tuple(FILE_PATH_SINKS)  # the same sinks as a plain list, for the taint specs
_PATH_KEYWORDS = frozenset({"file", "path", "path_or_file", "directory", "src", "dst"})
# Neutralisers: keep only the last path component, or join refusing to leave the base.
PATH_NEUTRALISERS = frozenset({
    "os.path.basename", "basename", "werkzeug.utils.secure_filename", "secure_filename",
    "werkzeug.security.safe_join", "flask.safe_join", "safe_join", "django.utils._os.safe_join",
    "get_valid_filename", "django.utils.text.get_valid_filename", "uuid.uuid4",
})
# Werkzeug's FileStorage.save(dst): an upload written under a path the client may have chosen.
UPLOAD_SAVE_METHODS = ("save",)
TAR_EXTRACT_METHODS = ("extractall", "extract")
UNPACK_ARCHIVE_CALLS = ("shutil.unpack_archive",)


@rule(
    id="path-traversal",
    tests=False,
    name="File path built from request data",
    cwe="22",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=FILE_PATH_CALLS,
    methods=UPLOAD_SAVE_METHODS,
    fix="Reduce the name to one component (werkzeug.utils.secure_filename or os.path.basename), or resolve "
    "the joined path and check it stays under the base: p = (BASE / name).resolve(); p.is_relative_to(BASE).",
)
def path_traversal(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `open()`, `os.remove()`, `shutil.*`, `flask.send_file()`, an
    upload's `save()` and similar calls whose path contains request data
    (query, form, JSON, uploaded file names, `<path:...>` route parts) that
    was not reduced to a single component and not checked earlier in the
    function. For
    `send_from_directory()` only the directory is checked: Flask joins the
    file name safely.

    ## Why is this bad
    `../` sequences and absolute paths in the value walk out of the
    intended directory: the client reads `/etc/passwd` or the application's
    secrets, or overwrites and deletes files the process can reach (CWE-22).
    `os.path.join(base, "/etc/passwd")` even discards `base`.

    ## Example
    ```python
    return open(os.path.join(UPLOADS, request.args["name"]), "rb").read()
    ```

    ## Use instead
    ```python
    return send_from_directory(UPLOADS, request.args["name"])
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    if isinstance(node.func, ast.Attribute) and node.func.attr in UPLOAD_SAVE_METHODS:
        if not request_data(ctx, node.func.value):
            return  # model.save(), image.save(path): not an uploaded file
    positions = FILE_PATH_SINKS.get(ctx.call_name(node) or "", (0,))
    candidates = [node.args[i] for i in positions if i < len(node.args)]
    candidates += [k.value for k in node.keywords if k.arg in _PATH_KEYWORDS]
    for path in candidates:
        origin = request_data(ctx, path, PATH_NEUTRALISERS, route_converters={"path"})
        if origin and not checked_in_function(ctx, path):
            ctx.report(node, f"{ctx.call_name(node)}() uses a path containing `{origin}`; `../` or an absolute "
                       "path in it reaches files outside the intended directory.")
            return


def _is_tar(ctx: Context, receiver: ast.expr) -> bool:
    origin = origin_call(ctx, receiver) or ""
    if origin.startswith("tarfile."):
        return True
    if origin.startswith("zipfile."):
        return False
    return "tar" in name_of(receiver).lower()


@rule(
    id="tar-extract-unfiltered",
    tests=False,
    name="tarfile extraction without a filter",
    cwe="22",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=TAR_EXTRACT_METHODS,
    calls=UNPACK_ARCHIVE_CALLS,
    bandit=("B202",),
    fix="Pass the data filter: tar.extractall(dest, filter='data') (Python 3.12, and backported to "
    "3.8-3.11 security releases); on older versions check every member's resolved path before extracting.",
)
def tar_extract_unfiltered(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `TarFile.extractall()`/`extract()` and `shutil.unpack_archive()`
    called without `filter=` (or with `filter='fully_trusted'`), unless a
    `members=` selection is passed to `extractall`, the member given to
    `extract` was checked for `..` and an absolute name in the function, or
    `unpack_archive` unpacks a zip file. Writing members by hand
    (`open(os.path.join(dest, member.name), "wb")`) is followed by the taint
    rule: member names are a source there.

    ## Why is this bad
    Without a filter, tar members named `../../etc/cron.d/x` or `/abs/path`,
    symbolic links pointing outside, and device files are extracted as
    written: extracting an archive from a user overwrites files anywhere the
    process can write (CWE-22, "tar slip"). `filter='data'` refuses all of
    them and becomes the default only in Python 3.14. (`zipfile`'s own
    `extract`/`extractall` are not reported: they strip `..` and leading
    slashes themselves.)

    ## Example
    ```python
    with tarfile.open(upload) as tar:
        tar.extractall(dest)
    ```

    ## Use instead
    ```python
    with tarfile.open(upload) as tar:
        tar.extractall(dest, filter="data")
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    if isinstance(node.func, ast.Attribute) and node.func.attr in TAR_EXTRACT_METHODS:
        if not _is_tar(ctx, node.func.value):
            return
        if node.func.attr == "extractall" and keyword(node, "members") is not None:
            return  # a member selection is the pre-3.12 way of checking
        if node.func.attr == "extract" and node.args and _member_checked(ctx, node.args[0]):
            return  # each member's name was checked for `..` and an absolute path before
    elif ctx.call_name(node) not in UNPACK_ARCHIVE_CALLS:
        return
    elif _zip_format(ctx, node):
        return  # shutil unpacks zip files with zipfile's own name checks
    setting = keyword(node, "filter")
    if any(k.arg is None for k in node.keywords):
        return
    if setting is not None and ctx.constant_value(setting.value) != "fully_trusted":
        return
    how = "filter='fully_trusted'" if setting is not None else "no filter="
    ctx.report(node, f"Archive extraction with {how}: member names with `../`, absolute paths or links "
               "write outside the destination.")


def _member_checked(ctx: Context, member: ast.expr) -> bool:
    """The function tests `member`'s name for a `..` and for an absolute path (the pre-3.12 member check).

    Links stay a risk that only `filter="data"` removes; a function that checks names this way is
    making the check the rule asks for, and the rule does not second-guess it.
    """
    function = ctx.function
    if type(member) is not ast.Name or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    dotdot = absolute = False
    for node in walk_body(function):
        if type(node) is ast.Compare and mentions_name(node, member.id):
            dotdot = dotdot or any(type(side) is ast.Constant and side.value == ".." for side in (node.left,))
        elif type(node) is ast.Call and mentions_name(node, member.id):
            name = ctx.call_name(node) or ""
            func = node.func
            absolute = absolute or name.endswith(".isabs") or (
                type(func) is ast.Attribute and func.attr == "startswith" and bool(node.args)
                and ctx.constant_value(node.args[0]) in ("/", ("/", "\\"), ("\\", "/")))
    return dotdot and absolute


def mentions_name(node: ast.AST, name: str) -> bool:
    """`name` is read somewhere in `node`."""
    return any(type(n) is ast.Name and n.id == name for n in ast.walk(node))  # type: ignore[attr-defined]


def _zip_format(ctx: Context, node: ast.Call) -> bool:
    """`shutil.unpack_archive(path, dest, "zip")` or of a constant `*.zip` name."""
    fmt = node.args[2] if len(node.args) > 2 else (keyword(node, "format").value if keyword(node, "format") else None)
    if ctx.constant_value(fmt) == "zip":
        return True
    name = ctx.constant_value(node.args[0]) if node.args else None
    return isinstance(name, str) and name.lower().endswith(".zip")
