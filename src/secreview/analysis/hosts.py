"""What a host name says about where traffic goes: one answer for every rule, fact and client.

Rules decide "this never leaves the machine" in several places (a cleartext URL to localhost, a
database URL with a developer's default password, a listener bound to loopback, the LLM client's
proxy bypass); they used to keep four lists that disagreed on `127.0.0.2`, `[::1]` and `0.0.0.0`.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """`localhost`, a `*.localhost` name (RFC 6761), `127.0.0.0/8` or `::1` (bracketed or not):
    an address only this machine answers on, for a listener as for a client."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def reaches_this_machine(host: str) -> bool:
    """A destination a client connects to without leaving the machine: loopback, or the unspecified
    address (`0.0.0.0`, `::`), which a connect() sends to the local host. (A listener bound to the
    unspecified address is the opposite: every interface; use `is_loopback` for listeners.)"""
    if is_loopback(host):
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_unspecified
    except ValueError:
        return False


def netloc_host(netloc: str) -> str:
    """The host of a URL's `user:password@host:port` part (`[::1]:8080` gives `::1`)."""
    return urlsplit(f"//{netloc}").hostname or ""
