"""Results of security checks thrown away (CWE-252)."""
import hmac
import os
import subprocess

import bcrypt
import pyotp
from flask import abort, request
from werkzeug.security import check_password_hash


def webhook(expected):
    # ruleid: security-verdict-ignored
    hmac.compare_digest(expected, request.headers["X-Signature"])
    return request.get_json()


def webhook_checked(expected):
    # ok: security-verdict-ignored
    if not hmac.compare_digest(expected, request.headers["X-Signature"]):
        abort(403)
    return request.get_json()


def login(user, password):
    # ruleid: security-verdict-ignored
    check_password_hash(user.password_hash, password)
    # ruleid: security-verdict-ignored
    bcrypt.checkpw(password.encode(), user.bcrypt_hash)
    return user


def login_checked(user, password):
    # ok: security-verdict-ignored
    ok = check_password_hash(user.password_hash, password)
    return user if ok else None


def second_factor(user, code):
    totp = pyotp.TOTP(user.otp_secret)
    # ruleid: security-verdict-ignored
    totp.verify(code)
    return user


def signature(public_key, sig, data, padding, algorithm):
    # ok: security-verdict-ignored
    public_key.verify(sig, data, padding, algorithm)


def install_release(path):
    # ruleid: verification-exit-status-ignored
    subprocess.run(["gpg", "--verify", path + ".asc", path])
    # ruleid: verification-exit-status-ignored
    os.system("sha256sum -c SHA256SUMS")
    return path


def install_release_checked(path):
    # ok: verification-exit-status-ignored
    subprocess.run(["gpg", "--verify", path + ".asc", path], check=True)
    # ok: verification-exit-status-ignored
    result = subprocess.run(["cosign", "verify-blob", "--key", "cosign.pub", path], capture_output=True)
    if result.returncode != 0:
        raise RuntimeError("signature check failed")
    return path


def list_keys():
    # ok: verification-exit-status-ignored
    subprocess.run(["gpg", "--list-keys"])


def login_unknown_user(username):
    # ok: security-verdict-ignored
    check_password_hash("pbkdf2:sha256:600000$salt$0123abcd", "not-the-password")
    return None
