"""Loops sized by the client (CWE-834)."""
import secrets

from flask import abort, request


def voucher_codes():
    # ruleid: loop-bound-from-input
    return [secrets.token_hex(4) for _ in range(int(request.args["count"]))]


def retry_pings(client):
    attempts = int(request.form["attempts"])
    # ruleid: loop-bound-from-input
    for _ in range(attempts):
        client.ping()


def voucher_codes_capped():
    count = min(int(request.args["count"]), 100)
    # ok: loop-bound-from-input
    return [secrets.token_hex(4) for _ in range(count)]


def retry_pings_checked(client):
    attempts = int(request.form["attempts"])
    if attempts > 5:
        abort(400)
    # ok: loop-bound-from-input
    for _ in range(attempts):
        client.ping()


def fixed(client):
    # ok: loop-bound-from-input
    for _ in range(3):
        client.ping()
