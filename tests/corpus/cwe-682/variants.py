"""More calculation cases: spellings and near misses (CWE-369, CWE-1339, CWE-135)."""
import struct
import sys
from decimal import Decimal

from flask import request


def split_bill(total):
    # ruleid: division-by-untrusted-value
    return total // int(request.form["people"])


def bucket(value):
    # The operator chooses a command line: a 0 they type crashes only their own run.
    # ok: division-by-untrusted-value
    return value % int(sys.argv[1])


def split_bill_guarded(total):
    people = request.form.get("people", "1")
    # ok: division-by-untrusted-value
    return total // int(people) if people.isdigit() and int(people) > 0 else total


def charge(order):
    # ruleid: float-for-money
    order.amount_due = float(request.json["amount"])


def refund(payment):
    # ruleid: float-for-money
    refund_amount = float(payment.refund)
    return refund_amount


def tax_rate():
    # ruleid: float-for-money
    return Decimal(0.07)


def exact_half():
    # ok: float-for-money
    return Decimal(0.5)


def charge_decimal(order):
    # ok: float-for-money
    order.amount_due = Decimal(request.json["amount"])


def latitude():
    # ok: float-for-money
    lat = float(request.args["lat"])
    return lat


def log_price(logger, item):
    # ok: float-for-money
    logger.info("price %.2f", float(item.price))


def header(name: str):
    greeting = "héllo {}".format(name)
    # ruleid: character-count-as-byte-length
    return struct.pack(">H", len(greeting)) + greeting.encode()


def header_bytes(name: str):
    greeting = "héllo {}".format(name).encode()
    # ok: character-count-as-byte-length
    return struct.pack(">H", len(greeting)) + greeting


def response(handler, html):
    page = "<p>{}</p>".format(html)
    # ruleid: character-count-as-byte-length
    handler.headers["Content-Length"] = str(len(page))
    items = ["a", "b"]
    # ok: character-count-as-byte-length
    return struct.pack(">H", len(items))


def estimate_statement_cost(match):
    # ok: float-for-money
    return {"Total cost": float(match.group(2))}


def progress(stats):
    # ok: float-for-money
    total_splits = float(stats.get("totalSplits"))
    return total_splits


def checkout(cart):
    # ruleid: float-for-money
    cart_total = float(cart.get("cart_total"))
    return cart_total
