"""Security check failures swallowed (CWE-390)."""
import ssl

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


def bundle_ca_certificates(pem_blocks):
    # Converting a PEM block to DER checks nothing: a malformed block in a CA directory is skipped,
    # and no certificate is trusted because of it.
    cadata = bytearray()
    for pem in pem_blocks:
        try:
            cadata += ssl.PEM_cert_to_DER_cert(pem)
        # ok: security-exception-swallowed
        except Exception:
            continue
    return cadata


def peer_checked(sock, host):
    ssl_context = ssl.create_default_context()
    try:
        return ssl_context.wrap_socket(sock, server_hostname=host)
    # ruleid: security-exception-swallowed
    except Exception:
        pass
    return sock
