"""CWE-664 facts: resources acquired and released, deserialisers, path operations, fetches.

Kinds recorded (the line is always the call's, or the `def` of a fixture):
`664:acquire` (bound to a name, `subject` says which), `664:acquire-with`,
`664:acquire-exitstack`, `664:acquire-returned`, `664:acquire-passed`,
`664:acquire-other`; `664:release` (a close-like method or function),
`664:release-finally` (the same inside a `finally:` block), `664:release-with`
(`with existing:`), `664:cleanup` (`addCleanup`, `atexit.register`, ...),
`664:fixture` (a pytest fixture that yields: teardown after the yield),
`664:handover` (a descriptor or socket given to `os.fdopen`/`wrap_socket`,
which own it from then on; subject: what was given);
`664:deserialise-plain` / `664:deserialise-object`; `664:path` /
`664:path-constant`; `664:fetch` / `664:fetch-constant`; `664:log-masked`
(`strutils.mask_password`, which masks credentials in text before it is logged).
"""

from __future__ import annotations

import ast

from secreview.review.facts_base import (
    callee,
    collector,
    constant_args,
    enclosing_def,
    in_finally,
    spelled,
    subject_key,
    value_role,
)
from secreview.rules.base import Context, argument

_FILE = ("open", "io.open", "codecs.open", "os.fdopen", "gzip.open", "bz2.open", "lzma.open", "tarfile.open",
         "zipfile.ZipFile", "tarfile.TarFile", "shelve.open", "dbm.open", "mmap.mmap")
_SOCKET = ("socket.socket", "socket.create_connection", "socket.fromfd", "ssl.wrap_socket")
_CONNECTION = ("sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect", "MySQLdb.connect",
               "mysql.connector.connect", "cx_Oracle.connect", "oracledb.connect", "pyodbc.connect",
               "asyncpg.connect", "sqlalchemy.create_engine", "redis.Redis", "redis.StrictRedis",
               "pymongo.MongoClient", "urllib.request.urlopen", "http.client.HTTPConnection",
               "http.client.HTTPSConnection", "requests.Session", "requests.session", "httpx.Client",
               "httpx.AsyncClient", "aiohttp.ClientSession", "ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP",
               "smtplib.SMTP_SSL", "poplib.POP3", "poplib.POP3_SSL", "imaplib.IMAP4", "imaplib.IMAP4_SSL",
               "paramiko.SSHClient", "telnetlib.Telnet")
_PROCESS = ("subprocess.Popen", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
            "multiprocessing.Process", "multiprocessing.Pool", "concurrent.futures.ThreadPoolExecutor",
            "concurrent.futures.ProcessPoolExecutor")
_TEMP = ("tempfile.NamedTemporaryFile", "tempfile.TemporaryFile", "tempfile.SpooledTemporaryFile",
         "tempfile.TemporaryDirectory", "tempfile.mkdtemp", "tempfile.mkstemp")
_SERVER = ("http.server.HTTPServer", "http.server.ThreadingHTTPServer", "socketserver.TCPServer",
           "socketserver.UDPServer", "socketserver.ThreadingTCPServer", "socketserver.ForkingTCPServer",
           "wsgiref.simple_server.make_server", "xmlrpc.server.SimpleXMLRPCServer", "asyncio.start_server")
RESOURCE_NOUN: dict[str, str] = {
    **{name: "file" for name in _FILE},
    **{name: "socket" for name in _SOCKET},
    **{name: "connection" for name in _CONNECTION},
    **{name: "process" for name in _PROCESS},
    **{name: "temporary file" for name in _TEMP},
    "tempfile.TemporaryDirectory": "temporary directory",
    "tempfile.mkdtemp": "temporary directory",
    **{name: "server" for name in _SERVER},
    "os.open": "file descriptor",
    "mmap.mmap": "memory map",
}
RELEASE_METHODS = ("close", "aclose", "release", "shutdown", "server_close", "terminate", "kill", "cleanup",
                   "disconnect", "quit", "dispose", "communicate", "wait", "stop", "__exit__", "__aexit__")
RELEASE_FUNCTIONS = ("os.close", "os.remove", "os.unlink", "os.rmdir", "shutil.rmtree")
CLEANUP_METHODS = ("addCleanup", "addAsyncCleanup", "addClassCleanup", "callback", "push_async_callback",
                   "addfinalizer")
CLEANUP_FUNCTIONS = ("atexit.register", "weakref.finalize")
_PLAIN_FORMATS = ("json.load", "json.loads", "tomllib.load", "tomllib.loads", "tomli.load", "tomli.loads",
                  "yaml.safe_load", "yaml.safe_load_all", "plistlib.load", "plistlib.loads", "csv.reader",
                  "csv.DictReader", "ast.literal_eval", "configparser.ConfigParser",
                  "defusedxml.ElementTree.parse", "defusedxml.ElementTree.fromstring",
                  "defusedxml.minidom.parse", "defusedxml.minidom.parseString", "defusedxml.lxml.parse",
                  "defusedxml.lxml.fromstring", "oslo_serialization.jsonutils.load", "oslo_serialization.jsonutils.loads")
