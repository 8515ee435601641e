"""Secrets compared in variable time (CWE-208), judged by where the secret was made, not its name."""
import hashlib
import hmac
import os
import secrets

WEBHOOK_KEY = os.environ.get("WEBHOOK_KEY", "").encode()


def expected_signature(body):
    return hmac.new(WEBHOOK_KEY, body, hashlib.sha256).hexdigest()


def check_webhook(request):
    provided = request.headers["X-Signature"]
    # ruleid: timing-unsafe-comparison
    if expected_signature(request.data) != provided:
        return False
    # ok: timing-unsafe-comparison
    return hmac.compare_digest(expected_signature(request.data), provided)


def check_body(key, body, provided):
    # ruleid: timing-unsafe-comparison
    return hmac.new(key, body, "sha256").hexdigest() == provided


class OneTimeCode:
    def __init__(self):
        self.code = secrets.token_hex(4)

    def matches(self, typed):
        # ruleid: timing-unsafe-comparison
        return typed == self.code

    def matches_safely(self, typed):
        # ok: timing-unsafe-comparison
        return secrets.compare_digest(typed, self.code)


def check_api_key(api_key, stored):
    # Names alone are no evidence: where either value comes from is unknown here.
    # ok: timing-unsafe-comparison
    return api_key != stored


def token_shape(token):
    # ok: timing-unsafe-comparison
    if len(token) == 32:
        return True
    # ok: timing-unsafe-comparison
    return token == ""


def passwords_match(password1, password2):
    # ok: timing-unsafe-comparison
    return password1 == password2


def proxy_path(path):
    token_loc = path.find("token=")
    # ok: timing-unsafe-comparison
    if token_loc != -1:
        return path[token_loc:]
    return None


def same_port(device, vif):
    # ok: timing-unsafe-comparison
    return device.mac == vif.address


def cache_entry_valid(entry, digest_size):
    # ok: timing-unsafe-comparison
    return len(entry) == digest_size


def same_file(path, known_digest):
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    # A content hash of a local file is no secret: an integrity check, not an authenticity one.
    # ok: timing-unsafe-comparison
    return digest == known_digest


def fresh_token_is_not_empty():
    token = secrets.token_urlsafe(16)
    # ok: timing-unsafe-comparison
    return token != ""


def confirm_new_password():
    import getpass
    password = getpass.getpass()
    again = getpass.getpass("Password (again): ")
    # The user types the same secret twice: no guess of an attacker's is compared.
    # ok: timing-unsafe-comparison
    return password == again


def _typed(prompt="Password: "):
    import getpass
    return getpass.getpass(prompt)


def change_password():
    first = _typed()
    second = _typed("Password (again): ")
    # ok: timing-unsafe-comparison
    return first != second
