"""Division by a value from input (CWE-369)."""
from flask import abort, request


def per_page(total):
    # ruleid: division-by-untrusted-value
    return total / int(request.args["pages"])


def per_page_checked(total):
    pages = int(request.args["pages"])
    if pages < 1:
        abort(400)
    # ok: division-by-untrusted-value
    return total / pages


def average(total, count):
    # ok: division-by-untrusted-value
    return total / int(count) if int(count) else 0
