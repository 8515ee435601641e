"""CWE-284 Improper Access Control: credentials in the code (passwords, keys, tokens, credentials in URLs).

A literal is a secret by the name it is bound to, a known token format, or its entropy; placeholders,
file names and password hashes are not."""

from __future__ import annotations

import ast
import math
import re
from typing import Final, cast

from secreview.analysis.hosts import reaches_this_machine
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, rule
from secreview.rules.heuristics import (
    SENSITIVE,
    in_tests,
    mention_gate,
    module_nodes,
    name_of,
)
from secreview.rules.literals import literal_may_contain

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


_ENVIRONMENT_LOOKUPS: Final = frozenset({"os.environ.get", "os.getenv"})
Secret = tuple[str, str, str, ast.AST]  # (rule id, name, literal text, where to report)


class _LastSecrets:
    """The three secret rules run one after another on the same node: the first to ask works out
    which rule each name-to-literal pairing there belongs to, the other two read the answer."""

    def __init__(self) -> None:
        self.node: ast.AST | None = None
        self.secrets: tuple[Secret, ...] = ()


_LAST_SECRETS: Final = _LastSecrets()


def _secrets_at(node: ast.AST, ctx: Context) -> tuple[Secret, ...]:
    """(rule id, name, literal text, where to report) for every pairing at `node` a secret rule reports."""
    last = _LAST_SECRETS
    if last.node is not node:
        found: tuple[Secret, ...] = ()
        pairs = _pairs_at(node, ctx)
        if pairs:
            found = tuple((rule_id, name, value, where) for name, value, where in pairs
                          if (rule_id := _secret_rule(name, value)) is not None)
        last.node, last.secrets = node, found
    return last.secrets


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
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg and isinstance(kw.value, ast.Constant):
                value = _string(kw.value)
                if value is not None:
                    pairs.append((kw.arg, value, node))
            elif kw.arg and kw.value.__class__ is ast.Name:
                value = _bound_literal(ctx, kw.value)
                if value is not None:
                    pairs.append((f"{kw.arg}={kw.value.id}", value, node))
        args, func = node.args, node.func
        # A qualified name ends with the attribute's own name: only `.get` and `.getenv` can be these.
        if (len(args) == 2 and isinstance(args[1], ast.Constant)
                and (func.__class__ is not ast.Attribute or func.attr in ("get", "getenv"))):
            value = _string(args[1])
            if value is not None and ctx.call_name(node) in _ENVIRONMENT_LOOKUPS:
                pairs.append((str(ctx.constant_value(args[0])), value, node))
    elif isinstance(node, ast.Assign):
        if isinstance(node.value, ast.Constant):
            value = _string(node.value)
            if value is not None:
                for target in node.targets:
                    pairs.append((name_of(target), value, node))
    elif isinstance(node, ast.Dict):
        for key, value_node in zip(node.keys, node.values):
            if isinstance(value_node, ast.Constant) and isinstance(key, ast.Constant):
                key_text = _string(key)
                value = _string(value_node)
                if key_text is not None and value is not None:
                    pairs.append((key_text, value, value_node))
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parameters = node.args
        if parameters.defaults:
            positional = [*parameters.posonlyargs, *parameters.args]
            for arg, default in zip(positional[len(positional) - len(parameters.defaults):], parameters.defaults):
                value = _string(default)
                if value is not None:
                    pairs.append((arg.arg, value, default))
        for arg, keyword_default in zip(parameters.kwonlyargs, parameters.kw_defaults):
            if keyword_default is None:
                continue
            value = _string(keyword_default)
            if value is not None:
                pairs.append((arg.arg, value, keyword_default))
    elif isinstance(node, ast.AnnAssign):
        if node.value is not None:
            value = _string(node.value)
            if value is not None:
                pairs.append((name_of(node.target), value, node))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        # Only passwords: comparing a token or key name with a literal is usually parsing.
        left, right = node.left, node.comparators[0]
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
    secrets = _LAST_SECRETS.secrets if _LAST_SECRETS.node is node else _secrets_at(node, ctx)
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
            value = cast(str, literal.value)  # string_literals: str constants only
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


def _literal_key(ctx: Context, node: ast.Call) -> ast.expr | None:
    """The literal (or name bound only to a literal) in the key position of a crypto call."""
    if not _MENTIONS_KEY_APIS(ctx):
        return None
    spec = _KEY_ARGUMENTS.get(ctx.call_name(node) or "")
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
    if isinstance(node, ast.Call):
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
            description = known_secret_format(cast(str, literal.value))
            if description is None or (description == "a private key" and in_tests(ctx)):
                continue  # private keys in tests are generated fixtures
            ctx.report(literal, f"this literal contains {description}; it is exposed to everyone who can read "
                       "the code and its history.", confidence=Confidence.HIGH)
        return
    _report_named_secrets(node, ctx)


# -- permissions ----------------------------------------------------------------
