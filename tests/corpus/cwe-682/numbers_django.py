"""Django views that take counts and sizes from the query string (CWE-369, CWE-789)."""
from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse

MAX_PER_PAGE = 100
MAX_BARCODE_WIDTH = 512


def _per_page(request):
    return int(request.GET.get("per_page", "25"))


def report_pages(request):
    per_page = _per_page(request)
    total = 5000
    # ruleid: division-by-untrusted-value
    return JsonResponse({"pages": -(-total // per_page)})


def report_pages_checked(request):
    per_page = _per_page(request)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest("per_page out of range")
    total = 5000
    # ok: division-by-untrusted-value
    return JsonResponse({"pages": -(-total // per_page)})


def barcode(request):
    width = int(request.GET["width"])
    # ruleid: allocation-size-from-input
    return HttpResponse("|".ljust(width), content_type="text/plain")


def barcode_bounded(request):
    width = int(request.GET["width"])
    if width > MAX_BARCODE_WIDTH:
        raise BadRequest("too wide")
    # ok: allocation-size-from-input
    return HttpResponse("|".ljust(width), content_type="text/plain")
