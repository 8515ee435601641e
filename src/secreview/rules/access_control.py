"""CWE-284 Improper Access Control: who may reach what."""

from __future__ import annotations

import ast
import math
import re
import stat

from secreview.analysis.hosts import reaches_this_machine
from secreview.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.heuristics import (
    SENSITIVE,
    in_tests,
    mention_gate,
    module_nodes,
    name_of,
    parameter_names,
    settings_written,
    test_context_named,
    walk_body,
)
from secreview.rules.literals import literal_may_contain

HTTP_CLIENT_ROOTS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"})


_MENTIONS_VERIFY = mention_gate("verify", "ssl=")
_VERIFY_KEYWORDS = frozenset({"verify", "ssl", "verify_ssl"})
_MENTIONS_UNVERIFIED = mention_gate("CERT_NONE", "_create_unverified_context", "_create_stdlib_context")
_MENTIONS_CHECK_HOSTNAME = mention_gate("check_hostname")
_MENTIONS_HTTPONLY = mention_gate("set_cookie", "SESSION_COOKIE_HTTPONLY")
_MENTIONS_WRITES = mention_gate("delete(", "save(")


@rule(
    id="tls-verification-disabled",
    name="TLS certificate verification disabled",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call, ast.Assign),
    bandit=("B501",),
    fix="Remove verify=False. To trust a private CA, pass its bundle: verify='/etc/ssl/private-ca.pem' "
    "(or set REQUESTS_CA_BUNDLE).",
)
def tls_verification_disabled(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds HTTP client calls (requests, httpx, aiohttp, urllib3 and sessions
    of them) made with `verify=False` (aiohttp: `ssl=False`,
    `verify_ssl=False`), and `session.verify = False` on a requests session,
    outside tests (which often talk to servers with self-signed
    certificates).

    ## Why is this bad
    Without certificate verification anyone on the network path can
    impersonate the server and read or change the traffic, credentials
    included (CWE-295).

    ## Example
    ```python
    requests.get(url, verify=False)
    ```

    ## Use instead
    ```python
    requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")
    ```
    """
    if node.__class__ is ast.Call:
        if not any(kw.arg in _VERIFY_KEYWORDS and is_false(kw.value) for kw in node.keywords):  # type: ignore[union-attr]
            return  # only verify=/ssl=/verify_ssl=False is reported: asked before the call's name
    elif not is_false(node.value):
        return  # only `... = False` turns verification off
    if not _MENTIONS_VERIFY(ctx):
        return
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if (isinstance(target, ast.Attribute) and target.attr == "verify" and is_false(node.value)
                    and (ctx.qualname(target.value) or "").startswith(HTTP_CLIENT_ROOTS)):
                ctx.report(node, f"`{ast.unparse(target)} = False` turns off certificate verification for every "
                           "request made with this session.")
        return
    name = ctx.call_name(node) or ""
    verify = keyword(node, "verify")
    if name.startswith("aiohttp."):
        verify = keyword(node, "ssl") or keyword(node, "verify_ssl") or verify
    if verify is None or not is_false(verify.value):
        return
    is_client = name.startswith(HTTP_CLIENT_ROOTS)
    if not is_client and isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_METHODS:
        is_client = True
    if not is_client:
        return
    if in_tests(ctx):
        return  # test servers with self-signed certificates
    ctx.report(node, f"{name or ast.unparse(node.func)}() is called with {verify.arg}=False, so any "
               "machine on the network path can impersonate the server.")


# -- TLS configured to accept any certificate ----------------------------------

_UNVERIFIED_CONTEXTS = ("ssl._create_unverified_context", "ssl._create_stdlib_context")


def _is_cert_none(ctx: Context, node: ast.expr | None) -> bool:
    if node is None:
        return False
    if ctx.qualname(node) in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"):
        return True
    return ctx.constant_value(node) in ("CERT_NONE", "NONE")


@rule(
    id="tls-context-unverified",
    name="TLS context that accepts any certificate",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Call, ast.Assign),
    bandit=("B323", "B501"),
    fix="Use ssl.create_default_context() (it verifies certificates and host names); to trust a private "
    "CA, load it with context.load_verify_locations('/etc/ssl/private-ca.pem').",
)
def tls_context_unverified(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds TLS set up without certificate verification:
    `ssl._create_unverified_context()`, `context.verify_mode = ssl.CERT_NONE`,
    and `cert_reqs=ssl.CERT_NONE` / `cert_reqs="CERT_NONE"` (urllib3 pools,
    `ssl.wrap_socket`).

    ## Why is this bad
    With `CERT_NONE` the client accepts any certificate, so anyone on the
    network path can impersonate the server and read or change the traffic
    (CWE-295).

    ## Example
    ```python
    context = ssl._create_unverified_context()
    urllib.request.urlopen(url, context=context)
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context(cafile="/etc/ssl/private-ca.pem")
    urllib.request.urlopen(url, context=context, timeout=10)
    ```
    """
    if not _MENTIONS_UNVERIFIED(ctx):
        return
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "verify_mode" and _is_cert_none(ctx, node.value):
                ctx.report(node, f"`{ast.unparse(target)} = {ast.unparse(node.value)}` makes the TLS context "
                           "accept any certificate.")
        return
    name = ctx.call_name(node) or ""
    if name in _UNVERIFIED_CONTEXTS:
        ctx.report(node, f"{name}() returns a context that skips certificate and host name verification.")
        return
    cert_reqs = keyword(node, "cert_reqs")
    if cert_reqs is not None and _is_cert_none(ctx, cert_reqs.value):
        ctx.report(node, f"{name or ast.unparse(node.func)}(cert_reqs=CERT_NONE) accepts any certificate.")


@rule(
    id="tls-hostname-check-disabled",
    name="TLS host name checking disabled",
    cwe="297",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    nodes=(ast.Assign,),
    fix="Leave check_hostname = True (the default of ssl.create_default_context()); for a server known "
    "by another name, pass server_hostname='the-name-on-its-certificate' to wrap_socket().",
)
def tls_hostname_check_disabled(node: ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds `context.check_hostname = False` on an `ssl.SSLContext` (any
    attribute named `check_hostname` set to `False`).

    ## Why is this bad
    The certificate is still checked against the trusted CAs, but not against
    the host the client meant to reach: any valid certificate for any domain
    the attacker owns is accepted (CWE-297).

    ## Example
    ```python
    context = ssl.create_default_context()
    context.check_hostname = False
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context()
    sock = context.wrap_socket(raw, server_hostname="db.internal.example")
    ```
    """
    if not is_false(node.value) or not _MENTIONS_CHECK_HOSTNAME(ctx):
        return
    for target in node.targets:
        if isinstance(target, ast.Attribute) and target.attr == "check_hostname" and is_false(node.value):
            ctx.report(node, f"`{ast.unparse(target)} = False` accepts a certificate issued for any host name.")


_MENTIONS_HOST_KEY_POLICY = mention_gate("Policy", "known_hosts")

@rule(
    id="ssh-host-key-not-verified",
    tests=False,
    name="SSH client accepts unknown host keys",
    cwe="295",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    methods=("set_missing_host_key_policy",),
    calls=("asyncssh.connect", "asyncssh.connect_reverse", "asyncssh.SSHClientConnectionOptions"),
    bandit=("B507",),
    fix="Load known host keys (client.load_system_host_keys() or client.load_host_keys(path)) and keep "
    "paramiko's default RejectPolicy; with asyncssh pass known_hosts='/path/to/known_hosts'.",
)
def ssh_host_key_not_verified(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds paramiko clients given `AutoAddPolicy` or `WarningPolicy` for
    unknown host keys, and asyncssh connections made with `known_hosts=None`,
    outside tests.

    ## Why is this bad
    The host key is what authenticates the server. Accepting an unknown key
    lets anyone who can intercept the first (or any) connection pose as the
    server and capture the password or the commands (CWE-295).

    ## Example
    ```python
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ```

    ## Use instead
    ```python
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    ```
    """
    if not _MENTIONS_HOST_KEY_POLICY(ctx):
        return
    if in_tests(ctx):
        return
    if isinstance(node.func, ast.Attribute) and node.func.attr == "set_missing_host_key_policy":
        policy = argument(node, 0, "policy")
        if policy is None:
            return
        target = policy.func if isinstance(policy, ast.Call) else policy
        name = ctx.qualname(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
        if name and name.rsplit(".", 1)[-1] in ("AutoAddPolicy", "WarningPolicy") and name.startswith("paramiko"):
            ctx.report(node, f"{name.rsplit('.', 1)[-1]} accepts the key of any server not seen before, "
                       "so the SSH connection can be intercepted.")
        return
    known = keyword(node, "known_hosts")
    if known is not None and isinstance(known.value, ast.Constant) and known.value.value is None:
        ctx.report(node, f"{ctx.call_name(node)}(known_hosts=None) skips host key verification.")


# -- hard-coded credentials and keys -------------------------------------------

_PASSWORD_NAME = re.compile(r"passw(or)?d|passwd|\bpwd\b|_pwd\b|^pwd|passphrase", re.IGNORECASE)
_KEY_NAME = re.compile(
    r"secret_?key|signing_?key|encryption_?key|crypt_?key|aes_?key|hmac_?key|jwt_?(secret|key)|private_?key|"
    r"fernet_?key", re.IGNORECASE)
_TOKEN_NAME = re.compile(
    r"api_?key|apikey|access_?key|secret|token|client_?secret|auth_?key|credential", re.IGNORECASE)
# Names that hold something *about* a secret (a field name, a URL, a length), not the secret.
_NOT_A_SECRET_NAME = re.compile(
    r"(_|^)(field|label|prompt|url|uri|path|file|filename|dir|name|names|len|length|min|max|policy|regex|re|"
    r"pattern|hint|help|type|types|id|header|param|params|env|var|timeout|expiry|expires|ttl|age|required|"
    r"enabled|hash|hashed|validators?|salt|method|format|prefix|suffix|endpoint|backend|class|mode|key_name|"
    r"location|algorithm|algorithms|alg|scheme|version|style|cookie_name|attr|column|msg|message|error|text|"
    r"title|placeholder|query|kind|count|size|storage|source|from|keys|list|set|map|index|cache|mask|"
    r"reset|expire|lifetime|template|view|form|widget|input|display|char|chars|characters|digits)$"
    r"|(change|reset|forgot|forgotten|recover|update|confirm)_?passw",  # actions, e.g. rate limits per action
    re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"change|replace|your[-_ ]|example|placeholder|dummy|fake|not[-_ ]?(a[-_ ])?(real|secret)|sample|todo|"
    r"fixme|redacted|<[^>]*>|\$\{|\{\{|%\(|^\{[\w.]*\}$|^\*+$|^x+$|^\.+$|^(.)\1+$|^(test|testing|tests|"
    r"none|null|nil|default|password|passwd|pass|secret|admin|root|user|guest|foo|bar|foobar|baz|abc|"
    r"abc123|123|1234|12345|123456|qwerty|key|token|dev|local|development|unused|disabled|empty|n/a|na|"
    r"tbd|unknown|mysecret|s3cr3t|letmein|hunter2|pwd)$",
    re.IGNORECASE)
# Known credential formats: reported whatever the variable is called.
_KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN (RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}")),
    ("a Stripe live secret key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
)


_FORMAT_MARKERS = ("AKIA", "ASIA", "PRIVATE KEY", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox",
                   "_live_", "AIza")


def known_secret_format(value: str) -> str | None:
    """What `value` is when it contains a credential in a recognisable format."""
    if len(value) < 20 or not any(marker in value for marker in _FORMAT_MARKERS) or "EXAMPLE" in value.upper():
        return None
    for description, pattern in _KNOWN_FORMATS:
        if pattern.search(value):
            return description
    return None


_FILE_NAME = re.compile(
    r"[\w\-/.]+\.(bat|sh|py|txt|json|ya?ml|toml|cfg|ini|conf|pem|key|crt|cer|p12|pfx|jks|html|js|css|png|"
    r"jpg|svg|md|rst|log|db|sqlite3?)", re.IGNORECASE)


def shannon_entropy(value: str) -> float:
    """Bits per character: random keys score above ~3.5, words and labels below."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_like_placeholder(value: str) -> bool:
    """Values that are not a real secret: empty, well-known placeholders, labels,
    templates, environment variable names, paths and URLs."""
    text = value.strip()
    if len(text) < 4:
        return True
    if _PLACEHOLDER.search(text) or " " in text:
        return True
    if re.fullmatch(r"[A-Z][A-Z0-9_]+", text):  # the *name* of an environment variable
        return True
    if text.startswith(("/", "./", "~", "http://", "https://", "file:")) or _FILE_NAME.fullmatch(text):
        return True
    if re.fullmatch(r"_*[a-z]+(_[a-z]+)+_*|__\w+__", text):  # an identifier: a session key, a marker
        return True
    if re.fullmatch(r"[a-z]+([_.\-][a-z]+)*", text) and SENSITIVE.search(text):
        return True  # a field or setting name such as "new_password" or "api-key"
    if "(?:" in text or "[^" in text:
        return True  # a regular expression (`qtoken = '(?:"[^"]+"|\\w+)'`): a token's *shape*
    return bool(_PASSWORD_HASH.match(text))


# A stored password *hash* (bcrypt, argon2, crypt(3), passlib/Django formats) logs nobody in: it is
# what a user table holds, and a fixture's fake user table is full of them.
_PASSWORD_HASH = re.compile(r"\$(2[abxy]?|argon2(id|i|d)|[156]|pbkdf2(-sha\d+)?|scrypt)\$\S{20,}$|"
                            r"(pbkdf2_sha\d+|argon2|bcrypt(_sha256)?|scrypt)\$\S{20,}$")


def _spells_name(name: str, value: str) -> bool:
    """The value is its own name respelled (`{"new_credentials": "NewCredentials"}`, an operation's
    label or an API field name): a label, whatever the name says it holds."""
    def letters(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.lower())
    return letters(value) == letters(name.rsplit(".", 1)[-1])


def _secret_rule(name: str, value: str) -> str | None:
    """Which hard-coded-secret rule a `name = "value"` pair belongs to, if any."""
    if not name or _NOT_A_SECRET_NAME.search(name) or known_secret_format(value):
        return None
    if looks_like_placeholder(value) or _spells_name(name, value):
        return None
    if _PASSWORD_NAME.search(name):
        return "hardcoded-password"
    # Keys and tokens are machine-generated: a plain word or a short value is a label, not a key.
    if len(value) < 10 or re.fullmatch(r"[a-z_.\-]+", value) or shannon_entropy(value) < 3.0:
        return None
    if _KEY_NAME.search(name):
        return "hardcoded-cryptographic-key"
    if _TOKEN_NAME.search(name):
        return "hardcoded-credential"
    return None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return value
        if isinstance(value, bytes):
            return value.decode("latin-1")
    return None


# The three secret rules run one after another on the same node: the first to ask works out
# which rule each name-to-literal pairing there belongs to, the other two read the answer.
_LAST_SECRETS: list = [None, ()]


def _secrets_at(node: ast.AST, ctx: Context) -> tuple[tuple[str, str, str, ast.AST], ...]:
    """(rule id, name, literal text, where to report) for every pairing at `node` a secret rule reports."""
    if _LAST_SECRETS[0] is not node:
        found: tuple[tuple[str, str, str, ast.AST], ...] = ()
        pairs = _pairs_at(node, ctx)
        if pairs:
            found = tuple((rule_id, name, value, where) for name, value, where in pairs
                          if (rule_id := _secret_rule(name, value)) is not None)
        _LAST_SECRETS[0], _LAST_SECRETS[1] = node, found
    return _LAST_SECRETS[1]


def _bound_literal(ctx: Context, name: ast.Name) -> str | None:
    """The literal a plain-named constant holds (`PRIMARY = "..."` given as `password=PRIMARY`).

    A name that says what it holds (`DB_PASSWORD`) is reported once, where it gets its literal.
    """
    value = ctx.constant_value(name)
    if not isinstance(value, str) or _secret_rule(name.id, value) is not None:
        return None
    return value


def _pairs_at(node: ast.AST, ctx: Context) -> list[tuple[str, str, ast.AST]]:
    """(name, literal text, where to report) for every name-to-string-literal pairing at `node`.

    Only pairings with a literal value: nothing else can be reported, and most nodes have none,
    so each branch looks for a literal before anything else.
    """
    pairs: list[tuple[str, str, ast.AST]] = []
    kind = node.__class__
    if kind is ast.Call:
        for kw in node.keywords:  # type: ignore[attr-defined]
            if kw.arg and isinstance(kw.value, ast.Constant):
                value = _string(kw.value)
                if value is not None:
                    pairs.append((kw.arg, value, node))
            elif kw.arg and kw.value.__class__ is ast.Name:
                value = _bound_literal(ctx, kw.value)  # type: ignore[arg-type]
                if value is not None:
                    pairs.append((f"{kw.arg}={kw.value.id}", value, node))  # type: ignore[attr-defined]
        args, func = node.args, node.func  # type: ignore[attr-defined]
        # A qualified name ends with the attribute's own name: only `.get` and `.getenv` can be these.
        if (len(args) == 2 and isinstance(args[1], ast.Constant)
                and (func.__class__ is not ast.Attribute or func.attr in ("get", "getenv"))):
            value = _string(args[1])
            if value is not None and ctx.call_name(node) in ("os.environ.get", "os.getenv"):  # type: ignore[arg-type]
                pairs.append((str(ctx.constant_value(args[0])), value, node))
    elif kind is ast.Assign:
        if isinstance(node.value, ast.Constant):  # type: ignore[attr-defined]
            value = _string(node.value)  # type: ignore[attr-defined]
            if value is not None:
                for target in node.targets:  # type: ignore[attr-defined]
                    pairs.append((name_of(target), value, node))
    elif kind is ast.Dict:
        for key, value_node in zip(node.keys, node.values):  # type: ignore[attr-defined]
            if isinstance(value_node, ast.Constant) and isinstance(key, ast.Constant):
                key_text = _string(key)
                value = _string(value_node)
                if key_text is not None and value is not None:
                    pairs.append((key_text, value, value_node))
    elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
        args = node.args  # type: ignore[attr-defined]
        if args.defaults:
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
                value = _string(default)
                if value is not None:
                    pairs.append((arg.arg, value, default))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            value = _string(default)
            if value is not None:
                pairs.append((arg.arg, value, default))
    elif kind is ast.AnnAssign:
        if node.value is not None:  # type: ignore[attr-defined]
            value = _string(node.value)  # type: ignore[attr-defined]
            if value is not None:
                pairs.append((name_of(node.target), value, node))  # type: ignore[attr-defined]
    elif kind is ast.Compare and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):  # type: ignore[attr-defined]
        # Only passwords: comparing a token or key name with a literal is usually parsing.
        left, right = node.left, node.comparators[0]  # type: ignore[attr-defined]
        for named, literal in ((left, right), (right, left)):
            value = _string(literal)
            if value is not None and _PASSWORD_NAME.search(name_of(named)):
                pairs.append((name_of(named), value, node))
    return pairs


_SECRET_NODES = (ast.Assign, ast.AnnAssign, ast.Call, ast.Dict, ast.FunctionDef, ast.AsyncFunctionDef, ast.Compare)


def string_literals(module: ast.Module) -> list[ast.Constant]:
    """Every string literal of a module (one pass, for checks that read literal text wherever it is)."""
    return [n for n in module_nodes(module) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


_SECRET_MESSAGES = {
    "hardcoded-password": "a password",
    "hardcoded-cryptographic-key": "a cryptographic key",
    "hardcoded-credential": "a credential",
}


_NAME_WORDS = {
    "hardcoded-password": ("pass", "Pass", "PASS", "pwd", "PWD"),
    "hardcoded-cryptographic-key": ("key", "Key", "KEY", "secret", "Secret", "SECRET"),
    "hardcoded-credential": ("key", "Key", "KEY", "secret", "Secret", "SECRET", "token", "Token", "TOKEN",
                             "credential", "Credential", "CREDENTIAL"),
}

_NAME_GATES = {rule_id: mention_gate(*words) for rule_id, words in _NAME_WORDS.items()}


def _report_named_secrets(node: ast.AST, ctx: Context) -> None:
    secrets = _LAST_SECRETS[1] if _LAST_SECRETS[0] is node else _secrets_at(node, ctx)
    if not secrets:
        return  # nearly every node
    rule_id = ctx.rule.id  # type: ignore[union-attr]
    mine = [found for found in secrets if found[0] == rule_id]
    if not mine or not _NAME_GATES[rule_id](ctx) or in_tests(ctx):
        return  # no literal of this rule here, no name in this file says it holds one, or test code
    kind = _SECRET_MESSAGES[rule_id]
    for _, name, value, where in mine:
        strong = len(value) >= 12 and shannon_entropy(value) >= 3.5
        ctx.report(where, f"`{name}` is set to a literal that looks like {kind} in the source; anyone who can "
                   "read the code or its history has it.",
                   confidence=Confidence.HIGH if strong else Confidence.MEDIUM)


_URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.\-]*://(?P<user>[^/\s:@]+):(?P<password>[^@\s/]+)@(?P<host>[^/\s:?]+)",
                              re.IGNORECASE)
_DSN_PASSWORD = re.compile(r"(?:^|\s)password=(?P<password>[^\s'\"]+)", re.IGNORECASE)
_CONNECTION_NEEDLES = ("://", "password=")  # what a literal with an embedded password contains (any case)


def _embedded_password(value: str) -> str | None:
    """The password in `scheme://user:password@host/...` or a `... password=... ` DSN, if it is real."""
    match = _URL_CREDENTIALS.match(value)
    if match:
        user_is_password = match["user"] == match["password"]  # secreview: ignore[timing-unsafe-comparison] reviewed source text, not a login
        if reaches_this_machine(match["host"]) or user_is_password:
            return None  # a developer's local database with its default account
        password = match["password"]
    else:
        dsn = _DSN_PASSWORD.search(value)
        if dsn is None or "host=localhost" in value:
            return None
        password = dsn["password"]
    return None if looks_like_placeholder(password) or "%" in password else password


_MENTIONS_CONNECTION_PASSWORD = mention_gate("://", "password=", "PASSWORD=")

@rule(
    id="hardcoded-password",
    tests=False,
    name="Hard-coded password",
    cwe="259",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(*_SECRET_NODES, ast.Module),
    bandit=("B105", "B106", "B107"),
    fix="Read the password at run time from the environment or a secret store "
    "(os.environ['DB_PASSWORD'], a mounted secret file, Vault), and rotate the one in the code.",
)
def hardcoded_password(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Finds a string literal given to a name that says it is a password
    (`password = "..."`, `connect(password="...")`, `{"password": "..."}`,
    default arguments, `if pwd == "..."`), and passwords inside connection
    URLs and DSNs (`"postgresql://app:...@db.internal/app"`,
    `"host=db password=..."`). Placeholders (`"changeme"`, `"xxx"`, `""`,
    templates, environment variable names), stored password hashes
    (`"$2b$12$..."`, `"pbkdf2_sha256$..."`: what a user table holds), local
    development databases (`postgres:postgres@localhost`) and test code are
    not reported.

    ## Why is this bad
    A password in the source is shared with everyone who can read the
    repository, its history, every clone and every built artefact, and it
    cannot be rotated without a release (CWE-259).

    ## Example
    ```python
    db = psycopg.connect(host="db", user="app", password="Tr0ub4dor&3")
    ```

    ## Use instead
    ```python
    db = psycopg.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
    ```
    """
    if isinstance(node, ast.Module):
        if in_tests(ctx) or not _MENTIONS_CONNECTION_PASSWORD(ctx):
            return
        if not literal_may_contain(ctx.source, _CONNECTION_NEEDLES, ignore_case=True):
            return  # the file mentions them only in comments: no literal to walk the tree for
        for literal in string_literals(node):
            value = literal.value
            if ("://" in value or "password=" in value.lower()) and _embedded_password(value) is not None:
                ctx.report(literal, "this connection string carries a password in the source; anyone who can "
                           "read the code or its history can log in.")
        return
    _report_named_secrets(node, ctx)


_HAZMAT = "cryptography.hazmat.primitives.ciphers."
# Where a call takes its key: the literal found there *is* the key in use, whatever it looks like.
_KEY_ARGUMENTS: dict[str, tuple[int, str]] = {
    "jwt.encode": (1, "key"), "jwt.decode": (1, "key"), "jose.jwt.encode": (1, "key"),
    "jose.jwt.decode": (1, "key"), "hmac.new": (0, "key"), "hmac.digest": (0, "key"),
    "cryptography.fernet.Fernet": (0, "key"), "itsdangerous.URLSafeTimedSerializer": (0, "secret_key"),
    "itsdangerous.URLSafeSerializer": (0, "secret_key"), "itsdangerous.Signer": (0, "secret_key"),
    "itsdangerous.TimestampSigner": (0, "secret_key"), "Crypto.Cipher.AES.new": (0, "key"),
    "Cryptodome.Cipher.AES.new": (0, "key"), _HAZMAT + "algorithms.AES": (0, "key"),
    _HAZMAT + "aead.AESGCM": (0, "key"), _HAZMAT + "aead.ChaCha20Poly1305": (0, "key"),
}


_MENTIONS_KEY_APIS = mention_gate("jwt", "hmac", "Fernet", "itsdangerous", "Crypto", "cryptography")


def _literal_key(ctx: Context, node: ast.AST) -> ast.expr | None:
    """The literal (or name bound only to a literal) in the key position of a crypto call."""
    if node.__class__ is not ast.Call or not _MENTIONS_KEY_APIS(ctx):
        return None
    spec = _KEY_ARGUMENTS.get(ctx.call_name(node) or "")  # type: ignore[arg-type]
    if spec is None:
        return None
    key = argument(node, *spec)
    value = ctx.constant_value(key) if key is not None else None
    if not (isinstance(value, (str, bytes)) and value):
        return None
    if isinstance(key, ast.Name) and isinstance(value, str) and _secret_rule(key.id, value):
        return None  # `jwt.encode(claims, SECRET_KEY)`: reported once, where SECRET_KEY gets its literal
    return key


@rule(
    id="hardcoded-cryptographic-key",
    tests=False,
    name="Hard-coded cryptographic or signing key",
    cwe="321",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=_SECRET_NODES,
    fix="Load keys at run time (os.environ['SECRET_KEY'], a key management service or a mounted secret "
    "file) and rotate the key that was committed.",
)
def hardcoded_cryptographic_key(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Finds a string literal assigned to a signing or encryption key
    (`SECRET_KEY = "..."`, `app.secret_key = "..."`, `jwt_secret = "..."`),
    skipping placeholders and test code, and any literal passed where a
    crypto, JWT, HMAC or signing API takes its key
    (`jwt.encode(claims, "s3cret")`, `Fernet(b"...")`, `hmac.new(b"...")`).

    ## Why is this bad
    Whoever has the key can forge sessions, tokens and signed cookies or
    decrypt data, and everyone with access to the code has it (CWE-321).

    ## Example
    ```python
    SECRET_KEY = "k3J9x!vQ2m#Lw8zR5tY0"
    ```

    ## Use instead
    ```python
    SECRET_KEY = os.environ["SECRET_KEY"]
    ```
    """
    key = _literal_key(ctx, node)
    if key is not None and not in_tests(ctx):
        ctx.report(node, f"{ctx.call_name(node)}() is given the literal key `{ast.unparse(key)[:40]}`; anyone "
                   "with the code can sign or decrypt with it.", confidence=Confidence.HIGH)
        return
    _report_named_secrets(node, ctx)


_MENTIONS_FORMAT_MARKER = mention_gate(*_FORMAT_MARKERS)

@rule(
    id="hardcoded-credential",
    name="Hard-coded API key, token or secret",
    cwe="798",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(*_SECRET_NODES, ast.Module),
    fix="Move the credential to the environment or a secret store, read it at run time, and revoke the "
    "committed one: it stays in the repository history.",
)
def hardcoded_credential(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Finds API keys, tokens and client secrets written into the code: string
    literals given to such names, and literals in well-known credential
    formats whatever they are called (AWS access key ids, private key PEM
    blocks, GitHub, Slack, Stripe and Google API keys). Placeholders and
    values in test code are not reported, except known formats.

    ## Why is this bad
    The credential is readable by everyone with the code and stays in the
    repository's history after it is removed; attackers scan public
    repositories for these formats within minutes (CWE-798).

    ## Example
    ```python
    client = boto3.client("s3", aws_access_key_id="AKIA2E0A8F3B244C9986")
    ```

    ## Use instead
    ```python
    client = boto3.client("s3")  # credentials from the environment or an IAM role
    ```
    """
    if isinstance(node, ast.Module):
        if not _MENTIONS_FORMAT_MARKER(ctx):  # rare: reading all literals costs less than ruling them out
            return
        for literal in string_literals(node):
            description = known_secret_format(literal.value)
            if description is None or (description == "a private key" and in_tests(ctx)):
                continue  # private keys in tests are generated fixtures
            ctx.report(literal, f"this literal contains {description}; it is exposed to everyone who can read "
                       "the code and its history.", confidence=Confidence.HIGH)
        return
    _report_named_secrets(node, ctx)


# -- permissions ----------------------------------------------------------------

_STAT_BITS = {name: getattr(stat, name) for name in dir(stat) if name.startswith("S_I") and name[3:4] in "RWX"}


def _mode(ctx: Context, node: ast.expr | None) -> int | None:
    """A permission mode written as an int, `stat.S_I*` names or `|`/`+` of them."""
    if node is None:
        return None
    value = ctx.constant_value(node)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    name = ctx.qualname(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if name and name.startswith("stat.") and name[5:] in _STAT_BITS:
        return _STAT_BITS[name[5:]]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        left, right = _mode(ctx, node.left), _mode(ctx, node.right)
        if left is not None and right is not None:
            return left | right
    return None


_MENTIONS_PERMISSIONS = mention_gate("chmod", "umask")

@rule(
    id="world-writable-permissions",
    tests=False,
    name="File made writable by every user",
    cwe="732",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=("os.chmod", "os.fchmod", "os.lchmod", "os.umask"),
    methods=("chmod",),
    bandit=("B103",),
    fix="Grant the owner (and at most the group) what it needs: os.chmod(path, 0o600) for secrets, "
    "0o644 or 0o755 for shared read-only files; keep the umask at 0o022 or stricter.",
)
def world_writable_permissions(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `os.chmod`, `os.fchmod`, `Path.chmod` and `os.umask` calls whose
    mode lets every local user write (the `o+w` bit, e.g. `0o777`, `0o666`,
    `stat.S_IWOTH`), outside tests. Modes given to `os.open`, `os.mkdir` and
    `os.makedirs` are not reported: the process umask still applies to them.

    ## Why is this bad
    Any local user or compromised service can then replace the file's
    contents: a script that is later executed, a configuration that is
    trusted, a socket or a directory others write into (CWE-732). `chmod`
    ignores the umask, so the mode is exactly what the code says.

    ## Example
    ```python
    os.chmod("/var/run/app.sock", 0o777)
    ```

    ## Use instead
    ```python
    os.chmod("/var/run/app.sock", 0o660)  # owner and group only
    ```
    """
    if not _MENTIONS_PERMISSIONS(ctx):
        return
    location = ctx.location(node)
    if in_tests(ctx) or any(f.rule_id == "world-writable-permissions" and f.location == location for f in ctx.findings):
        return  # `os.chmod` reaches this check both as a call and as a method named chmod
    name = ctx.call_name(node) or ""
    if name == "os.umask":
        mask = _mode(ctx, argument(node, 0, "mask"))
        # `old = os.umask(0); os.umask(old)` is how the current umask is read, not a setting.
        if mask is not None and not mask & 0o002 and isinstance(ctx.parent, ast.Expr):
            ctx.report(node, f"os.umask({oct(mask)}) leaves new files and directories writable by every "
                       "user.")
        return
    if name in ("os.chmod", "os.fchmod", "os.lchmod"):
        mode_node = argument(node, 1, "mode")
    elif isinstance(node.func, ast.Attribute) and node.func.attr == "chmod" and not name.startswith("os."):
        mode_node = argument(node, 0, "mode") if len(node.args) <= 1 else None
    else:
        return
    mode = _mode(ctx, mode_node)
    if mode is None or not mode & stat.S_IWOTH:
        return
    ctx.report(node, f"mode {oct(mode)} lets every local user write to "
               f"{ast.unparse(node.args[0]) if name.startswith('os.') and node.args else 'the file'}.")


# -- objects reached by id without an ownership check --------------------------

_AUTHZ_TEXT = re.compile(
    r"request\.user|current_user|\bg\.user|\.user\b|user_id|\bowner|author|has_perm|permission|is_staff|"
    r"is_superuser|is_admin|tenant|created_by|check_object|user_passes_test|staff_member|admin_required|"
    r"roles?_required|can_(edit|delete|change|modify|manage)|authori[sz]",
    re.IGNORECASE)
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_view"})


def _is_view(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if "request" in parameter_names(function):
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _ROUTE_DECORATORS:
            return True
        if isinstance(target, ast.Name) and target.id in _ROUTE_DECORATORS:
            return True
    return False


def _fetch_by_key(ctx: Context, call: ast.expr, params: set[str]) -> str | None:
    """The model spelled in `Model.objects.get(pk=...)`-like lookups keyed by a view argument."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    keys: list[ast.expr] = [kw.value for kw in call.keywords if kw.arg in ("pk", "id", "uuid", "slug")]
    model = ""
    if isinstance(func, ast.Attribute) and func.attr == "get" and name_of(func.value) == "objects":
        model = ast.unparse(func.value)
    elif (ctx.qualname(func) or name_of(func)).endswith("get_object_or_404") and call.args:
        model = ast.unparse(call.args[0])
    elif isinstance(func, ast.Attribute) and func.attr in ("get", "get_or_404") and name_of(func.value) == "query":
        model = ast.unparse(func.value)
        keys.extend(call.args[:1])
    elif (isinstance(func, ast.Attribute) and func.attr == "get" and name_of(func.value) == "session"
          and len(call.args) == 2):
        model = ast.unparse(call.args[0])
        keys.append(call.args[1])
    if not model or not keys:
        return None
    for key in keys:
        for sub in ast.walk(key):
            if isinstance(sub, ast.Name) and (sub.id in params or sub.id == "request"):
                return model
    return None


def _mutation_of(node: ast.AST, target: str) -> str | None:
    """`obj.delete()`, `obj.save()`, `db.session.delete(obj)` on the fetched object."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    attr = node.func.attr
    if attr in ("delete", "save") and isinstance(node.func.value, ast.Name) and node.func.value.id == target:
        return attr
    if attr == "delete" and name_of(node.func.value) == "session" and node.args:
        first = node.args[0]
        if isinstance(first, ast.Name) and first.id == target:
            return attr
    return None


_AUTHORISING_MEMBERS = frozenset({"permission_required", "permission_classes", "test_func", "has_permission",
                                  "get_permission_required", "has_object_permission"})


def _class_authorises(ctx: Context, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The view class around a method checks permissions before the method runs.

    Django's PermissionRequiredMixin (with `permission_required`) and UserPassesTestMixin (with
    `test_func`) refuse the request in `dispatch`; DRF checks `permission_classes`. That is the
    decorator `@permission_required` written on the class, so it counts the same; LoginRequiredMixin
    alone, like `@login_required`, proves who the user is, not what they may change.
    """
    if not ctx.classes or not any(stmt is function for stmt in ctx.classes[-1].body):
        return False
    cls = ctx.classes[-1]
    if any(re.search(r"PermissionRequired|UserPassesTest|PermissionMixin", ast.unparse(base)) for base in cls.bases):
        return True
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _AUTHORISING_MEMBERS:
            return True
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
                name_of(t) in _AUTHORISING_MEMBERS for t in (stmt.targets if isinstance(stmt, ast.Assign) else
                                                             [stmt.target])):
            return True
    return False


@rule(
    id="object-access-without-authorisation",
    tests=False,
    name="Object fetched by id and changed with no ownership or permission check",
    cwe="639",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
    fix="Scope the lookup to what the user may touch (get_object_or_404(Document, pk=pk, "
    "owner=request.user)), or check before acting: if not request.user.has_perm('app.delete_document', doc): "
    "raise PermissionDenied.",
)
def object_access_without_authorisation(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds Django and Flask views that fetch an object by a key taken from the
    URL or the request (`Model.objects.get(pk=pk)`,
    `get_object_or_404(Model, pk=pk)`, `Model.query.get_or_404(id)`,
    `db.session.get(Model, id)`) and then delete or save it, without any
    reference to the current user, an owner, a permission or a
    permission-checking decorator, or a view class that checks permissions
    before its methods run (PermissionRequiredMixin, UserPassesTestMixin,
    DRF `permission_classes`). `@login_required` alone is not a check:
    it proves who the user is, not that the object is theirs.

    ## Why is this bad
    Any signed-in user (or anyone) can change or delete any other user's
    object by changing the id in the URL: an insecure direct object
    reference (CWE-639).

    ## Example
    ```python
    @login_required
    def delete_invoice(request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        invoice.delete()
    ```

    ## Use instead
    ```python
    @login_required
    def delete_invoice(request, pk):
        invoice = get_object_or_404(Invoice, pk=pk, owner=request.user)
        invoice.delete()
    ```
    """
    if not _MENTIONS_WRITES(ctx):
        return
    if not _is_view(node) or in_tests(ctx):
        return
    params = set(parameter_names(node))
    fetched: dict[str, tuple[str, ast.stmt]] = {}
    acts: list[tuple[ast.Call, str, str]] = []
    involved: list[ast.AST] = []
    for sub in walk_body(node):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            model = _fetch_by_key(ctx, sub.value, params)
            if model:
                fetched[sub.targets[0].id] = (model, sub)
                involved.append(sub)
        if isinstance(sub, ast.Call):
            for target in fetched:
                action = _mutation_of(sub, target)
                if action:
                    acts.append((sub, target, action))
                    involved.append(sub)
    if not acts:
        return
    # What is left once the lookups' model names and the changes themselves are set aside
    # must mention the user, an owner or a permission somewhere.
    remaining = ast.unparse(node)
    for part in involved:
        text = ast.unparse(part)
        if isinstance(part, ast.Assign):
            remaining = remaining.replace(text, text.replace(fetched[name_of(part.targets[0])][0], ""))
        else:
            remaining = remaining.replace(text, "")
    if _AUTHZ_TEXT.search(remaining) or _class_authorises(ctx, node):
        return
    for call, target, action in acts:
        model = fetched[target][0]
        ctx.report(call, f"`{target}` ({model}) is looked up by a key the client chooses and then "
                   f"{'deleted' if action == 'delete' else 'saved'}, with no check that the current user "
                   "owns it or may change it.")


# -- session cookies readable by scripts ----------------------------------------

_SESSION_COOKIE = re.compile(r"sess|\bsid\b|auth|token|jwt|remember|login|access|refresh|identity", re.IGNORECASE)


def session_cookie_name(ctx: Context, call: ast.Call) -> str | None:
    """The name of a session-like cookie set by `response.set_cookie(name, ...)` (not CSRF cookies)."""
    name = ctx.constant_value(argument(call, 0, "key"))
    if not isinstance(name, str) or re.search(r"csrf|xsrf", name, re.IGNORECASE):
        return None
    return name if _SESSION_COOKIE.search(name) else None


@rule(
    id="cookie-without-httponly",
    tests=False,
    name="Session cookie readable by JavaScript",
    cwe="1004",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    methods=("set_cookie", "update", "from_mapping"),
    nodes=(ast.Assign,),
    fix="Set session and authentication cookies with httponly=True (and secure=True, samesite='Lax'); "
    "keep SESSION_COOKIE_HTTPONLY at its default, True.",
)
def cookie_without_httponly(node: ast.Call | ast.Assign, ctx: Context) -> None:
    """
    ## What it does
    Finds session, authentication and token cookies set with
    `response.set_cookie(...)` without `httponly=True` (Django, Flask and
    Starlette all default to `False`), and `SESSION_COOKIE_HTTPONLY = False`.
    CSRF cookies, which scripts are meant to read, are not reported.

    ## Why is this bad
    Any script on the page, including one injected through an XSS bug, can
    read the cookie and send the session to an attacker (CWE-1004).

    ## Example
    ```python
    response.set_cookie("session_token", token, secure=True)
    ```

    ## Use instead
    ```python
    response.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax")
    ```
    """
    if not _MENTIONS_HTTPONLY(ctx):
        return
    for setting, value, where in settings_written(node):
        if setting == "SESSION_COOKIE_HTTPONLY" and is_false(value) and not test_context_named(ctx):
            ctx.report(where, "SESSION_COOKIE_HTTPONLY = False lets page scripts read the session cookie.",
                       confidence=Confidence.HIGH)
    if isinstance(node, ast.Assign) or node.func.attr != "set_cookie":  # type: ignore[union-attr]
        return
    name = session_cookie_name(ctx, node)
    if name is None or in_tests(ctx):
        return
    flag = keyword(node, "httponly")
    if flag is None:
        ctx.report(node, f"cookie `{name}` is set without httponly=True, so page scripts can read it.")
    elif is_false(flag.value):
        ctx.report(node, f"cookie `{name}` is set with httponly=False, so page scripts can read it.",
                   confidence=Confidence.HIGH)
