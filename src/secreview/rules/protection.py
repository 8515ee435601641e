"""CWE-693 Protection Mechanism Failure: weak crypto and predictable secrets."""

from __future__ import annotations

import ast
import re

from secreview.analysis.hosts import reaches_this_machine
from secreview.core.model import Confidence, Severity
from secreview.rules.access_control import session_cookie_name
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.heuristics import (
    assigned_names,
    enclosing_def,
    in_tests,
    name_of,
    settings_written,
    test_context_named,
    walk_body,
)

# `weak-hash-for-security` (MD5 and SHA-1 for a security purpose) is a flow rule: where a digest goes
# decides, not the name it is stored in (secreview.analysis.taint_rules, rules/specs/hashes.toml).


# -- ciphers, modes, IVs and key sizes -----------------------------------------

_CIPHER_ROOTS = ("Crypto.Cipher.", "Cryptodome.Cipher.")
_WEAK_CIPHER_MODULES = {"DES": "DES", "DES3": "Triple DES", "ARC4": "RC4", "ARC2": "RC2", "Blowfish": "Blowfish",
                        "CAST": "CAST5", "XOR": "XOR"}
_HAZMAT_ALGORITHMS = ("cryptography.hazmat.primitives.ciphers.algorithms.",
                      "cryptography.hazmat.decrepit.ciphers.algorithms.")
_WEAK_HAZMAT = {"TripleDES": "Triple DES", "ARC4": "RC4", "Blowfish": "Blowfish", "IDEA": "IDEA",
                "CAST5": "CAST5", "SEED": "SEED", "RC2": "RC2"}
_HAZMAT_MODES = "cryptography.hazmat.primitives.ciphers.modes."
_MENTIONS_CIPHERS = ("Crypto", "cryptography", "pyDes")
_MENTIONS_CRYPTO = ("Crypto", "cryptography")


def _weak_cipher(name: str) -> str | None:
    """The broken cipher a qualified constructor name stands for, if any."""
    for root in _CIPHER_ROOTS:
        if name.startswith(root) and name.endswith(".new"):
            return _WEAK_CIPHER_MODULES.get(name[len(root):-4])
    for root in _HAZMAT_ALGORITHMS:
        if name.startswith(root):
            return _WEAK_HAZMAT.get(name[len(root):])
    if name in ("pyDes.des", "pyDes.triple_des"):
        return "DES" if name.endswith(".des") else "Triple DES"
    return None


