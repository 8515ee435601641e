"""CWE-693 Protection Mechanism Failure: weak crypto and predictable secrets."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.heuristics import PASSWORD, SENSITIVE, mentions, sensitive_purpose

FAST_HASHES = (
    "hashlib.md5", "hashlib.sha1", "hashlib.sha224", "hashlib.sha256", "hashlib.sha384",
    "hashlib.sha512", "hashlib.sha3_256", "hashlib.sha3_512", "hashlib.blake2b", "hashlib.blake2s",
    "hashlib.new",
)
RANDOM_CALLS = (
    "random.random", "random.randint", "random.randrange", "random.choice", "random.choices",
    "random.sample", "random.getrandbits", "random.uniform", "random.randbytes",
    "numpy.random.randint", "numpy.random.choice", "numpy.random.bytes",
)


def _password_hint(node: ast.Call, ctx: Context) -> str | None:
    """The password-like name a hash call digests or stores into, if any."""
    if ctx.call_name(node) == "hashlib.new":
        data = argument(node, 1, "data")
    else:
        data = argument(node, 0, "string")
    return (mentions(data, PASSWORD) if data is not None else None) or sensitive_purpose(ctx, PASSWORD)


@rule(
    id="fast-hash-for-password",
    name="Password hashed with a fast digest",
    cwe="916",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=FAST_HASHES,
    bandit=("B303", "B324"),
    fix="Store passwords with a slow, salted KDF: hashlib.scrypt, hashlib.pbkdf2_hmac with at least "
    "600,000 iterations, argon2-cffi's PasswordHasher, or your framework's password hasher.",
)
def fast_hash_for_password(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds a password (by the names of the data hashed, the variable that
    receives the digest, or the enclosing function) hashed with a fast digest
    such as MD5, SHA-1 or SHA-256.

    ## Why is this bad
    Fast digests let an attacker who obtains the hashes try billions of
    guesses a second on a GPU; MD5 and SHA-1 are also broken (CWE-916).

    ## Example
    ```python
    record.pw_hash = hashlib.sha256(password.encode()).hexdigest()
    ```

    ## Use instead
    ```python
    record.pw_hash = argon2.PasswordHasher().hash(password)
    ```
    """
    if is_false(getattr(keyword(node, "usedforsecurity"), "value", None)):
        return
    hint = _password_hint(node, ctx)
    if hint is None:
        return
    name = ctx.call_name(node) or ""
    algorithm = name.rsplit(".", 1)[-1] if name != "hashlib.new" else "hashlib.new"
    ctx.report(node, f"`{hint}` is hashed with {algorithm}, a fast digest: stolen hashes can be "
               "brute-forced at billions of guesses per second.")


@rule(
    id="weak-hash-for-security",
    name="MD5 or SHA-1 used for a security purpose",
    cwe="328",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=("hashlib.md5", "hashlib.sha1", "hashlib.new", "hmac.new", "Crypto.Hash.MD5.new", "Crypto.Hash.SHA1.new"),
    bandit=("B303", "B324"),
    fix="Use SHA-256 or stronger (hashlib.sha256, hmac.new(key, msg, 'sha256')); if the digest is not "
    "security-relevant, say so with usedforsecurity=False.",
)
def weak_hash_for_security(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds MD5 and SHA-1 used for tokens, signatures, secrets or integrity
    checks (judged from the surrounding names), including `hmac.new` with an
    MD5/SHA-1 digestmod and `hashlib.new("md5")`.

    ## Why is this bad
    Collisions for both are practical; a signature or integrity check built
    on them can be forged (CWE-328). MD5 for a cache key is fine and is not
    reported.

    ## Example
    ```python
    signature = hashlib.md5(secret + payload).hexdigest()
    ```

    ## Use instead
    ```python
    signature = hmac.new(secret, payload, hashlib.sha256).hexdigest()
    ```
    """
    if is_false(getattr(keyword(node, "usedforsecurity"), "value", None)):
        return
    name = ctx.call_name(node) or ""
    if name == "hashlib.new":
        algo = ctx.constant_value(argument(node, 0, "name"))
        if not (isinstance(algo, str) and algo.lower() in ("md5", "sha1")):
            return
        algorithm = algo.lower()
        data = argument(node, 1, "data")
    elif name == "hmac.new":
        digestmod = argument(node, 2, "digestmod")
        digest_name = (ctx.qualname(digestmod) if digestmod is not None else None) or str(ctx.constant_value(digestmod))
        if not digest_name.lower().endswith(("md5", "sha1")):
            return
        algorithm = f"HMAC-{digest_name.rsplit('.', 1)[-1].upper()}"
        data = None
    else:
        algorithm = name.rsplit(".", 1)[-1].upper()
        data = argument(node, 0, "string")
    if name != "hmac.new" and _password_hint(node, ctx):
        return  # fast-hash-for-password reports this with the more specific CWE
    hint = (mentions(data, SENSITIVE) if data is not None else None) or sensitive_purpose(ctx)
    if name == "hmac.new":
        hint = hint or "an HMAC"
    if hint is None:
        return
    ctx.report(node, f"{algorithm} protects `{hint}`; collisions in {algorithm} are practical, so it can be forged.")


@rule(
    id="insecure-random-for-secret",
    name="random module used for a secret",
    cwe="338",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=RANDOM_CALLS,
    bandit=("B311",),
    fix="Use the secrets module: secrets.token_urlsafe(32), secrets.token_hex(16), "
    "secrets.choice(alphabet) or secrets.randbelow(n).",
)
def insecure_random_for_secret(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds values from `random` (a Mersenne Twister) that become tokens,
    passwords, salts, nonces, session ids or one-time codes, judged from the
    variable, keyword or function that receives them. `random` for a shuffle
    or a simulation is fine and is not reported.

    ## Why is this bad
    The generator's state can be recovered from 624 outputs, after which
    every past and future "secret" is known (CWE-338).

    ## Example
    ```python
    reset_token = "".join(random.choice(ALPHABET) for _ in range(32))
    ```

    ## Use instead
    ```python
    reset_token = secrets.token_urlsafe(32)
    ```
    """
    purpose = sensitive_purpose(ctx)
    if purpose is None:
        return
    ctx.report(node, f"{ctx.call_name(node)}() produces `{purpose}`, but the random module is predictable; "
               "an attacker who sees some outputs can compute the rest.")
