"""Weak hashes for passwords and signatures (CWE-916, CWE-328)."""
import hashlib
import hmac
import os


def store_password(user, password):
    # ruleid: fast-hash-for-password
    user.pw_hash = hashlib.md5(password.encode()).hexdigest()


class Account:
    def set_password(self, raw_password):
        # ruleid: fast-hash-for-password
        self.password_hash = hashlib.sha256(raw_password.encode()).hexdigest()

    def check_password(self, raw_password):
        # ok: fast-hash-for-password
        derived = hashlib.pbkdf2_hmac("sha256", raw_password.encode(), self.salt, 600_000)
        return hmac.compare_digest(derived, self.derived)


def store_password_properly(user, password, salt):
    # ok: fast-hash-for-password
    user.pw_hash = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def sign(payload):
    from django.conf import settings
    # ruleid: weak-hash-for-security
    signature = hashlib.md5(settings.SECRET_KEY.encode() + payload).hexdigest()
    # HMAC does not rely on the digest's collision resistance (RFC 6151): HMAC-MD5 still authenticates.
    # ok: weak-hash-for-security
    mac = hmac.new(settings.SECRET_KEY.encode(), payload, hashlib.md5)
    return signature, mac


def sign_with_a_parameter(secret, payload):
    # A parameter named `secret` is not known to hold one: the name alone decides nothing.
    # ok: weak-hash-for-security
    return hashlib.md5(secret + payload).hexdigest()


def totp_code(secret, counter_bytes):
    # ok: weak-hash-for-security
    return hmac.new(secret, counter_bytes, hashlib.sha1).digest()


def digest_auth_cnonce(entropy):
    # ok: weak-hash-for-security
    cnonce = hashlib.sha1(entropy).hexdigest()[:16]
    return cnonce


def cache_key(url):
    # ok: weak-hash-for-security, fast-hash-for-password
    key = hashlib.md5(url.encode()).hexdigest()
    # ok: weak-hash-for-security
    etag = hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()
    return key, etag


def sign_properly(secret, payload):
    # ok: weak-hash-for-security
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def omit_placeholder():
    import os
    # A digest of random bytes is a random marker: there is nothing for a collision to forge.
    # ok: weak-hash-for-security
    return "__omit_place_holder__%s" % hashlib.sha1(os.urandom(64)).hexdigest()


def _digest(text):
    # ruleid: fast-hash-for-password
    return hashlib.sha1(text.encode()).hexdigest()


def enrol_admin(store):
    import getpass
    entered = getpass.getpass("New admin password: ")
    store["admin"] = _digest(entered)


def enrol_admin_safely(store):
    import getpass
    entered = getpass.getpass("New admin password: ")
    salt = os.urandom(16)
    # ok: fast-hash-for-password
    store["admin"] = salt + hashlib.scrypt(entered.encode(), salt=salt, n=2**14, r=8, p=1)


def issue_api_token(store, user):
    import secrets
    token = secrets.token_urlsafe(32)
    # A random token has 256 bits of entropy: a fast digest of it cannot be brute-forced.
    # ok: fast-hash-for-password
    store[user] = hashlib.sha256(token.encode()).hexdigest()
    return token
