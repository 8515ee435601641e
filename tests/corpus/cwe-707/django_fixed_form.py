"""Values of a fixed form (dates, digests, MIME types) cannot carry CR/LF into a header."""
import hashlib
import mimetypes

from django.http import HttpResponse
from django.utils.http import http_date


def download(request, name):
    response = HttpResponse(b"")
    stamp = request.GET.get("t")
    # ok: taint-header-injection
    response.headers["Last-Modified"] = http_date(stamp)
    content_type, encoding = mimetypes.guess_type(name)
    # ok: taint-header-injection
    response.headers["Content-Encoding"] = encoding
    # ok: taint-header-injection
    response.headers["ETag"] = hashlib.sha256(name.encode()).hexdigest()
    # ruleid: taint-header-injection
    response.headers["X-File"] = name
    return response