@rule(
    id="weak-cipher",
    name="Broken or obsolete cipher",
    cwe="327",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call,),
    bandit=("B304", "B413"),
    fix="Use an authenticated modern cipher: AES-GCM or ChaCha20-Poly1305 "
    "(cryptography's AESGCM / ChaCha20Poly1305, or Fernet for data at rest).",
    mentions=_MENTIONS_CIPHERS,
)
def weak_cipher(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds DES, Triple DES, RC4, RC2, Blowfish, CAST5, IDEA, SEED and XOR
    ciphers created with PyCryptodome/PyCrypto (`Crypto.Cipher.*`),
    `cryptography` (`algorithms.TripleDES`, `ARC4`, ...) or pyDes.

    ## Why is this bad
    These ciphers have keys or blocks too small for today (DES, 64-bit blocks
    open to Sweet32) or statistical biases (RC4): the ciphertext can be
    decrypted or forged (CWE-327).

    ## Example
    ```python
    cipher = DES3.new(key, DES3.MODE_CBC, iv)
    ```

    ## Use instead
    ```python
    ciphertext = AESGCM(key).encrypt(os.urandom(12), data, associated_data)
    ```
    """
    name = ctx.call_name(node) or ""
    cipher = _weak_cipher(name)
    if cipher is None:
        return
    ctx.report(node, f"{name}() uses {cipher}, which is broken or too weak for new encryption.")


def _ecb(ctx: Context, node: ast.Call) -> bool:
    name = ctx.call_name(node) or ""
    if name == _HAZMAT_MODES + "ECB":
        return True
    if name.startswith(_CIPHER_ROOTS) and name.endswith(".new") and not _weak_cipher(name):
        mode = argument(node, 1, "mode")
        if mode is None:
            # PyCrypto defaulted to ECB; PyCryptodome refuses a missing mode.
            return name.split(".")[2] in ("AES", "CAST", "Blowfish", "DES", "DES3", "ARC2") and len(node.args) == 1
        return (ctx.qualname(mode) or "").endswith(".MODE_ECB")
    return False


@rule(
    id="cipher-ecb-mode",
    name="Block cipher in ECB mode",
    cwe="327",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call,),
    bandit=("B305",),
    fix="Use an authenticated mode with a fresh nonce per message: AES-GCM "
    "(AES.new(key, AES.MODE_GCM) or cryptography's AESGCM).",
    mentions=_MENTIONS_CRYPTO,
)
def cipher_ecb_mode(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds ciphers created in ECB mode: `AES.new(key, AES.MODE_ECB)`,
    `AES.new(key)` (PyCrypto's default) and `modes.ECB()` from
    `cryptography`.

    ## Why is this bad
    ECB encrypts equal blocks to equal ciphertext, so patterns in the data
    show through, blocks can be cut and pasted between messages, and nothing
    detects tampering (CWE-327).

    ## Example
    ```python
    token = AES.new(key, AES.MODE_ECB).encrypt(pad(data, 16))
    ```

    ## Use instead
    ```python
    cipher = AES.new(key, AES.MODE_GCM)
    ciphertext, tag = cipher.encrypt_and_digest(data)
    ```
    """
    if _ecb(ctx, node):
        ctx.report(node, f"`{ast.unparse(node)}` encrypts in ECB mode: equal plaintext blocks give equal "
                   "ciphertext blocks and nothing detects tampering.")


_IV_MODES = frozenset({"CBC", "CTR", "GCM", "OFB", "CFB", "CFB8", "XTS", "GCMSIV"})
_AEAD = ("cryptography.hazmat.primitives.ciphers.aead.",)


def _constant_bytes(ctx: Context, node: ast.expr | None) -> bool:
    """A literal IV: b"...", b"\\0" * 16, a name bound only to one, or bytes(16)."""
    if node is None:
        return False
    if isinstance(node, ast.Call) and ctx.call_name(node) in ("bytes", "bytearray") and len(node.args) == 1:
        return ctx.is_constant(node.args[0])
    value = ctx.constant_value(node)
    if isinstance(value, (bytes, str)):
        return True
    return ctx.is_constant(node) and isinstance(node, ast.BinOp)


@rule(
    id="static-iv-or-nonce",
    name="Constant IV or nonce",
    cwe="1204",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call,),
    fix="Generate a fresh random IV or nonce for every message (os.urandom(16) for CBC, os.urandom(12) for "
    "GCM) and store it beside the ciphertext.",
    mentions=_MENTIONS_CRYPTO,
)
def static_iv_or_nonce(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds an IV or nonce written as a constant: `AES.new(key, mode, iv=b"...")`,
    `nonce=b"\\x00" * 12`, `modes.CBC(b"0000000000000000")`,
    `AESGCM(key).encrypt(b"fixed-nonce!", data, None)`.

    ## Why is this bad
    With a fixed IV, CBC leaks which messages share a prefix; with a fixed
    nonce, CTR and GCM reuse the key stream, so XOR-ing two ciphertexts
    gives the XOR of the plaintexts, and GCM's authentication key can be
    recovered (CWE-1204, CWE-323, CWE-329).

    ## Example
    ```python
    cipher = AES.new(key, AES.MODE_CBC, iv=b"\\x00" * 16)
    ```

    ## Use instead
    ```python
    iv = os.urandom(16)
    cipher = AES.new(key, AES.MODE_CBC, iv=iv)
    ```
    """
    name = ctx.call_name(node) or ""
    iv: ast.expr | None = None
    if name.startswith(_CIPHER_ROOTS) and name.endswith(".new"):
        iv = argument(node, 2, "iv")
        if iv is None:
            nonce = keyword(node, "nonce")
            iv = nonce.value if nonce is not None else None
    elif name.startswith(_HAZMAT_MODES) and name[len(_HAZMAT_MODES):] in _IV_MODES:
        iv = argument(node, 0, "initialization_vector") or argument(node, 0, "nonce") or argument(node, 0, "tweak")
    elif isinstance(node.func, ast.Attribute) and node.func.attr in ("encrypt", "decrypt"):
        owner = ctx.qualname(node.func.value) or ""
        if owner.startswith(_AEAD) and node.func.attr == "encrypt":
            iv = argument(node, 0, "nonce")
    if iv is not None and _constant_bytes(ctx, iv):
        ctx.report(node, f"the IV/nonce `{ast.unparse(iv)}` is a constant, so every message is encrypted "
                   "with the same one.")


_KEY_GENERATORS = {
    "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key": (1, "key_size", 2048, "RSA"),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key": (0, "key_size", 2048, "DSA"),
    "Crypto.PublicKey.RSA.generate": (0, "bits", 2048, "RSA"),
    "Crypto.PublicKey.DSA.generate": (0, "bits", 2048, "DSA"),
    "Cryptodome.PublicKey.RSA.generate": (0, "bits", 2048, "RSA"),
    "Cryptodome.PublicKey.DSA.generate": (0, "bits", 2048, "DSA"),
    "paramiko.RSAKey.generate": (0, "bits", 2048, "RSA"),
    "paramiko.DSSKey.generate": (0, "bits", 2048, "DSA"),
    "rsa.newkeys": (0, "nbits", 2048, "RSA"),
}
_MENTIONS_KEY_GENERATION = ("generate", "newkeys")
_WEAK_CURVES = ("SECP192R1", "SECT163K1", "SECT163R2", "SECP160R1", "SECT193R1")
_CURVES = "cryptography.hazmat.primitives.asymmetric.ec."


@rule(
    id="short-asymmetric-key",
    tests=False,
    name="RSA/DSA key shorter than 2048 bits or a curve under 224 bits",
    cwe="326",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    # Asked for by name (the engine's call index), not every call: the body needs nothing else.
    calls=(*_KEY_GENERATORS, *(_CURVES + curve for curve in _WEAK_CURVES)),
    bandit=("B505",),
    fix="Generate RSA keys of at least 3072 bits (2048 as the floor), or use Ed25519 / ECDSA on P-256.",
    mentions=_MENTIONS_KEY_GENERATION,
)
def short_asymmetric_key(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds RSA and DSA keys generated with fewer than 2048 bits
    (`cryptography`, PyCryptodome, paramiko, `rsa`) and elliptic-curve keys
    on curves below 224 bits (`ec.SECP192R1()`), outside tests.

    ## Why is this bad
    1024-bit RSA and DSA are within reach of well-funded attackers and are
    disallowed by NIST since 2013; signatures can be forged and traffic
    decrypted (CWE-326).

    ## Example
    ```python
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ```

    ## Use instead
    ```python
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ```
    """
    if in_tests(ctx):
        return
    name = ctx.call_name(node) or ""
    spec = _KEY_GENERATORS.get(name)
    if spec is not None:
        position, keyword_name, minimum, algorithm = spec
        size = ctx.constant_value(argument(node, position, keyword_name))
        if isinstance(size, int) and not isinstance(size, bool) and size < minimum:
            ctx.report(node, f"a {size}-bit {algorithm} key is too short; use at least {minimum} bits.")
        return
    ctx.report(node, f"{name.rsplit('.', 1)[-1]} gives less than 112 bits of security.")  # a weak curve


# -- TLS protocol versions -------------------------------------------------------

_OLD_PROTOCOLS = {
    "ssl.PROTOCOL_SSLv2": "SSL 2", "ssl.PROTOCOL_SSLv3": "SSL 3", "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1", "ssl.TLSVersion.SSLv3": "SSL 3", "ssl.TLSVersion.TLSv1": "TLS 1.0",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1", "OpenSSL.SSL.SSLv2_METHOD": "SSL 2", "OpenSSL.SSL.SSLv3_METHOD": "SSL 3",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0", "OpenSSL.SSL.TLSv1_1_METHOD": "TLS 1.1",
}


_OLD_PROTOCOL_ATTRS = frozenset(name.rsplit(".", 1)[-1] for name in _OLD_PROTOCOLS)
_MENTIONS_PROTOCOLS = ("PROTOCOL_", "TLSv1", "SSLv", "_METHOD")


@rule(
    id="weak-tls-version",
    name="SSL 2/3 or TLS 1.0/1.1 selected",
    cwe="327",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    attrs=_OLD_PROTOCOL_ATTRS,  # a qualified name ends with the attribute's own name
    bandit=("B502", "B503"),
    fix="Use ssl.create_default_context() (TLS 1.2+), or set context.minimum_version = "
    "ssl.TLSVersion.TLSv1_2.",
    mentions=_MENTIONS_PROTOCOLS,
)
def weak_tls_version(node: ast.Attribute, ctx: Context) -> None:
    """
    ## What it does
    Finds SSL 2, SSL 3, TLS 1.0 and TLS 1.1 chosen as the protocol or
    minimum version (`ssl.PROTOCOL_TLSv1`, `ssl.TLSVersion.TLSv1_1`,
    pyOpenSSL's `SSLv3_METHOD`). Comparisons against them are not reported.

    ## Why is this bad
    These versions have known attacks (POODLE, BEAST) and weak cipher suites,
    and were deprecated by RFC 8996; a connection that accepts them can be
    downgraded and decrypted (CWE-327).

    ## Example
    ```python
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ```
    """
    if not isinstance(node.ctx, ast.Load) or isinstance(ctx.parent, (ast.Compare, ast.Attribute)):
        return
    name = ctx.qualname(node) or ""
    version = _OLD_PROTOCOLS.get(name)
    if version is not None:
        ctx.report(node, f"{name} selects {version}, which is deprecated and open to downgrade attacks.")


# -- CSRF -----------------------------------------------------------------------

_STATE_CHANGE = re.compile(
    r"\.(save|delete|create|update|update_or_create|get_or_create|bulk_create|commit|add|set_password|"
    r"transfer|charge|refund|remove|execute)\(", re.IGNORECASE)
# Requests that authenticate themselves (signed webhooks, API keys, bearer tokens) or carry their own
# anti-forgery value (OAuth/OpenID callbacks posted cross-site by the provider, checked by `state`).
_OWN_AUTHENTICATION = re.compile(
    r"compare_digest|signature|verify|hmac|webhook|authorization|bearer|api_?key|x-hub|stripe|token_auth|"
    r"oauth|openid|saml|id_token|callback",
    re.IGNORECASE)


def _csrf_exempt_decorator(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for decorator in function.decorator_list:
        name = ctx.qualname(decorator) or ""
        if name == "django.views.decorators.csrf.csrf_exempt":
            return decorator
        if (isinstance(decorator, ast.Attribute) and decorator.attr == "exempt"
                and "csrf" in name_of(decorator.value).lower()):
            return decorator
    return None


_MENTIONS_CSRF = ("csrf",)

@rule(
    id="csrf-exempt-state-change",
    tests=False,
    name="CSRF protection removed from a view that changes state",
    cwe="352",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Remove @csrf_exempt and send the CSRF token with the form or AJAX request; a webhook that cannot "
    "send one must verify the sender's signature (hmac.compare_digest) instead.",
    mentions=_MENTIONS_CSRF,
)
def csrf_exempt_state_change(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds views decorated with Django's `@csrf_exempt` or Flask-WTF's
    `@csrf.exempt` that change state (save, delete, create, commit, ...)
    and do not authenticate the request another way (a signature, an HMAC,
    an API key or bearer token header) and are not OAuth/OpenID/SAML
    callbacks, which providers post cross-site and which carry their own
    `state` check.

    ## Why is this bad
    The browser sends the user's cookies with a request any other site
    triggers, so without the CSRF token an attacker's page can make the
    signed-in user perform the action (CWE-352).

    ## Example
    ```python
    @csrf_exempt
    def change_email(request):
        request.user.email = request.POST["email"]
        request.user.save()
    ```

    ## Use instead
    ```python
    @require_POST
    def change_email(request):  # CsrfViewMiddleware checks the token
        request.user.email = request.POST["email"]
        request.user.save()
    ```
    """
    decorator = _csrf_exempt_decorator(ctx, node)
    if decorator is None or in_tests(ctx):
        return
    body = "\n".join(ast.unparse(stmt) for stmt in node.body)
    if not _STATE_CHANGE.search(body) or _OWN_AUTHENTICATION.search(body):
        return
    ctx.report(decorator, f"`{node.name}` changes state but is exempt from CSRF checks, so another site can "
               "make a signed-in user's browser call it.")


_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
_SESSION_MIDDLEWARE = ("django.contrib.sessions.middleware.SessionMiddleware",
                       "django.contrib.auth.middleware.AuthenticationMiddleware")


_MENTIONS_CSRF_SETTINGS = ("WTF_CSRF_ENABLED", "MIDDLEWARE")

@rule(
    id="csrf-protection-disabled",
    tests=False,
    name="CSRF protection switched off for the application",
    cwe="352",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Assign,),
    methods=("update", "from_mapping"),
    fix="Keep CSRF protection on: WTF_CSRF_ENABLED = True (the default) and "
    "'django.middleware.csrf.CsrfViewMiddleware' in MIDDLEWARE; disable it only in test settings.",
    mentions=_MENTIONS_CSRF_SETTINGS,
)
def csrf_protection_disabled(node: ast.Assign | ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `WTF_CSRF_ENABLED = False` (as a setting, in `app.config[...]` or
    `app.config.update(...)`) and a
    Django `MIDDLEWARE` list that has session or authentication middleware
    but no `CsrfViewMiddleware`. Test and development configurations
    (a `TestingConfig` class, `settings/test.py`) are not reported.

    ## Why is this bad
    Every form and cookie-authenticated endpoint becomes forgeable from any
    other site the user visits (CWE-352).

    ## Example
    ```python
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    ```

    ## Use instead
    ```python
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    ```
    """
    if test_context_named(ctx):
        return
    for name, value, where in settings_written(node):
        if name == "WTF_CSRF_ENABLED" and is_false(value):
            ctx.report(where, "WTF_CSRF_ENABLED = False turns off CSRF checks for every form in the application.")
        elif name == "MIDDLEWARE" and isinstance(value, (ast.List, ast.Tuple)) and not ctx.functions:
            entries = {ctx.constant_value(e) for e in value.elts}
            if _CSRF_MIDDLEWARE not in entries and any(m in entries for m in _SESSION_MIDDLEWARE):
                ctx.report(node, "MIDDLEWARE has session authentication but no CsrfViewMiddleware, so no view "
                           "checks CSRF tokens.")


# -- cookies without Secure ------------------------------------------------------


_MENTIONS_COOKIE_SECURE = ("set_cookie", "COOKIE_SECURE")

@rule(
    id="cookie-without-secure",
    tests=False,
    name="Session cookie sent over plain HTTP",
    cwe="614",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=("set_cookie", "update", "from_mapping"),
    nodes=(ast.Assign,),
    fix="Set session and authentication cookies with secure=True (SESSION_COOKIE_SECURE = True, "
    "CSRF_COOKIE_SECURE = True in production settings).",
    mentions=_MENTIONS_COOKIE_SECURE,
)
def cookie_without_secure(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds session, authentication and token cookies set with
    `response.set_cookie(...)` without `secure=True`, and
    `SESSION_COOKIE_SECURE = False` / `CSRF_COOKIE_SECURE = False` outside
    development and test settings.

    ## Why is this bad
    Without `Secure` the browser also sends the cookie over plain HTTP, where
    anyone on the network (a café Wi-Fi) can read it and take over the
    session (CWE-614).

    ## Example
    ```python
    response.set_cookie("session_id", sid, httponly=True)
    ```

    ## Use instead
    ```python
    response.set_cookie("session_id", sid, httponly=True, secure=True, samesite="Lax")
    ```
    """
    for name, value, where in settings_written(node):
        if (name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE") and is_false(value)
                and not test_context_named(ctx)):
            ctx.report(where, f"{name} = False lets the browser send the cookie over plain HTTP.",
                       confidence=Confidence.HIGH)
    if isinstance(node, ast.Assign) or node.func.attr != "set_cookie":  # type: ignore[union-attr]
        return
    cookie = session_cookie_name(ctx, node)
    if cookie is None or in_tests(ctx):
        return
    flag = keyword(node, "secure")
    if flag is None:
        ctx.report(node, f"cookie `{cookie}` is set without secure=True, so it is also sent over plain HTTP.")
    elif is_false(flag.value):
        ctx.report(node, f"cookie `{cookie}` is set with secure=False, so it is also sent over plain HTTP.",
                   confidence=Confidence.HIGH)


# -- JWT --------------------------------------------------------------------------

_JWT_DECODE = ("jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT.decode", "jose.jwt.decode", "jwt.api_jws.decode")


def _options_disable_signature(ctx: Context, node: ast.Call) -> bool:
    options = keyword(node, "options")
    if options is None or not isinstance(options.value, ast.Dict):
        return False
    for key, value in zip(options.value.keys, options.value.values):
        if ctx.constant_value(key) == "verify_signature" and is_false(value):
            return True
    return False


def _jwt_problem(ctx: Context, node: ast.Call) -> str | None:
    name = ctx.call_name(node) or ""
    if _options_disable_signature(ctx, node):
        return "options={'verify_signature': False} accepts tokens with any or no signature"
    verify = keyword(node, "verify")
    if verify is not None and is_false(verify.value):
        return "verify=False accepts tokens with any or no signature"
    algorithms = keyword(node, "algorithms")
    if algorithms is not None:
        values = algorithms.value.elts if isinstance(algorithms.value, (ast.List, ast.Tuple)) else [algorithms.value]
        if any(str(ctx.constant_value(v)).lower() == "none" for v in values):
            return "the 'none' algorithm accepts unsigned tokens"
        text = ast.unparse(algorithms.value)
        if "unverified" in text or re.search(r"\[['\"]alg['\"]\]", text):
            return "the algorithm is taken from the token's own header, so the attacker chooses it"
        return None
    if name.startswith("jose.") and len(node.args) >= 2:
        return "without algorithms= python-jose accepts whatever algorithm the token names"
    return None


@rule(
    id="jwt-signature-not-verified",
    tests=False,
    name="JWT decoded without verifying its signature",
    cwe="347",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=_JWT_DECODE,
    fix="Verify with a pinned algorithm list: jwt.decode(token, key, algorithms=['RS256'], "
    "audience='my-api'); never accept 'none' or the token's own 'alg'.",
)
def jwt_signature_not_verified(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `jwt.decode` (PyJWT, python-jose) with
    `options={"verify_signature": False}` or `verify=False`, with `"none"`
    among the algorithms, with the algorithm read from the token's unverified
    header, or (python-jose) with no `algorithms=` at all. Reading claims
    without verification *before* a verifying decode in the same function is
    not reported.

    ## Why is this bad
    The signature is what makes the claims trustworthy; without checking it
    (or when the attacker picks the algorithm) anyone can mint a token for
    any user (CWE-347).

    ## Example
    ```python
    claims = jwt.decode(token, options={"verify_signature": False})
    ```

    ## Use instead
    ```python
    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="my-api")
    ```
    """
    problem = _jwt_problem(ctx, node)
    if problem is None or in_tests(ctx):
        return
    function = enclosing_def(ctx)
    if function is not None and "signature" in problem:
        for sub in walk_body(function):
            if (sub is not node and isinstance(sub, ast.Call) and ctx.call_name(sub) in _JWT_DECODE
                    and _jwt_problem(ctx, sub) is None):
                return  # peeked at the claims, then verified
    ctx.report(node, f"`{ast.unparse(node.func)}(...)`: {problem}.")


# -- client addresses taken from a header the client writes --------------------

_FORWARDED = re.compile(r"x[-_]forwarded[-_]for|x[-_]real[-_]ip|access_route|forwarded", re.IGNORECASE)
_ACCESS_DECISION = re.compile(
    r"allow|block|deny|ban|whitelist|blacklist|trusted|internal|admin|permit|acl|is_local|private|"
    r"rate|limit|throttle|auth", re.IGNORECASE)


def _first_forwarded(node: ast.AST) -> str | None:
    """`headers["X-Forwarded-For"].split(",")[0]` or `request.access_route[0]`."""
    if not isinstance(node, ast.Subscript) or not (isinstance(node.slice, ast.Constant) and node.slice.value == 0):
        return None
    inner = node.value
    if isinstance(inner, ast.Attribute) and inner.attr == "access_route":
        return ast.unparse(node)
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "split":
        text = ast.unparse(inner.func.value)
        if re.search(r"x[-_]forwarded[-_]for", text, re.IGNORECASE):
            return ast.unparse(node)
    return None


_MENTIONS_FORWARDED = ("orwarded", "FORWARDED", "access_route")


@rule(
    id="spoofable-client-address",
    name="Client address for an access decision taken from X-Forwarded-For",
    cwe="348",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Subscript,),
    fix="Let the proxy layer resolve the client address (werkzeug ProxyFix(x_for=1) with the number of "
    "trusted proxies, Django's REMOTE_ADDR behind a proxy that overwrites it) and use the right-most "
    "untrusted entry, never the first one.",
    mentions=_MENTIONS_FORWARDED,
)
def spoofable_client_address(node: ast.Subscript, ctx: Context) -> None:
    """
    ## What it does
    Finds the first element of `X-Forwarded-For` (or werkzeug's
    `request.access_route[0]`) used in an access decision: stored in a name
    or compared in a function about allow/deny lists, admin or internal
    access, or rate limits.

    ## Why is this bad
    Proxies append the address they saw to the *end* of X-Forwarded-For; the
    first element is whatever the client sent. An attacker sends
    `X-Forwarded-For: 127.0.0.1` and passes the check (CWE-348).

    ## Example
    ```python
    ip = request.headers["X-Forwarded-For"].split(",")[0]
    if ip not in ALLOWED_ADMIN_IPS:
        abort(403)
    ```

    ## Use instead
    ```python
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # one trusted proxy
    if request.remote_addr not in ALLOWED_ADMIN_IPS:
        abort(403)
    ```
    """
    spelled = _first_forwarded(node)
    if spelled is None:
        return
    function = enclosing_def(ctx)
    context_text = " ".join(assigned_names(ctx))
    if function is not None:
        context_text += " " + "\n".join(ast.unparse(s.test) for s in walk_body(function) if isinstance(s, ast.If))
    if not _ACCESS_DECISION.search(context_text):
        return
    ctx.report(node, f"`{spelled}` is the left-most X-Forwarded-For entry, which the client writes itself; "
               "an access decision based on it can be spoofed.")


# -- credentials over cleartext protocols ---------------------------------------

_CLEARTEXT_LOGINS = {
    "ftplib.FTP.login": "FTP", "smtplib.SMTP.login": "SMTP", "imaplib.IMAP4.login": "IMAP",
    "poplib.POP3.pass_": "POP3",
}


def _receiver_constructor(ctx: Context, call: ast.Call) -> ast.Call | None:
    """The `Cls(...)` call that made a method call's receiver (`x = Cls(...)` or `with Cls(...) as x`)."""
    if not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Name):
        return None
    receiver = call.func.value
    made = ctx.assigned_value(receiver)
    if isinstance(made, ast.Call):
        return made
    function = enclosing_def(ctx)
    if function is None:
        return None
    for sub in walk_body(function):
        if isinstance(sub, ast.withitem) and isinstance(sub.optional_vars, ast.Name) \
                and sub.optional_vars.id == receiver.id and isinstance(sub.context_expr, ast.Call):
            return sub.context_expr
    return None


_MENTIONS_CLEARTEXT_LOGIN = ("ftplib", "smtplib", "imaplib", "poplib")

@rule(
    id="cleartext-protocol-login",
    tests=False,
    name="Password sent over a cleartext protocol",
    cwe="319",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=("login", "pass_"),
    bandit=("B321", "B312"),
    fix="Use the TLS variant (ftplib.FTP_TLS with prot_p(), smtplib.SMTP_SSL or starttls() before "
    "login(), imaplib.IMAP4_SSL, poplib.POP3_SSL) or SFTP/SSH instead of FTP and Telnet.",
    mentions=_MENTIONS_CLEARTEXT_LOGIN,
)
def cleartext_protocol_login(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds a password sent with `login()` on plain `ftplib.FTP`,
    `smtplib.SMTP` (without `starttls()` in the same function),
    `imaplib.IMAP4` or `poplib.POP3.pass_`. Anonymous FTP and local SMTP
    relays are not reported.

    ## Why is this bad
    These protocols send the user name and password unencrypted; anyone on
    the network path can read them (CWE-319).

    ## Example
    ```python
    ftp = ftplib.FTP("files.example.com")
    ftp.login("deploy", password)
    ```

    ## Use instead
    ```python
    ftp = ftplib.FTP_TLS("files.example.com")
    ftp.login("deploy", password)
    ftp.prot_p()
    ```
    """
    made = _receiver_constructor(ctx, node)
    owner = ctx.call_name(made) if made is not None else None
    protocol = _CLEARTEXT_LOGINS.get(f"{owner}.{node.func.attr}")  # type: ignore[union-attr]
    if made is None or protocol is None or in_tests(ctx):
        return
    host = ctx.constant_value(argument(made, 0, "host"))
    if isinstance(host, str) and reaches_this_machine(host):
        return
    if protocol == "FTP" and (not node.args or ctx.constant_value(node.args[0]) in ("anonymous", "ftp")):
        return
    function = enclosing_def(ctx)
    body = walk_body(function) if function is not None else []
    if protocol == "SMTP" and any(isinstance(s, ast.Attribute) and s.attr == "starttls" for s in body):
        return
    ctx.report(node, f"the password is sent in cleartext over {protocol}.")
