"""Host allow-list regexes that accept other hosts (CWE-625)."""
import re

from flask import request

# ruleid: permissive-host-regex
ALLOWED_ORIGIN = re.compile(r"^https://app.example\.com$")
# ok: permissive-host-regex
ALLOWED_ORIGIN_STRICT = re.compile(r"^https://app\.example\.com$")
# ok: permissive-host-regex
VERSION_PATTERN = re.compile(r"^\d+.\d+.\d+$")


def cors_origin():
    origin = request.headers.get("Origin", "")
    # ruleid: permissive-host-regex
    if re.match(r"https://([a-z0-9-]+\.)?example\.com", origin):
        return origin
    return None


def cors_origin_anchored():
    origin = request.headers.get("Origin", "")
    # ok: permissive-host-regex
    if re.fullmatch(r"https://([a-z0-9-]+\.)?example\.com", origin):
        return origin
    return None


def redirect_allowed(next_url):
    # ruleid: permissive-host-regex
    return re.search(r"^https://accounts.example.com/", next_url) is not None


def redirect_allowed_path(next_url):
    # ok: permissive-host-regex
    return re.match(r"^https://accounts\.example\.com/", next_url) is not None


def is_number(text):
    # ok: permissive-host-regex
    return re.match(r"^\d+$", text) is not None
