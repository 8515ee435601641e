"""A URL validated with urllib.parse and used raw by another parser (CWE-436)."""
from urllib.parse import urlparse, urlsplit

import requests
from flask import abort, redirect

ALLOWED_HOSTS = {"api.example.com"}


def fetch_avatar(url):
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ruleid: url-parser-mismatch
    return requests.get(url, timeout=5).content


def fetch_avatar_parts(url):
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        abort(400)
    # ruleid: url-parser-mismatch
    return requests.get(url, timeout=5).content


def after_login(next_url):
    host = urlparse(next_url).netloc
    if host and host != "example.com":
        abort(400)
    # ruleid: url-parser-mismatch
    return redirect(next_url)


def fetch_avatar_rebuilt(url):
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: url-parser-mismatch
    return requests.get(parts.geturl(), timeout=5).content


def fetch_unchecked_host(url, session):
    # ok: url-parser-mismatch
    return session.get(url, timeout=5)
