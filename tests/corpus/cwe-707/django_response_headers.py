"""Django's HttpResponse refuses a header value holding CR or LF (BadHeaderError): request data in
a Django response header cannot split the response. (Its twin, a header set where the framework
does not refuse CR/LF, is tests/corpus/cwe-707/fixed_form_headers.py line 23. The pattern rule
header-injection still says, at low confidence, that the client chooses the header's content.)"""
from django.http import HttpResponse


def download(request, name):
    response = HttpResponse(b"")
    # ok: taint-header-injection
    response.headers["X-File"] = name
    # ok: taint-header-injection
    # ruleid: header-injection
    response.headers["X-Referrer"] = request.META.get("HTTP_REFERER", "")
    return response
