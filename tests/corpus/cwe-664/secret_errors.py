"""Secret material in exception messages (CWE-209), judged by where the value was made: an expected
MAC, a generated key, a password typed at the terminal. Identifiers of secrets, masked text and a
fingerprint of the secret are not findings."""
import getpass
import hashlib
import hmac
import logging
import os
import secrets

from oslo_utils import strutils

LOG = logging.getLogger(__name__)
SIGNING_KEY = os.environ["WEBHOOK_KEY"].encode()


class SignatureMismatch(Exception):
    """The webhook's signature does not match its body."""


def _expected_signature(body):
    return hmac.new(SIGNING_KEY, body, hashlib.sha256).hexdigest()


def verify_webhook(body, given):
    expected = _expected_signature(body)
    if not hmac.compare_digest(expected, given):
        # ruleid: secret-in-exception
        raise SignatureMismatch(f"bad signature {given!r}, expected {expected!r}")
    return True


def verify_webhook_quietly(body, given):
    expected = _expected_signature(body)
    if not hmac.compare_digest(expected, given):
        # ok: secret-in-exception
        raise SignatureMismatch(f"bad signature {given!r}")
    return True


def rotate_key(store, key_id):
    new_key = secrets.token_hex(32)
    if key_id not in store:
        # ruleid: secret-in-exception
        raise KeyError("cannot store key %s for %s" % (new_key, key_id))
    store[key_id] = new_key


def rotate_key_safely(store, key_id):
    new_key = secrets.token_hex(32)
    if key_id not in store:
        fingerprint = hashlib.sha256(new_key.encode()).hexdigest()[:8]
        # ok: secret-in-exception
        raise KeyError("cannot store key %s for %s" % (fingerprint, key_id))
    store[key_id] = new_key


def connect_admin(connect):
    password = getpass.getpass("admin password: ")
    try:
        return connect(user="admin", password=password)
    except OSError as exc:
        # ruleid: secret-in-exception
        raise RuntimeError(f"login as admin/{password} failed: {exc}") from exc


def connect_admin_masked(connect, dsn):
    password = getpass.getpass("admin password: ")
    try:
        return connect(dsn, password=password)
    except OSError as exc:
        shown = strutils.mask_password(f"{dsn} password={password}")
        # ok: secret-in-exception
        raise RuntimeError(f"login to {shown} failed: {exc}") from exc


def missing_secret(secret_uuid):
    # An identifier of a secret kept elsewhere is not the secret.
    # ok: secret-in-exception
    raise ValueError(f"secret {secret_uuid} not found in the key manager")
