"""Incorrect comparisons (CWE-595, CWE-187)."""
from urllib.parse import urlparse


def is_admin(user):
    # ruleid: identity-comparison-with-literal
    return user.role is "admin"  # noqa: F632


def is_admin_properly(user):
    # ok: identity-comparison-with-literal
    return user.role == "admin" and user.manager is not None


def safe_redirect(next_url):
    host = urlparse(next_url).netloc
    # ruleid: partial-host-comparison
    if host.endswith("example.com"):
        return next_url
    # ok: partial-host-comparison
    if host == "example.com" or host.endswith(".example.com"):
        return next_url
    return "/"


def allowed_origin(origin):
    # ruleid: partial-host-comparison
    return origin.startswith("https://example.com")


def is_python_file(filename):
    # ok: partial-host-comparison
    return filename.endswith(".py")