_OBJECT_FORMATS = ("pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads",
                   "cPickle.load", "cPickle.loads", "dill.load", "dill.loads", "marshal.load", "marshal.loads",
                   "jsonpickle.decode", "jsonpickle.loads", "pandas.read_pickle", "joblib.load", "yaml.load",
                   "yaml.load_all", "yaml.unsafe_load", "yaml.full_load", "xml.etree.ElementTree.parse",
                   "xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.XML", "xml.dom.minidom.parse",
                   "xml.dom.minidom.parseString", "xml.sax.parse", "xml.sax.parseString", "lxml.etree.parse",
                   "lxml.etree.fromstring", "lxml.etree.XML")
PATH_CALLS = ("os.path.join", "os.remove", "os.unlink", "os.rename", "os.replace", "os.rmdir", "os.makedirs",
              "os.mkdir", "os.listdir", "os.scandir", "os.walk", "shutil.copy", "shutil.copy2", "shutil.copyfile",
              "shutil.copytree", "shutil.move", "shutil.rmtree", "pathlib.Path", "pathlib.PurePath",
              "flask.send_file", "flask.send_from_directory", "django.http.FileResponse", "os.path.abspath",
              "os.path.realpath", "os.path.normpath")
FETCH_CALLS = tuple(f"{lib}.{verb}" for lib in ("requests", "httpx")
                    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")) + (
    "urllib.request.urlopen", "urllib.request.Request", "http.client.HTTPConnection",
    "http.client.HTTPSConnection", "aiohttp.request")


def _noun_of_factory(name: str) -> str:
    """`create_test_server` -> 'server': what a test helper says it creates."""
    stem = name.rsplit(".", 1)[-1]
    for prefix in ("create_", "make_", "_create_", "post_"):
        stem = stem.removeprefix(prefix)
    for prefix in ("test_", "fake_", "mock_"):
        stem = stem.removeprefix(prefix)
    return stem.replace("_", " ") or "resource"


def resource_noun(text: str) -> str:
    """What an acquisition fact's text (the call) acquires: 'file', 'socket', 'server', ..."""
    if text in RESOURCE_NOUN:
        return RESOURCE_NOUN[text]
    if text.startswith("mock.patch"):
        return "patch"
    if text.endswith(".acquire"):
        return "lock"
    if text.endswith(".open"):
        return "file"
    return _noun_of_factory(text)


HANDOVERS = ("os.fdopen", "socket.fromfd", "ssl.wrap_socket")  # take over the descriptor or socket they are given


def _record_acquisition(node: ast.Call, ctx: Context, text: str) -> None:
    role, keys, _ = value_role(ctx)
    kind = "664:acquire" if role == "bound" else f"664:acquire-{role}"
    ctx.fact(kind, node, text, ",".join(keys))
    if text in HANDOVERS:
        given = subject_key(ctx, node.args[0]) if node.args else ""
        if given:
            ctx.fact("664:handover", node, text, given)


@collector(id="resources", calls=tuple(RESOURCE_NOUN))
def acquisition(node: ast.Call, ctx: Context) -> None:
    _record_acquisition(node, ctx, ctx.call_name(node) or "")


@collector(id="resources-open-method", methods=("open",))
def open_method(node: ast.Call, ctx: Context) -> None:
    """`path.open()`, `archive.open(member)`: files opened through an object whose type we cannot see."""
    name = ctx.call_name(node) or ""
    if name in RESOURCE_NOUN or name.startswith("webbrowser."):
        return  # a known factory (recorded by `acquisition`) or not a file at all
    _record_acquisition(node, ctx, spelled(node.func))


@collector(id="resources-lock", methods=("acquire",))
def lock_acquired(node: ast.Call, ctx: Context) -> None:
    receiver = node.func.value  # type: ignore[attr-defined]
    key = subject_key(ctx, receiver)
    if key and isinstance(ctx.parent, ast.Expr):
        ctx.fact("664:acquire", node, f"{spelled(receiver)}.acquire", key)


_TEARDOWNS = ("tearDown", "asyncTearDown", "teardown", "close", "aclose", "__exit__", "__aexit__", "__del__", "stop",
              "shutdown")


def _release_kind(ctx: Context) -> str:
    return "664:release-finally" if in_finally(ctx) else "664:release"


def _release_text(ctx: Context, call_text: str) -> str:
    """'self.conn.close() in tearDown': where a release runs says when it runs."""
    function = enclosing_def(ctx)
    if function is not None and function.name.startswith(_TEARDOWNS):
        return f"{call_text} in {function.name}"
    return call_text


