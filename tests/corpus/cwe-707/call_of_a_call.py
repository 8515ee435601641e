"""A call on what a call returns (`unit_converter(unit)(F("price"))`): the inner call runs first, with
its own arguments, so request data passed to it reaches the sinks inside it."""
from django.db.models import F
from django.db.models.expressions import RawSQL

from shop.models import Product


def unit_converter(unit):
    # ruleid: taint-sql-injection
    factor = RawSQL(f"SELECT factor FROM units WHERE code = '{unit}'", [])
    return lambda field: field * factor


def bound_unit_converter(unit):
    # ok: taint-sql-injection
    factor = RawSQL("SELECT factor FROM units WHERE code = %s", [unit])
    return lambda field: field * factor


def converted_prices(request):
    return Product.objects.annotate(converted=unit_converter(request.GET["unit"])(F("price")))


def converted_prices_bound(request):
    return Product.objects.annotate(converted=bound_unit_converter(request.GET["unit"])(F("price")))


def pick_handler(handlers):
    import random

    handler = random.choice(handlers)  # a callable drawn by a randomness source, then called
    # ok: taint-code-injection
    return handler()
