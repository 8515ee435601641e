"""Money in binary floating point (CWE-1339)."""
from decimal import Decimal

from flask import request


def withdraw(account):
    # ruleid: float-for-money
    amount = float(request.form["amount"])
    account.balance -= amount


def order_total(items):
    # ruleid: float-for-money
    total = sum(float(item.price) * item.quantity for item in items)
    return total


def fee():
    # ruleid: float-for-money
    return Decimal(0.1)


def withdraw_decimal(account):
    # ok: float-for-money
    amount = Decimal(request.form["amount"]).quantize(Decimal("0.01"))
    account.balance -= amount


def show_price(item):
    # ok: float-for-money
    return f"{float(item.price):.2f} EUR"


def ratio(request_count, errors):
    # ok: float-for-money
    error_rate = float(errors) / request_count
    return error_rate
