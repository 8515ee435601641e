"""Session tokens for the billing dashboard."""
import jwt

from billing import settings


def issue(claims: dict) -> str:
    # ok: hardcoded-cryptographic-key
    return jwt.encode(claims, settings.JWT_KEY, algorithm="HS256")


def issue_strict(claims: dict) -> str:
    # ok: hardcoded-cryptographic-key
    return jwt.encode(claims, settings.JWT_KEY_STRICT, algorithm="HS256")
