"""More control-flow cases: aliases and near misses (CWE-367, CWE-698, CWE-834, CWE-617)."""
from os import W_OK, access

from flask import redirect as go
from flask import request


def append_log(path, line):
    if access(path, W_OK):
        # ruleid: check-then-use-race
        with open(path, "a") as handle:
            handle.write(line)


def append_log_directly(path, line):
    try:
        # ok: check-then-use-race
        with open(path, "a") as handle:
            handle.write(line)
    except PermissionError:
        return False
    return True


def dashboard(user):
    if not user:
        # ruleid: redirect-not-returned
        go("/login")
    return "secret"


def dashboard_fixed(user):
    if not user:
        # ok: redirect-not-returned
        return go("/login")
    return "secret"


def triangular():
    n = int(request.values.get("n"))
    total = 0
    # ruleid: loop-bound-from-input
    for i in range(1, n):
        total += i
    return total


def triangular_capped():
    n = min(int(request.values.get("n")), 10_000)
    total = 0
    # ok: loop-bound-from-input
    for i in range(1, n):
        total += i
    return total


def approve(request, order):
    # ruleid: assert-used-for-authorisation
    assert request.user.has_perm("shop.approve_order"), "not allowed"
    order.approve()


def parse(items):
    # ok: assert-used-for-authorisation
    assert isinstance(items, list)
    return items
