"""CWE-284 Improper Access Control: credentials in the code (passwords, keys, tokens, credentials in URLs).

The three rules are flow rules first: a literal that reaches a credential parameter is reported where
it is written, with the use cited (`secreview.analysis.credentials`, `rules/specs/credentials.toml`).
What the pattern side adds is evidence the flow cannot see: a known token format, a password inside a
connection URL, a literal compared with a password, a literal given to a call parameter named for a
credential, and Django settings modules (which Django itself reads). A literal that is only *named*
like a secret and whose use the flow did not see is reported at low confidence, and says so.
Placeholders, file names and password hashes are never secrets (`analysis.credential_values`)."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from secreview.analysis.credential_values import (
    FORMAT_MARKERS,
    FORMAT_NEEDLES,
    known_secret_format,
    literal_text,
    looks_like_placeholder,
    shannon_entropy,
)
from secreview.analysis.hosts import reaches_this_machine
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, rule
from secreview.rules.heuristics import (
    in_tests,
    mention_gate,
    module_nodes,
    name_of,
)
from secreview.rules.literals import literal_lines, literals_on_lines

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
# A name none of the three rules reads as a secret's: most pairings, ruled out by one search.
_ANY_SECRET_NAME = re.compile("|".join(p.pattern for p in (_PASSWORD_NAME, _KEY_NAME, _TOKEN_NAME)), re.IGNORECASE)


@lru_cache(maxsize=4096)
def _may_name_secret(name: str) -> bool:
    """Whether some secret rule may read `name` as a secret's: asked of every name paired with a literal,
    before the literal is read, and the same names (`name=`, `id`, `"type"`) come back all the time."""
    return _ANY_SECRET_NAME.search(name) is not None


def _spells_name(name: str, value: str) -> bool:
    """The value is its own name respelled (`{"new_credentials": "NewCredentials"}`, an operation's
    label or an API field name): a label, whatever the name says it holds."""
    def letters(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.lower())
    return letters(value) == letters(name.rsplit(".", 1)[-1])


# A camel-cased name that ends with what it labels (`SecretId`, `TokenName`, `ApiKeyArn`: API fields).
_CAMEL_LABEL = re.compile(r"[a-z](Id|Ids|Name|Names|Arn|Path|Url|Uri|Type|Field|Label)$")


def _secret_rule(name: str, value: str) -> str | None:
    """Which hard-coded-secret rule a `name = "value"` pair belongs to, if any (`name` may name a secret)."""
    if _NOT_A_SECRET_NAME.search(name) or _CAMEL_LABEL.search(name) or known_secret_format(value):
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
    return literal_text(node.value) if isinstance(node, ast.Constant) else None


Pairing = tuple[str, str, ast.AST, bool]  # (name, literal text, where to report, whether the pairing is itself a use)
Secret = tuple[str, str, str, ast.AST, bool]  # (rule id, name, literal text, where to report, used)


class _PerFile:
    """What the secret rules ask once per node or per file, kept for the next question.

    The three secret rules run one after another on the same node: the first to ask works out
    which rule each name-to-literal pairing there belongs to (none, at nearly every node), the
    other two read the answer.
    The file-level answers are keyed by the file's context (one file is walked at a time).
    """

    def __init__(self) -> None:
        self.node: ast.AST | None = None
        self.secrets: tuple[Secret, ...] = ()
        self.named_ctx: Context | None = None
        self.named: frozenset[str] = frozenset()
        self.settings_ctx: Context | None = None
        self.settings: bool = False


_LAST = _PerFile()


def _secrets_at(node: ast.AST, ctx: Context) -> tuple[Secret, ...]:
    """(rule id, name, literal text, where to report, used) for every pairing at `node` a secret rule reports."""
    pairs = _pairs_at(node, ctx)
    if not pairs:
        return ()
    return tuple((rule_id, name, value, where, used) for name, value, where, used in pairs
                 if (rule_id := _secret_rule(name, value)) is not None)


def _pairs_at(node: ast.AST, ctx: Context) -> list[Pairing]:
    """The name-to-string-literal pairings at `node` whose name may be a secret's (`_may_name_secret`).

    A pairing is itself a use when the literal is given to a call parameter of that name or
    compared with a password; a name it is stored in says only what it may be for. Only
    pairings with a literal value: nothing else can be reported, and most nodes have none,
    so each branch looks for a literal before anything else, then at the name.
    """
    pairs: list[Pairing] = []
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            name = kw.arg
            if name and isinstance(kw.value, ast.Constant) and _may_name_secret(name):
                value = _string(kw.value)
                if value is not None:  # (at the literal, where the flow reports the same one)
                    pairs.append((name, value, kw.value, True))
        call_args, func = node.args, node.func
        # A qualified name ends with the attribute's own name: only `.get` and `.getenv` can be these.
        if (len(call_args) == 2 and isinstance(call_args[1], ast.Constant)
                and (not isinstance(func, ast.Attribute) or func.attr in ("get", "getenv"))):
            value = _string(call_args[1])
            if value is not None and ctx.call_name(node) in ("os.environ.get", "os.getenv"):
                name = str(ctx.constant_value(call_args[0]))
                if _may_name_secret(name):
                    pairs.append((name, value, call_args[1], False))
    elif isinstance(node, ast.Assign):
        if isinstance(node.value, ast.Constant):
            value = _string(node.value)
            if value is not None:
                for target in node.targets:
                    name = name_of(target)
                    if _may_name_secret(name):
                        pairs.append((name, value, node, False))
    elif isinstance(node, ast.Dict):
        for key, value_node in zip(node.keys, node.values):
            if isinstance(value_node, ast.Constant) and isinstance(key, ast.Constant):
                key_text = _string(key)
                if key_text is not None and _may_name_secret(key_text):
                    value = _string(value_node)
                    if value is not None:
                        pairs.append((key_text, value, value_node, False))
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = node.args
        if args.defaults:
            positional = [*args.posonlyargs, *args.args]
            for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
                if _may_name_secret(arg.arg):
                    value = _string(default)
                    if value is not None:
                        pairs.append((arg.arg, value, default, False))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
            if kw_default is not None and _may_name_secret(arg.arg):
                value = _string(kw_default)
                if value is not None:
                    pairs.append((arg.arg, value, kw_default, False))
    elif isinstance(node, ast.AnnAssign):
        if node.value is not None:
            value = _string(node.value)
            name = name_of(node.target)
            if value is not None and _may_name_secret(name):
                pairs.append((name, value, node, False))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        # Only passwords: comparing a token or key name with a literal is usually parsing.
        left, right = node.left, node.comparators[0]
        for named, literal in ((left, right), (right, left)):
            value = _string(literal)
            if value is not None and _PASSWORD_NAME.search(name_of(named)):
                pairs.append((name_of(named), value, node, True))  # a hard-coded password check
    return pairs


str_literal = tuple[ast.Constant, str]  # a string literal and its text

_SECRET_NODES = (ast.Assign, ast.AnnAssign, ast.Call, ast.Dict, ast.FunctionDef, ast.AsyncFunctionDef, ast.Compare)


def string_literals(module: ast.Module, lines: list[int] | None) -> list[str_literal]:
    """The string literals of a module, with their text, for checks that read literal text wherever it is:
    those of the statements on `lines` (`literal_lines`: where a literal may hold what the check looks for),
    or every one (None)."""
    if lines is not None:
        return literals_on_lines(module, lines)
    return [(n, n.value) for n in module_nodes(module) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


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

def _report_named_secrets(node: ast.AST, ctx: Context) -> None:
    last = _LAST
    if last.node is not node:  # the first of the three rules at this node: the answer for all of them
        last.node, last.secrets = node, ()
        node_type = node.__class__
        # Most nodes cannot pair a name with a literal (`_pairs_at`): a call with no keyword given a
        # literal and no literal second argument, an assignment of anything but a literal. Asked first,
        # inline: these are about two thirds of the nodes the three rules see.
        if node_type is ast.Call:
            if len(node.args) != 2 or node.args[1].__class__ is not ast.Constant:  # type: ignore[attr-defined]
                for keyword in node.keywords:  # type: ignore[attr-defined]
                    if keyword.value.__class__ is ast.Constant:
                        break
                else:
                    return
        elif node_type is ast.Assign and node.value.__class__ is not ast.Constant:  # type: ignore[attr-defined]
            return
        last.secrets = _secrets_at(node, ctx)
    secrets = last.secrets
    if not secrets:
        return  # nearly every node
    if last.named_ctx is not ctx:  # (the rules some name word of which the file's text holds: one answer per file)
        last.named_ctx = ctx
        last.named = frozenset(rule_id for rule_id, words in _NAME_WORDS.items() if ctx.mentions_any(words))
    assert ctx.rule is not None
    rule_id = ctx.rule.id
    if rule_id not in last.named:
        return  # no name in this file says it holds one
    mine = [found for found in secrets if found[0] == rule_id]
    if not mine or in_tests(ctx):
        return  # no literal of this rule here, or test code
    kind = _SECRET_MESSAGES[rule_id]
    for _, name, value, where, used in mine:
        if used or _django_settings(ctx):
            strong = len(value) >= 12 and shannon_entropy(value) >= 3.5
            place = "in a Django settings module, which Django reads at start-up" if not used else "in the source"
            ctx.report(where, f"`{name}` is set to a literal that looks like {kind} {place}; anyone who can "
                       "read the code or its history has it.",
                       confidence=Confidence.HIGH if strong else Confidence.MEDIUM)
        else:
            ctx.report(where, f"`{name}` is set to a literal that looks like {kind}, judged by its name alone: its "
                       "use as a credential was not seen (no flow from it to a connection, login, signing or client "
                       "parameter). If it is one, anyone who can read the code or its history has it.",
                       confidence=Confidence.LOW)


# Settings Django reads from the module named by DJANGO_SETTINGS_MODULE: a module that sets several
# is a settings module, and its SECRET_KEY and DATABASES passwords are in use without a call to see.
_DJANGO_SETTINGS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "DATABASES", "WSGI_APPLICATION",
                              "ALLOWED_HOSTS", "TEMPLATES", "AUTH_PASSWORD_VALIDATORS"})


def _django_settings(ctx: Context) -> bool:
    """The file is a Django settings module: at least two of Django's settings assigned at its top level
    (asked once per file)."""
    last = _LAST
    if last.settings_ctx is not ctx:
        names = {target.id for stmt in ctx.tree.body if isinstance(stmt, ast.Assign)
                 for target in stmt.targets if isinstance(target, ast.Name)}
        last.settings_ctx, last.settings = ctx, len(names & _DJANGO_SETTINGS) >= 2
    return last.settings


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


_CONNECTION_WORDS = ("://", "password=", "PASSWORD=")
_MENTIONS_CONNECTION_PASSWORD = mention_gate(*_CONNECTION_WORDS)

# Each rule reports a pairing only in a file with one of its name words (`_NAME_GATES`) and the pattern
# cases only in a file with one of their words: other files leave the rule out of the walk (`Rule.mentions`).

@rule(
    id="hardcoded-password",
    tests=False,
    name="Hard-coded password",
    cwe="259",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(*_SECRET_NODES, ast.Module),
    mentions=(*_NAME_WORDS["hardcoded-password"], *_CONNECTION_WORDS),
    bandit=("B105", "B106", "B107"),
    fix="Read the password at run time from the environment or a secret store "
    "(os.environ['DB_PASSWORD'], a mounted secret file, Vault), and rotate the one in the code.",
)
def hardcoded_password(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Follows string literals to the parameters that take a password (a DB or
    cache driver's `password=`/`passwd=`, `SMTP.login`, `FTP.login`,
    `IMAP4.login`, an LDAP `simple_bind_s`, basic-auth objects,
    `user.set_password`), through names, module constants imported by
    other modules (`from settings import DB_PASSWORD`), class attributes,
    default arguments and environment-lookup fallbacks, and reports the
    literal where it is written, citing the use. Also finds passwords inside
    connection URLs and DSNs (`"postgresql://app:...@db.internal/app"`,
    `"host=db password=..."`), a password compared with a literal
    (`if pwd == "..."`), and literals given to a call parameter named for a
    password. Placeholders (`"changeme"`, `"xxx"`, `""`, `"${PASSWORD}"`,
    `"<password>"`, templates, environment variable names), stored password
    hashes (`"$2b$12$..."`, `"pbkdf2_sha256$..."`: what a user table holds),
    local development databases (`postgres:postgres@localhost`) and test
    code are not reported.

    Evidence needed for a finding at normal confidence: a flow from the
    literal to a credential parameter (the finding cites that use), or one of
    the pattern cases above. A literal only *named* like one
    (`ADMIN_PASSWORD = "..."` never used, a dict entry, a default of a
    function that passes it nowhere the flow follows) is reported at low
    confidence, saying its use was not seen; a Django settings module keeps
    its confidence (Django reads the module itself).

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
        lines = literal_lines(ctx.source, _CONNECTION_NEEDLES, ignore_case=True)
        if lines == []:
            return  # the file mentions them only in comments: no literal to walk the tree for
        for literal, value in string_literals(node, lines):
            if ("://" in value or "password=" in value.lower()) and _embedded_password(value) is not None:
                ctx.report(literal, "this connection string carries a password in the source; anyone who can "
                           "read the code or its history can log in.")
        return
    _report_named_secrets(node, ctx)


@rule(
    id="hardcoded-cryptographic-key",
    tests=False,
    name="Hard-coded cryptographic or signing key",
    cwe="321",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=_SECRET_NODES,
    mentions=_NAME_WORDS["hardcoded-cryptographic-key"],
    fix="Load keys at run time (os.environ['SECRET_KEY'], a key management service or a mounted secret "
    "file) and rotate the key that was committed.",
)
def hardcoded_cryptographic_key(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Follows string and bytes literals to where a key is used: the key of
    `hmac.new`, `Fernet`, `AES.new` and the `cryptography` ciphers, the
    signing key of `jwt.encode`/`decode` and the itsdangerous and Django
    signers, a `secret_key=`/`SECRET_KEY=` argument, Flask's
    `app.secret_key` and `app.config["SECRET_KEY"]` (through names, module
    constants imported elsewhere, class attributes, defaults and
    environment-lookup fallbacks such as `os.environ.get("KEY", "dev-...")`),
    and reports the literal where it is written, citing the use. A
    Django settings module's `SECRET_KEY = "..."` is reported as such.
    Placeholders and test code are not reported.

    The evidence is the use: a literal that no key parameter is seen to
    take (`jwt_secret = "..."` kept in a module nobody imports it from) is
    only named like a key, and is reported at low confidence with that said.

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
    _report_named_secrets(node, ctx)


_MENTIONS_FORMAT_MARKER = mention_gate(*FORMAT_MARKERS)

@rule(
    id="hardcoded-credential",
    name="Hard-coded API key, token or secret",
    cwe="798",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    nodes=(*_SECRET_NODES, ast.Module),
    mentions=(*_NAME_WORDS["hardcoded-credential"], *FORMAT_MARKERS),
    fix="Move the credential to the environment or a secret store, read it at run time, and revoke the "
    "committed one: it stays in the repository history.",
)
def hardcoded_credential(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Follows string literals to the parameters that take an API key, token or
    client secret (`token=`, `api_key=`, `client_secret=`, boto3's
    `aws_secret_access_key=` ...) through names, module constants imported
    elsewhere, class attributes, defaults and environment-lookup fallbacks,
    and reports the literal where it is written, citing the use. Also finds
    literals in well-known credential formats whatever they are called (AWS
    access key ids, private key PEM blocks, GitHub, Slack, Stripe and Google
    API keys). Placeholders and values in test code are not reported, except
    known formats.

    The evidence is the use: a token only stored under a name such as
    `client_secret` or `"api_key"`, with no call seen to take it, is reported
    at low confidence with that said; a known format needs no use.

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
        lines = literal_lines(ctx.source, FORMAT_NEEDLES) if _MENTIONS_FORMAT_MARKER(ctx) else []
        if lines == []:
            return  # no literal can hold a marker: the tree's literals need no walk
        for literal, value in string_literals(node, lines):
            description = known_secret_format(value)
            if description is None or (description == "a private key" and in_tests(ctx)):
                continue  # private keys in tests are generated fixtures
            ctx.report(literal, f"this literal contains {description}; it is exposed to everyone who can read "
                       "the code and its history.", confidence=Confidence.HIGH)
        return
    if ctx.is_test:
        return  # a named secret in a test module is its fixture (`_report_named_secrets` stops there): skip the pairing
    _report_named_secrets(node, ctx)


# -- permissions ----------------------------------------------------------------
