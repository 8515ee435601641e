"""Security check failures swallowed (CWE-390)."""
import jwt


def current_user(token, key):
    user = None
    try:
        user = jwt.decode(token, key, algorithms=["HS256"])
    # ruleid: security-exception-swallowed
    except Exception:
        pass
    return user


def is_valid(signature, payload, verifier):
    try:
        verifier.verify_signature(signature, payload)
    # ruleid: security-exception-swallowed
    except:  # noqa: E722
        return True
    return True


def current_user_strict(token, key):
    try:
        return jwt.decode(token, key, algorithms=["HS256"])
    # ok: security-exception-swallowed
    except jwt.InvalidTokenError:
        return None


def read_optional(path):
    try:
        with open(path) as handle:
            return handle.read()
    # ok: security-exception-swallowed
    except Exception:
        pass
    return ""
