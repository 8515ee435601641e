"""Custom Django query expressions that write their input into the SQL text (CWE-89, issue 20).

Django calls `as_sql(compiler, connection)` (or `as_<vendor>`) and writes the first item it
returns into the query as text; the second item, params, is bound by the driver. A Func formats
`template` the same way. Input interpolated there is SQL injection; input returned as a param is not.
"""
# capability: custom-query-expressions
from django.db.models import F, Func, Lookup
from django.http import JsonResponse

from shop.models import Product


class Collated(Func):
    def __init__(self, expression, collation):
        self.collation = collation
        super().__init__(expression)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        # ruleid: taint-sql-injection
        return "%s COLLATE %s" % (sql, self.collation), params


class Distance(Func):
    def __init__(self, expression, point):
        self.point = point
        super().__init__(expression)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        # The point is a param: the driver binds it.
        # ok: taint-sql-injection
        return "%s <-> %%s" % sql, [*params, self.point]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        # ruleid: taint-sql-injection
        return f"{sql} <-> ST_GeomFromText('{self.point}')", params


class Rounded(Func):
    function = "ROUND"

    def __init__(self, expression, digits):
        # ruleid: taint-sql-injection
        self.template = "%%(function)s(%%(expressions)s, %s)" % digits
        super().__init__(expression)


class Truncated(Func):
    function = "TRUNC"

    def __init__(self, expression, digits):
        # An int cannot carry SQL; the template holds only its digits.
        # ok: taint-sql-injection
        self.template = "%%(function)s(%%(expressions)s, %d)" % int(digits)
        super().__init__(expression)


def in_unit(unit):
    class InUnit(Func):
        function = "CONVERT_UNIT"
        # ruleid: taint-sql-injection
        template = "%%(function)s(%%(expressions)s, '%s')" % unit
    return InUnit


class PrefixOf(Lookup):
    lookup_name = "prefix_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # Both sides compiled by Django: placeholders and params.
        # ok: taint-sql-injection
        return "%s LIKE %s || '%%%%'" % (rhs, lhs), [*rhs_params, *lhs_params]


def search(request):
    by_collation = Product.objects.annotate(n=Collated(F("name"), request.GET["collation"]))
    by_distance = Product.objects.annotate(d=Distance(F("location"), request.GET["point"]))
    by_digits = Product.objects.annotate(r=Rounded(F("price"), request.GET["digits"]))
    by_trunc = Product.objects.annotate(t=Truncated(F("price"), request.GET["digits"]))
    unit = in_unit(request.GET["unit"])
    by_unit = Product.objects.annotate(u=unit(F("size")))
    return JsonResponse({"n": list(by_collation), "d": list(by_distance), "r": list(by_digits),
                         "t": list(by_trunc), "u": list(by_unit)})


def fixed_collation(request):
    # The collation is a constant of the code: nothing from the request reaches the SQL text.
    names = Product.objects.annotate(n=Collated(F("name"), "und-x-icu"))
    return JsonResponse({"n": list(names.filter(n__startswith=request.GET["q"]))})


class Quoted(Func):
    """A base of the project's own: its subclasses are expressions too."""


class Labelled(Quoted):
    def __init__(self, expression, label):
        self.label = label
        super().__init__(expression)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        # ruleid: taint-sql-injection
        return "%s AS \"%s\"" % (sql, self.label), params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        # Returned as a param, the label is a bound value.
        # ok: taint-sql-injection
        return "%s || %%s" % sql, [*params, self.label]


def labelled(request):
    rows = Product.objects.annotate(t=Labelled(F("name"), request.POST["label"]))
    return JsonResponse({"t": list(rows)})
