"""CWE-703 Improper Check or Handling of Exceptional Conditions."""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, dotted, is_false, keyword, rule
from secreview.rules.heuristics import enclosing_def, in_tests, module_nodes, walk_body, walk_nodes

BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
SECURITY_CALL = re.compile(
    r"verif|authenticat|authoriz|authoris|check_password|check_permission|has_perm|permission|"
    r"signature|validate_token|decode_token|jwt|hmac|compare_digest|csrf|certificate|ssl|login",
    re.IGNORECASE,
)


def is_broad(ctx: Context, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((ctx.qualname(t) or "") in BROAD for t in types)


def _swallows(handler: ast.ExceptHandler) -> bool:
    """The handler neither re-raises, returns a failure nor records anything."""
    for stmt in handler.body:
        if isinstance(stmt, (ast.Pass, ast.Continue)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring-like string or `...`
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Constant) and stmt.value.value is True:
            continue  # returning "allowed" on error is failing open
        return False
    return True


# The calls of the `ssl` module that check a peer; the rest convert formats or read settings
# (`ssl.PEM_cert_to_DER_cert`, `ssl.get_default_verify_paths`) and decide nothing.
_SSL_CHECKS = frozenset({"match_hostname", "wrap_socket", "do_handshake", "getpeercert", "wrap_bio"})


def _security_call(ctx: Context, body: list[ast.stmt]) -> str | None:
    for stmt in body:
        for sub in walk_nodes(stmt):
            if isinstance(sub, ast.Call):
                text = dotted(sub.func)
                if SECURITY_CALL.search(text) and not _ssl_non_check(ctx, sub):
                    return text
    return None


def _ssl_non_check(ctx: Context, call: ast.Call) -> bool:
    """A function of the `ssl` module that checks nothing (its name matched only on `ssl`)."""
    name = ctx.call_name(call) or ""
    return name.startswith("ssl.") and name.rpartition(".")[2] not in _SSL_CHECKS


@rule(
    id="security-exception-swallowed",
    name="Failure of a security check silently ignored",
    cwe="390",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Try,),
    bandit=("B110", "B112"),
    fix="Catch only the exceptions the check raises and deny access in the handler "
    "(raise, return False or abort(403)); log the failure.",
)
def security_exception_swallowed(node: ast.Try, ctx: Context) -> None:
    """
    ## What it does
    Finds a broad `except:` / `except Exception:` that does nothing (`pass`,
    `continue`, or `return True`) around a call that verifies a signature,
    token, password, permission or certificate.

    ## Why is this bad
    When the check raises — a bad signature, an expired token — the handler
    drops the error and execution continues as if the check had passed:
    the code fails open (CWE-390). A swallowed error elsewhere is a quality
    issue, not reported here.

    ## Example
    ```python
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except Exception:
        pass
    ```

    ## Use instead
    ```python
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        abort(401)
    ```
    """
    call = _security_call(ctx, node.body)
    if call is None:
        return
    for handler in node.handlers:
        if is_broad(ctx, handler) and _swallows(handler):
            ctx.report(handler, f"the exception raised by {call}() is caught and ignored on line "
                       f"{handler.lineno}, so a failed check lets execution continue as if it had passed.")


# -- verdicts that are computed and thrown away ------------------------------------

# Calls documented to *return* the verdict (a bool) rather than raise on failure.
_VERDICT_FUNCTIONS = frozenset({
    "compare_digest", "check_password", "check_password_hash", "checkpw", "has_perm", "has_perms",
    "has_permission", "has_object_permission", "verify_password", "url_has_allowed_host_and_scheme",
    "is_safe_url", "validate_on_submit", "is_authenticated", "check_token", "verify_token",
})
_VERDICT_QUALNAMES = ("passlib.", "pyotp.")


@rule(
    id="security-verdict-ignored",
    tests=False,
    name="Result of a security check discarded",
    cwe="252",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Expr,),
    fix="Act on the result: if not hmac.compare_digest(expected, provided): abort(403).",
)
def security_verdict_ignored(node: ast.Expr, ctx: Context) -> None:
    """
    ## What it does
    Finds calls that answer a security question with `True`/`False` —
    `hmac.compare_digest`, `check_password`, `check_password_hash`,
    `bcrypt.checkpw`, `has_perm`, `url_has_allowed_host_and_scheme`,
    Flask-WTF's `validate_on_submit`, passlib and pyotp `verify` — used as a
    bare statement, so the answer is thrown away. A dummy check on literals
    (run so that an unknown user takes as long as a wrong password) is not
    reported.

    ## Why is this bad
    These functions do not raise on failure; they return `False`. Called as
    a statement, the check runs and the code continues whatever the answer:
    every password, signature or permission is accepted (CWE-252).

    ## Example
    ```python
    hmac.compare_digest(expected, request.headers["X-Signature"])
    process(request.get_json())
    ```

    ## Use instead
    ```python
    if not hmac.compare_digest(expected, request.headers["X-Signature"]):
        abort(403)
    process(request.get_json())
    ```
    """
    call = node.value
    if isinstance(call, ast.Await):
        call = call.value
    if not isinstance(call, ast.Call):
        return
    attr = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if attr not in _VERDICT_FUNCTIONS and attr != "verify":
        return  # nothing below reports any other call: asked first, it is the cheap part
    if in_tests(ctx):
        return
    if call.args and all(ctx.is_constant(a) for a in call.args):
        return  # a dummy check on literals, run to make failure take as long as success
    name = ctx.call_name(call) or ""
    owner = ctx.qualname(call.func.value) if isinstance(call.func, ast.Attribute) else None
    if attr in _VERDICT_FUNCTIONS or (attr == "verify" and (owner or name).startswith(_VERDICT_QUALNAMES)):
        ctx.report(node, f"{ast.unparse(call.func)}() returns whether the check passed, but the result is "
                   "discarded, so execution continues either way.")


