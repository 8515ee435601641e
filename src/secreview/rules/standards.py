"""CWE-710 Improper Adherence to Coding Standards: debug code and obsolete APIs."""

from __future__ import annotations

import ast

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, is_false, is_true, keyword, rule
from secreview.rules.heuristics import (
    in_tests,
    name_of,
    settings_written,
    test_context_named,
)


@rule(
    id="debug-mode-enabled",
    tests=False,
    name="Web application run with the debugger enabled",
    cwe="489",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=("run",),
    bandit=("B201",),
    fix="Never enable debug in code that can be deployed; read it from the environment "
    "(app.run(debug=os.environ.get('FLASK_DEBUG') == '1')) and keep it off in production.",
)
def debug_mode_enabled(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `app.run(debug=True)` (Flask, and any `.run()` of a web app object
    given `debug=True`).

    ## Why is this bad
    Werkzeug's interactive debugger lets anyone who can trigger an error run
    Python in the server process; the PIN protection has been bypassed
    before (CWE-489).

    ## Example
    ```python
    app.run(host="0.0.0.0", debug=True)
    ```

    ## Use instead
    ```python
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    """
    debug = keyword(node, "debug")
    if debug is None or not is_true(debug.value) or in_tests(ctx):
        return
    name = ctx.call_name(node) or ""
    confidence = Confidence.HIGH if name.startswith(("flask.", "werkzeug.")) else Confidence.MEDIUM
    ctx.report(node, f"`{ast.unparse(node.func)}(debug=True)` enables the interactive debugger, "
               "which executes code sent by anyone who can reach the server.", confidence=confidence)


# -- debug switched on in settings ---------------------------------------------------

_DJANGO_SETTINGS = frozenset({"INSTALLED_APPS", "ALLOWED_HOSTS", "MIDDLEWARE", "ROOT_URLCONF", "DATABASES",
                              "WSGI_APPLICATION"})


def _looks_like_django_settings(ctx: Context) -> bool:
    path = ctx.path.replace("\\", "/").lower()
    if "settings" in path.rsplit("/", 2)[-1] or "/settings/" in f"/{path}":
        return True
    assigned = {name_of(t) for s in ctx.tree.body if isinstance(s, ast.Assign) for t in s.targets}
    return len(assigned & _DJANGO_SETTINGS) >= 2


def _allows_any_host(ctx: Context) -> bool:
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and any(name_of(t) == "ALLOWED_HOSTS" for t in stmt.targets):
            if isinstance(stmt.value, (ast.List, ast.Tuple)) and any(
                    ctx.constant_value(e) == "*" for e in stmt.value.elts):
                return True
    return False


@rule(
    id="debug-setting-enabled",
    tests=False,
    name="DEBUG = True in deployable settings",
    cwe="489",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Assign,),
    methods=("update", "from_mapping"),
    fix="Read it from the environment and default to off: DEBUG = os.environ.get('DJANGO_DEBUG') == '1' "
    "(Flask: leave app.debug unset and use `flask run --debug` locally).",
)
def debug_setting_enabled(node: ast.Assign | ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `DEBUG = True` at module level in Django settings (a `settings`
    module or one that defines `INSTALLED_APPS`, `ALLOWED_HOSTS`, ...), and
    `app.debug = True` / `app.config["DEBUG"] = True` /
    `app.config.update(DEBUG=True)` in Flask. Development
    and test settings (`settings/dev.py`, `local_settings.py`,
    `test_settings.py`) are not reported. Severity is high when the same
    module also sets `ALLOWED_HOSTS = ["*"]`.

    ## Why is this bad
    Django's debug pages show settings, environment, SQL and source to any
    visitor who triggers an error; Flask's debug mode runs the Werkzeug
    console. `ALLOWED_HOSTS = ["*"]` next to it means the site is meant to be
    reachable from anywhere (CWE-489).

    ## Example
    ```python
    DEBUG = True
    ALLOWED_HOSTS = ["*"]
    ```

    ## Use instead
    ```python
    DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    ALLOWED_HOSTS = ["app.example.com"]
    ```
    """
    # The cheap questions about the node come first: nearly every assignment is not `... = True`.
    if isinstance(node, ast.Call):
        enabled = [where for name, value, where in settings_written(node) if name == "DEBUG" and is_true(value)]
        if enabled and not test_context_named(ctx):
            for where in enabled:
                ctx.report(where, "config DEBUG=True turns on Flask's debugger.")
        return
    if len(node.targets) != 1 or not is_true(node.value) or test_context_named(ctx):
        return
    target = node.targets[0]
    if isinstance(target, ast.Name) and target.id == "DEBUG" and not ctx.functions and not ctx.classes:
        if not _looks_like_django_settings(ctx):
            return
        wide_open = _allows_any_host(ctx)
        ctx.report(node, "DEBUG = True shows detailed error pages with settings and source to visitors"
                   + (", and ALLOWED_HOSTS = ['*'] accepts any host name." if wide_open else "."),
                   severity=Severity.HIGH if wide_open else None)
    elif (isinstance(target, ast.Attribute) and target.attr == "debug"
          and (ctx.qualname(target.value) or "").startswith("flask.")):
        ctx.report(node, f"`{ast.unparse(target)} = True` turns on Flask's debugger and reloader.",
                   confidence=Confidence.HIGH)
    elif (isinstance(target, ast.Subscript) and name_of(target.value) == "config"
          and ctx.constant_value(target.slice) == "DEBUG"):
        ctx.report(node, f"`{ast.unparse(target)} = True` turns on Flask's debugger.")


_MENTIONS_WERKZEUG = ("werkzeug",)

@rule(
    id="werkzeug-debugger-exposed",
    tests=False,
    name="Werkzeug interactive debugger enabled",
    cwe="489",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=("werkzeug.debug.DebuggedApplication", "werkzeug.serving.run_simple", "werkzeug.run_simple"),
    bandit=("B201",),
    fix="Do not wrap deployed applications in DebuggedApplication(evalex=True) or run them with "
    "use_debugger=True; log errors instead, and keep the debugger to local development.",
    mentions=_MENTIONS_WERKZEUG,
)
def werkzeug_debugger_exposed(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `DebuggedApplication(app, evalex=True)` and
    `run_simple(..., use_debugger=True)` (whose console is on by default),
    outside tests.

    ## Why is this bad
    The Werkzeug debugger's console runs arbitrary Python in the server
    process for anyone who can reach an error page; its PIN has been
    brute-forced and derived from leaked machine data before (CWE-489).

    ## Example
    ```python
    application = DebuggedApplication(app, evalex=True)
    ```

    ## Use instead
    ```python
    application = app  # errors go to the log, not to the browser
    ```
    """
    if in_tests(ctx):
        return
    name = ctx.call_name(node) or ""
    if name.endswith("DebuggedApplication"):
        evalex = keyword(node, "evalex")
        if evalex is not None and is_true(evalex.value):
            ctx.report(node, "DebuggedApplication(evalex=True) serves an interactive Python console on errors.")
        return
    debugger = keyword(node, "use_debugger")
    evalex = keyword(node, "use_evalex")
    if debugger is not None and is_true(debugger.value) and not (evalex is not None and is_false(evalex.value)):
        ctx.report(node, "run_simple(use_debugger=True) serves the interactive debugger console on errors.")


# -- obsolete APIs with a safer replacement -------------------------------------------

_DEPRECATED_CALLS = {
    "ssl.wrap_socket": "removed in Python 3.12; it neither verifies certificates nor host names by default",
    "ssl.match_hostname": "removed in Python 3.12; SSLContext.check_hostname does this correctly",
}
_DEPRECATED_MODULES = {
    "telnetlib": "removed in Python 3.13; Telnet sends everything, passwords included, in cleartext",
    "cgi": "removed in Python 3.13; its FieldStorage parser has had denial-of-service bugs",
    "cgitb": "removed in Python 3.13; it prints source and local variables in error pages",
    "crypt": "removed in Python 3.13; it exposes weak DES and MD5 password schemes",
}
_REPLACEMENTS = {
    "ssl.wrap_socket": "ssl.create_default_context().wrap_socket(sock, server_hostname=host)",
    "ssl.match_hostname": "a context with check_hostname=True",
    "telnetlib": "SSH (paramiko, asyncssh)",
    "cgi": "email.message / multipart parsing of a web framework",
    "cgitb": "logging with traceback",
    "crypt": "hashlib.scrypt, argon2-cffi or passlib",
}


@rule(
    id="deprecated-insecure-api",
    name="Obsolete API with a safer replacement",
    cwe="477",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    calls=tuple(_DEPRECATED_CALLS),
    nodes=(ast.Import, ast.ImportFrom),
    bandit=("B401", "B504"),
    fix="Move to the maintained replacement: ssl.create_default_context().wrap_socket(...), SSH instead of "
    "Telnet, a framework's form parsing instead of cgi, hashlib.scrypt or argon2 instead of crypt.",
)
def deprecated_insecure_api(node: ast.Call | ast.Import | ast.ImportFrom, ctx: Context) -> None:
    """
    ## What it does
    Finds `ssl.wrap_socket` and `ssl.match_hostname` (removed in Python
    3.12) and imports of `telnetlib`, `cgi`, `cgitb` and `crypt` (removed in
    3.13, PEP 594), whose replacements are safer.

    ## Why is this bad
    These APIs were retired because they are easy to misuse:
    `ssl.wrap_socket` does not verify the server, Telnet is cleartext,
    `cgitb` shows source in error pages. Code that uses them also stops
    working on current Python (CWE-477).

    ## Example
    ```python
    tls = ssl.wrap_socket(sock)
    ```

    ## Use instead
    ```python
    tls = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    ```
    """
    if isinstance(node, ast.Call):
        name = ctx.call_name(node) or ""
        ctx.report(node, f"{name}() is {_DEPRECATED_CALLS[name]}; use {_REPLACEMENTS[name]}.")
        return
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    if isinstance(node, ast.ImportFrom) and node.level:
        return
    for module in modules:
        top = module.split(".", 1)[0]
        if top in _DEPRECATED_MODULES:
            ctx.report(node, f"`{top}` is {_DEPRECATED_MODULES[top]}; use {_REPLACEMENTS[top]}.")
            return


# -- PyCrypto, unmaintained since 2013 ------------------------------------------------

# Modules that exist only in PyCrypto. PyCryptodome installs the same `Crypto` package
# name as a maintained drop-in, so `import Crypto.Cipher.AES` alone proves nothing.
_PYCRYPTO_ONLY = frozenset({
    "Crypto.Util.randpool", "Crypto.Random.OSRNG", "Crypto.Random.Fortuna", "Crypto.Random._UserFriendlyRNG",
    "Crypto.Cipher.XOR", "Crypto.Protocol.AllOrNothing", "Crypto.Protocol.Chaffing", "Crypto.PublicKey.pubkey",
    "Crypto.Util.winrandom", "Crypto.Util.RFC1751",
})


@rule(
    id="unmaintained-pycrypto",
    name="PyCrypto, unmaintained since 2013, in use",
    cwe="1104",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Import, ast.ImportFrom),
    bandit=("B413",),
    fix="Replace PyCrypto with the maintained `cryptography` package (or PyCryptodome, a drop-in for most "
    "of the API); randpool and OSRNG become os.urandom / secrets.",
)
def unmaintained_pycrypto(node: ast.Import | ast.ImportFrom, ctx: Context) -> None:
    """
    ## What it does
    Finds imports of modules that only PyCrypto provides
    (`Crypto.Util.randpool`, `Crypto.Random.OSRNG`, `Crypto.Cipher.XOR`,
    `Crypto.Protocol.AllOrNothing`, ...). Other `Crypto.*` imports are not
    reported, because PyCryptodome, which is maintained, uses the same
    package name.

    ## Why is this bad
    PyCrypto has had no release since 2013 and has known, unfixed
    vulnerabilities (CVE-2013-7459, a heap overflow in ARC2/AES with
    attacker-controlled IVs; CVE-2018-6594, weak ElGamal key generation);
    nothing will be patched (CWE-1104).

    ## Example
    ```python
    from Crypto.Util.randpool import RandomPool
    pool = RandomPool()
    key = pool.get_bytes(32)
    ```

    ## Use instead
    ```python
    key = secrets.token_bytes(32)
    ```
    """
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return
        names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    else:
        names = [a.name for a in node.names]
    found = next((n for n in names if n in _PYCRYPTO_ONLY), None)
    if found is not None:
        ctx.report(node, f"`{found}` exists only in PyCrypto, which has been unmaintained since 2013 and has "
                   "unfixed vulnerabilities.")
