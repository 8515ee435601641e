"""Views of a small Django shop: raw SQL, marked-safe HTML and CSRF exemption (issue 20)."""
from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.models import Order, Product


def search(request):
    term = request.GET.get("q", "")
    # ruleid: taint-sql-injection
    products = Product.objects.raw("SELECT * FROM shop_product WHERE name LIKE '%%" + term + "%%'")
    # ok: taint-sql-injection
    safe_products = Product.objects.raw("SELECT * FROM shop_product WHERE name LIKE %s", [f"%{term}%"])
    return render(request, "search.html", {"products": products, "safe": safe_products})


def ranked(request):
    weight = request.GET.get("weight", "1")
    # ruleid: taint-sql-injection
    rows = Product.objects.annotate(score=RawSQL("price * " + weight, []))
    # ok: taint-sql-injection
    fixed = Product.objects.annotate(score=RawSQL("price * %s", [weight]))
    return render(request, "ranked.html", {"rows": rows, "fixed": fixed})


def report(request):
    column = request.GET["sort"]
    with connection.cursor() as cursor:
        # ruleid: taint-sql-injection
        cursor.execute(f"SELECT id, total FROM shop_order ORDER BY {column}")
        data = cursor.fetchall()
    return JsonResponse({"rows": data})


def banner(request):
    message = request.GET.get("message", "")
    # ruleid: taint-xss
    return HttpResponse(mark_safe("<div class='banner'>" + message + "</div>"))


def banner_escaped(request):
    message = request.GET.get("message", "")
    # ok: taint-xss
    return HttpResponse(mark_safe("<div class='banner'>" + escape(message) + "</div>"))


# ruleid: csrf-exempt-state-change
@csrf_exempt
@require_POST
def cancel_order(request, order_id: int):
    order = get_object_or_404(Order, pk=order_id, owner=request.user)
    order.status = "cancelled"
    order.save()
    return JsonResponse({"status": order.status})


def tags(request):
    tag_names = request.GET.getlist("tag")
    label = request.GET.get("label", "")
    # ruleid: taint-xss
    bad = format_html_join("\n", "<li>" + label + ": {}</li>", ((t,) for t in tag_names))
    # ok: taint-xss
    good = format_html_join("\n", "<li>{}: {}</li>", ((label, t) for t in tag_names))
    return render(request, "tags.html", {"bad": bad, "good": good})


class Fragment(SafeString):
    """HTML the shop's own code assembled."""


def note(request):
    text = request.GET.get("note", "")
    # ruleid: taint-xss
    marked = Fragment(text)
    # ok: taint-xss
    escaped = Fragment(escape(text))
    return render(request, "note.html", {"marked": marked, "escaped": escaped})
