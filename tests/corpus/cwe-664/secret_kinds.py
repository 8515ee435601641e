"""Secret material (CWE-532) judged by where a value is made, never by its name alone.

A secret is a value made by `secrets`, `os.urandom`, `hmac`, a key derivation, `getpass` or a
loaded private key, followed through assignments and calls. Identifiers that only describe a
secret (`secret_uuid`, `token_loc`, `digest_size`) are not secrets.
"""
import getpass
import hashlib
import hmac
import logging
import os
import secrets
import uuid

from oslo_utils import strutils

LOG = logging.getLogger(__name__)


def new_reset_token(user):
    token = secrets.token_urlsafe(32)
    # ruleid: secret-in-log
    LOG.info("reset token for %s: %s", user, token)
    # ok: secret-in-log
    LOG.info("reset token for %s issued, ends %s", user, token[-4:])
    # ok: secret-in-log
    LOG.info("reset token for %s issued, fingerprint %s", user, hashlib.sha256(token.encode()).hexdigest()[:8])
    return token


def sign_payload(key, body):
    signature = hmac.new(key, body, hashlib.sha256).hexdigest()
    # ruleid: secret-in-log
    LOG.debug("signed body with %s", signature)
    # ok: secret-in-log
    LOG.debug("signed %d bytes", len(body))
    return signature


def describe(value, what):
    # ruleid: secret-in-log
    LOG.debug("%s is %s", what, value)


def make_session_key():
    key = os.urandom(32).hex()
    describe(key, "session key")
    return key


def derive(salt):
    passphrase = getpass.getpass("passphrase: ")
    derived = hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, 600_000)
    # ruleid: secret-in-log
    LOG.debug("derived key %r", derived)
    # ok: secret-in-log
    LOG.debug("derived a key of %d bytes", len(derived))
    return derived


def create_vtpm_secret(instance):
    # An identifier of a secret stored elsewhere: naming it is how the log helps an operator.
    secret_uuid = str(uuid.uuid4())
    # ok: secret-in-log
    LOG.debug("Created vTPM secret with UUID %s", secret_uuid)
    describe(secret_uuid, "the secret's UUID")
    return secret_uuid


def parse_console_path(path):
    token_loc = path.find("token=")
    # ok: secret-in-log
    LOG.debug("token parameter at %d", token_loc)
    return token_loc


def connect(host, password, connection_info):
    # ruleid: secret-in-log
    LOG.debug("connecting to %s with password %s", host, password)
    # ok: secret-in-log
    LOG.debug("connecting with %s", strutils.mask_password(connection_info))
    # ok: secret-in-log
    LOG.debug("connecting with %s", strutils.mask_dict_password({"password": password}))
