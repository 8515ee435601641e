"""More interaction cases: spellings and near misses (CWE-436, CWE-650)."""
import urllib.parse
import urllib.request

import aiohttp
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_http_methods, require_POST

from .models import Entry


def preview(url):
    if not urllib.parse.urlsplit(url).hostname.endswith(".example.com"):
        raise ValueError("host not allowed")
    # ruleid: url-parser-mismatch
    with urllib.request.urlopen(url, timeout=5) as response:
        # ruleid: read-unbounded
        return response.read()


async def preview_async(url, session: aiohttp.ClientSession):
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname != "img.example.com":
        raise ValueError("host not allowed")
    # ruleid: url-parser-mismatch
    async with aiohttp.request("GET", url) as response:
        return await response.read()


def back(request, target):
    if urllib.parse.urlparse(target).netloc:
        target = "/"
    # ruleid: url-parser-mismatch
    return HttpResponseRedirect(target)


def back_rebuilt(request, target):
    parts = urllib.parse.urlsplit(target)
    if parts.netloc or parts.scheme:
        return HttpResponseRedirect("/")
    # ok: url-parser-mismatch
    return HttpResponseRedirect(urllib.parse.urlunsplit(("", "", parts.path, parts.query, "")))


@require_http_methods(["GET", "HEAD"])
def clear_entries(request):
    # ruleid: state-change-on-get
    Entry.objects.filter(owner=request.user).delete()


@require_POST
def clear_entries_post(request):
    # ok: state-change-on-get
    Entry.objects.filter(owner=request.user).delete()


@require_http_methods(["GET", "POST"])
def entries(request):
    if request.method == "POST":
        # ok: state-change-on-get
        Entry.objects.create(owner=request.user, text=request.POST["text"])
    return Entry.objects.filter(owner=request.user)


def api_dispatch(request):
    # ruleid: method-override-from-any-request
    verb = request.META.get("HTTP_X_HTTP_METHOD_OVERRIDE", request.method)
    return verb
