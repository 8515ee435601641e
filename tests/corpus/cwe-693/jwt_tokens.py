"""JWTs decoded without verification (CWE-347)."""
import jwt
from jose import jwt as jose_jwt


def current_user(token):
    # ruleid: jwt-signature-not-verified
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]


def current_user_legacy(token, key):
    # ruleid: jwt-signature-not-verified
    return jwt.decode(token, key, verify=False)


def accept_none(token, key):
    # ruleid: jwt-signature-not-verified
    return jwt.decode(token, key, algorithms=["HS256", "none"])


def header_alg(token, key):
    header = jwt.get_unverified_header(token)
    # ruleid: jwt-signature-not-verified
    return jwt.decode(token, key, algorithms=[header["alg"]])


def jose_any_alg(token, key):
    # ruleid: jwt-signature-not-verified
    return jose_jwt.decode(token, key)


def verified(token, public_key):
    # ok: jwt-signature-not-verified
    return jwt.decode(token, public_key, algorithms=["RS256"], audience="my-api")


def jose_pinned(token, key):
    # ok: jwt-signature-not-verified
    return jose_jwt.decode(token, key, algorithms=["RS256"])


def pick_issuer_key(token, keys):
    # ok: jwt-signature-not-verified
    unverified = jwt.decode(token, options={"verify_signature": False})
    key = keys[unverified["iss"]]
    return jwt.decode(token, key, algorithms=["RS256"])