@collector(id="resources-release", methods=RELEASE_METHODS)
def release_method(node: ast.Call, ctx: Context) -> None:
    func = node.func
    key = subject_key(ctx, func.value)  # type: ignore[attr-defined]
    if key:
        ctx.fact(_release_kind(ctx), node, _release_text(ctx, spelled(node)), key)


@collector(id="resources-release-function", calls=RELEASE_FUNCTIONS)
def release_function(node: ast.Call, ctx: Context) -> None:
    target = argument(node, 0, "path") or argument(node, 0, "fd")
    key = subject_key(ctx, target)
    if key:
        ctx.fact(_release_kind(ctx), node, _release_text(ctx, f"{ctx.call_name(node)}({spelled(target)})"), key)


@collector(id="resources-with", nodes=(ast.withitem,))
def with_existing(node: ast.withitem, ctx: Context) -> None:
    """`with conn:` / `with self.lock:` releases something acquired earlier."""
    expr = node.context_expr
    if isinstance(expr, (ast.Name, ast.Attribute)):
        key = subject_key(ctx, expr)
        if key:
            ctx.fact("664:release-with", expr, spelled(expr), key)


def _cleanup_keys(ctx: Context, call: ast.Call) -> list[str]:
    keys: list[str] = []
    for arg in (*call.args, *(k.value for k in call.keywords)):
        target: ast.expr | None = arg.value if isinstance(arg, ast.Attribute) else arg  # server.close -> server
        if isinstance(target, ast.Call):
            target = target.func.value if isinstance(target.func, ast.Attribute) else None
        if isinstance(target, ast.Name) and target.id in ("self", "cls"):
            continue
        key = subject_key(ctx, target)
        if key:
            keys.append(key)
    return keys


@collector(id="resources-cleanup", methods=CLEANUP_METHODS, calls=CLEANUP_FUNCTIONS)
def cleanup(node: ast.Call, ctx: Context) -> None:
    if isinstance(node.func, ast.Attribute) and node.func.attr in CLEANUP_METHODS or (
        ctx.call_name(node) in CLEANUP_FUNCTIONS and spelled(node.func).endswith(("register", "finalize"))
    ):
        ctx.fact("664:cleanup", node, spelled(node.args[0]) if node.args else spelled(node.func),
                 ",".join(_cleanup_keys(ctx, node)))


@collector(id="resources-fixture", nodes=(ast.Yield, ast.YieldFrom))
def yielding_fixture(node: ast.AST, ctx: Context) -> None:
    """A pytest fixture that yields: the code after the yield is its teardown."""
    function = enclosing_def(ctx)
    if function is None or not any(spelled(d).split("(")[0].endswith("fixture") for d in function.decorator_list):
        return
    seen = ctx.fact_state.setdefault("fixtures", set())
    if function.lineno in seen:  # type: ignore[operator]
        return
    seen.add(function.lineno)  # type: ignore[attr-defined]
    ctx.fact("664:fixture", function, function.name)


@collector(id="resources-deserialise", calls=_PLAIN_FORMATS + _OBJECT_FORMATS)
def deserialiser(node: ast.Call, ctx: Context) -> None:
    name = ctx.call_name(node) or ""
    kind = "664:deserialise-plain" if name in _PLAIN_FORMATS else "664:deserialise-object"
    if name in ("yaml.load", "yaml.load_all"):
        loader = spelled(argument(node, 1, "Loader"))
        if loader.endswith(("SafeLoader", "BaseLoader")):
            kind = "664:deserialise-plain"
    ctx.fact(kind, node, name)


@collector(id="resources-path", calls=PATH_CALLS)
def path_operation(node: ast.Call, ctx: Context) -> None:
    kind = "664:path-constant" if constant_args(ctx, node) else "664:path"
    ctx.fact(kind, node, callee(ctx, node))


@collector(id="resources-fetch", calls=FETCH_CALLS)
def fetch(node: ast.Call, ctx: Context) -> None:
    url = argument(node, 1, "url") if (ctx.call_name(node) or "").endswith(".request") else argument(node, 0, "url")
    kind = "664:fetch-constant" if url is not None and ctx.is_constant(url) else "664:fetch"
    ctx.fact(kind, node, callee(ctx, node))


MASKERS = ("oslo_utils.strutils.mask_password", "oslo_utils.strutils.mask_dict_password")


@collector(id="resources-masking", calls=MASKERS)
def masked(node: ast.Call, ctx: Context) -> None:
    """oslo.utils' masking of passwords, tokens and keys in text or a dict, typically before logging it."""
    ctx.fact("664:log-masked", node, (ctx.call_name(node) or "").removeprefix("oslo_utils."))
