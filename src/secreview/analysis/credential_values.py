"""What a string literal is, judged from its text alone: a placeholder, a label, or possibly a credential.

Shared by the taint pass (which literals may start a hard-coded-credential flow,
`secreview.analysis.credentials`) and the pattern rules of CWE-259/321/798
(`rules.access_control`), so the two never disagree on what a placeholder is.
A value that passes here is only a *candidate*: the flow decides whether it is
a credential by where it goes.
"""

from __future__ import annotations

import math
import re

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

FORMAT_MARKERS = ("AKIA", "ASIA", "PRIVATE KEY", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox",
                  "_live_", "AIza")
# Text that every match of a `_KNOWN_FORMATS` pattern contains: a file none of whose literals can hold one
# of these has no known format to look for (`_live_` alone is in every `is_live_migration`).
FORMAT_NEEDLES = ("AKIA", "ASIA", "PRIVATE KEY", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox",
                  "sk_live_", "rk_live_", "AIza")


def known_secret_format(value: str) -> str | None:
    """What `value` is when it contains a credential in a recognisable format."""
    if len(value) < 20 or not any(marker in value for marker in FORMAT_MARKERS) or "EXAMPLE" in value.upper():
        return None
    for description, pattern in _KNOWN_FORMATS:
        if pattern.search(value):
            return description
    return None


_FORMAT_FIELD = re.compile(r"%[-#0 +]*\d*[sdrx]|%\(\w+\)|\{[\w.]*(![rsa])?(:[^{}]*)?\}")
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
    if re.fullmatch(r"[a-z]+([_.\-][a-z]+)*", text) and _sensitive_name(text):
        return True  # a field or setting name such as "new_password" or "api-key"
    if "(?:" in text or "[^" in text:
        return True  # a regular expression (`qtoken = '(?:"[^"]+"|\\w+)'`): a token's *shape*
    if ("%" in text or "{" in text) and _FORMAT_FIELD.search(text):
        return True  # a template the value is put into (`"user=%s"`, `"{password}"`), not the value
    return bool(_PASSWORD_HASH.match(text))


# A stored password *hash* (bcrypt, argon2, crypt(3), passlib/Django formats) logs nobody in: it is
# what a user table holds, and a fixture's fake user table is full of them.
_PASSWORD_HASH = re.compile(r"\$(2[abxy]?|argon2(id|i|d)|[156]|pbkdf2(-sha\d+)?|scrypt)\$\S{20,}$|"
                            r"(pbkdf2_sha\d+|argon2|bcrypt(_sha256)?|scrypt)\$\S{20,}$")


def _sensitive_name(text: str) -> bool:
    """A field or setting name that mentions a secret (`new_password`, `api-key`): the rules' own words.

    Imported when asked: the rules package imports this module while it loads.
    """
    from secreview.rules.heuristics import SENSITIVE

    return SENSITIVE.search(text) is not None


def literal_text(value: object) -> str | None:
    """The text of a str or bytes literal (bytes read as Latin-1: every byte a character), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return None


def masked(text: str) -> str:
    """How a finding shows a credential: its first characters only (the report must not leak it again)."""
    return repr(text[:4] + "…") if len(text) > 6 else repr(text[:2] + "…")
