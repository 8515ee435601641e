"""Secret material (CWE-532) judged by where a value is made, never by its name alone.

A secret is a value made by `secrets`, `os.urandom`, `hmac`, a key derivation, `getpass` or a
loaded private key, followed through assignments and calls. Identifiers that only describe a
secret (`secret_uuid`, `token_loc`, `digest_size`) are not secrets.
"""
import base64
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


def store_encryption_secret(key_manager, context):
    secret = base64.b64encode(os.urandom(32))
    # ruleid: secret-in-log
    LOG.debug("storing %s", secret.decode())
    # What a key manager returns for a stored secret is its identifier, not the secret.
    secret_uuid = key_manager.store(context, secret)
    # ok: secret-in-log
    LOG.debug("Stored secret with UUID %s", secret_uuid)
    return secret_uuid


def spawn(kind, func, *args):
    # ok: secret-in-log
    LOG.debug("spawning a %s task", kind)
    return func(*args)


def rebuild(instance, admin_password):
    # `*args` might land in any parameter: the password is followed only where it certainly goes.
    spawn("rebuild", print, instance, admin_password)
    items = {"key": instance, "admin_password": admin_password}
    for name, value in items.items():
        # ok: secret-in-log
        LOG.debug("injecting %s", name)
        # ruleid: secret-in-log
        LOG.debug("injecting %s", value)
