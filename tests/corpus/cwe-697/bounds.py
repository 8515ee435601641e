"""Upper bound checked, lower bound forgotten (CWE-839)."""
from flask import abort, request


def withdraw(account):
    amount = int(request.form["amount"])
    # ruleid: missing-minimum-check
    if amount > account.balance:
        abort(400)
    account.balance -= amount


def withdraw_checked(account):
    amount = int(request.form["amount"])
    # ok: missing-minimum-check
    if amount <= 0 or amount > account.balance:
        abort(400)
    account.balance -= amount


def add_to_cart(cart, product):
    quantity = int(request.form["quantity"])
    # ruleid: missing-minimum-check
    if quantity > product.stock:
        abort(409)
    cart.total += quantity * product.price


def add_to_cart_checked(cart, product):
    quantity = int(request.form["quantity"])
    # ok: missing-minimum-check
    if not 1 <= quantity <= product.stock:
        abort(409)
    cart.total += quantity * product.price


def page_size():
    count = int(request.args.get("count", "20"))
    # ok: missing-minimum-check
    if count > 100:
        count = 100
    return count