_VERIFY_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gpg", ("--verify",)), ("gpg2", ("--verify",)), ("gpgv", ()), ("openssl", ("verify", "-verify")),
    ("sha256sum", ("-c", "--check")), ("sha512sum", ("-c", "--check")), ("sha1sum", ("-c", "--check")),
    ("md5sum", ("-c", "--check")), ("shasum", ("-c", "--check")), ("cosign", ("verify", "verify-blob")),
    ("minisign", ("-V",)), ("signify", ("-V",)), ("codesign", ("--verify", "-v")),
    ("rpm", ("-K", "--checksig")), ("ssh-keygen", ("verify",)), ("git", ("verify-commit", "verify-tag")),
)
_SUBPROCESS_RUNS = ("subprocess.run", "subprocess.call", "os.system", "subprocess.Popen")


def _verification_command(ctx: Context, command: ast.expr | None) -> str | None:
    """The verifying tool in a literal argv list or command string, if any."""
    if command is None:
        return None
    words: list[str] = []
    if isinstance(command, (ast.List, ast.Tuple)):
        words = [v for v in (ctx.constant_value(e) for e in command.elts) if isinstance(v, str)]
    else:
        value = ctx.constant_value(command)
        if isinstance(value, str):
            words = value.split()
        elif isinstance(command, ast.JoinedStr):
            words = "".join(p.value for p in command.values if isinstance(p, ast.Constant)).split()
    if not words:
        return None
    tool = words[0].rsplit("/", 1)[-1]
    for name, flags in _VERIFY_COMMANDS:
        if tool == name and (not flags or any(w in flags for w in words[1:])):
            return " ".join(words[:2])
    return None


def _result_unused(ctx: Context, node: ast.Call) -> bool:
    """The call is a bare statement, or assigned to a name nothing reads afterwards."""
    parent = ctx.parent
    if isinstance(parent, ast.Expr):
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        target = parent.targets[0].id
        function = enclosing_def(ctx)
        scope = walk_body(function) if function is not None else module_nodes(ctx.tree)
        return not any(isinstance(n, ast.Name) and n.id == target and isinstance(n.ctx, ast.Load) for n in scope)
    return False


_MENTIONS_VERIFICATION = ("verify", "sum", "-V", "-K", "checksig")

@rule(
    id="verification-exit-status-ignored",
    name="Exit status of a signature or checksum verification ignored",
    cwe="252",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=_SUBPROCESS_RUNS,
    fix="Let a failed verification stop the program: subprocess.run([...], check=True), or test "
    "result.returncode and refuse the file when it is not 0.",
    mentions=_MENTIONS_VERIFICATION,
)
def verification_exit_status_ignored(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `subprocess.run`/`call` and `os.system` running a verifier —
    `gpg --verify`, `gpgv`, `openssl verify`, `sha256sum -c`,
    `cosign verify`, `git verify-tag`, ... — without `check=True` and
    without looking at the result.

    ## Why is this bad
    A verifier reports failure only through its exit status. If nobody reads
    it, a tampered download or a forged signature is installed exactly like
    a good one (CWE-252).

    ## Example
    ```python
    subprocess.run(["gpg", "--verify", "release.tar.gz.asc", "release.tar.gz"])
    install("release.tar.gz")
    ```

    ## Use instead
    ```python
    subprocess.run(["gpg", "--verify", "release.tar.gz.asc", "release.tar.gz"], check=True)
    install("release.tar.gz")
    ```
    """
    check = keyword(node, "check")
    if check is not None and not is_false(check.value):
        return
    command = argument(node, 0, "args") if ctx.call_name(node) != "os.system" else argument(node, 0, "command")
    tool = _verification_command(ctx, command)
    if tool is None or not _result_unused(ctx, node):
        return
    ctx.report(node, f"`{tool}` signals a failed verification only through its exit status, which is "
               "never checked here.")
