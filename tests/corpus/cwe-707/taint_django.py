"""Taint flows in Django views: HttpRequest data and URL keyword arguments."""
import subprocess

from django.db import connection
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View

from .models import Item


def search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        # ruleid: taint-sql-injection
        cursor.execute("SELECT id FROM items WHERE name LIKE '%" + term + "%'")
        # ok: taint-sql-injection
        cursor.execute("SELECT id FROM items WHERE name LIKE %s", ["%" + term + "%"])
        rows = cursor.fetchall()
    # ruleid: taint-xss
    return HttpResponse(f"<p>Results for {term}: {len(rows)}</p>")


def search_escaped(request):
    term = request.GET["q"]
    # ok: taint-xss
    return HttpResponse(f"<p>Results for {escape(term)}</p>")


def detail(request, slug):
    # ruleid: taint-sql-injection
    items = Item.objects.raw(f"SELECT * FROM items WHERE slug = '{slug}'")
    # ok: taint-sql-injection
    same = Item.objects.raw("SELECT * FROM items WHERE slug = %s", [slug])
    return HttpResponse(str(list(items) + list(same)))


def item_by_id(request, pk: int):
    # ok: taint-sql-injection
    # ruleid: sql-injection-django-raw
    return HttpResponse(str(list(Item.objects.raw(f"SELECT * FROM items WHERE id = {pk}"))))


def profile(request):
    bio = request.POST["bio"]
    agent = request.META.get("HTTP_USER_AGENT", "")
    theme = request.COOKIES.get("theme", "light")
    # ruleid: taint-xss
    html = mark_safe("<div class='bio'>" + bio + "</div>")
    # ruleid: taint-command-injection
    subprocess.run(f"logger {agent}", shell=True)
    # ruleid: taint-xss
    return HttpResponse(html + theme)


class Export(View):
    def post(self, request, fmt):
        raw = request.body.decode()
        # ruleid: taint-command-injection
        subprocess.run("convert --to " + fmt, shell=True)
        # ruleid: taint-code-injection, taint-xss
        return HttpResponse(eval(raw))

    def get(self, request):
        # ruleid: taint-command-injection
        subprocess.run("du -sh " + self.request.GET["dir"], shell=True)


# Func expressions: function=, template= and arg_joiner= are SQL text (issue 20).
from django.db.models import F, Func, Value  # noqa: E402


class Greatest(Func):
    function = "GREATEST"


def ranked(request):
    # ruleid: taint-sql-injection
    by_function = Item.objects.annotate(score=Func(F("price"), function=request.GET["fn"]))
    # The values of expressions are bound as parameters.
    # ok: taint-sql-injection
    by_value = Item.objects.annotate(score=Greatest(F("price"), Value(request.GET["min"])))
    # ruleid: taint-sql-injection
    by_template = Item.objects.annotate(score=Greatest(F("price"), template=request.GET["t"]))
    return HttpResponse(str([by_function.count(), by_value.count(), by_template.count()]))
