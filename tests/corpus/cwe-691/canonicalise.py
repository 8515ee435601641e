"""Validation before decoding or normalising (CWE-180)."""
import os
import unicodedata
from urllib.parse import unquote

from flask import abort, send_file

UPLOADS = "/srv/uploads"


def download(name):
    if ".." in name or name.startswith("/"):
        abort(400)
    # ruleid: validate-before-canonicalise
    name = unquote(name)
    return send_file(os.path.join(UPLOADS, os.path.basename(name)))


def register(username, reserved):
    if username.lower() in reserved:
        raise ValueError("reserved name")
    # ruleid: validate-before-canonicalise
    return unicodedata.normalize("NFKC", username)


def download_fixed(name):
    # ok: validate-before-canonicalise
    name = unquote(name)
    if ".." in name or name.startswith("/"):
        abort(400)
    return send_file(os.path.join(UPLOADS, os.path.basename(name)))


def display_name(raw):
    if not raw:
        return None
    # ok: validate-before-canonicalise
    return unicodedata.normalize("NFC", raw)


def real_path(filename):
    # "-" is the editor's stdin: handed back as it is, not a check of the path.
    if filename == "-":
        return filename
    # ok: validate-before-canonicalise
    return os.path.realpath(filename)


def checked_path(filename):
    if filename.startswith("/etc"):
        return None
    # ruleid: validate-before-canonicalise
    return os.path.realpath(filename)
