"""Django: a redirect back to the path the request was routed to stays on the site; its path is still
client text, so it stays a source for markup and headers."""
from django.http import HttpResponse, HttpResponseRedirect


def save_and_reload(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect(request.get_full_path())


def error_flag(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect(request.path + "?_error=1")


def follow_next(request):
    target = request.GET.get("next", "/")
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(target)


def echo_path(request):
    # ruleid: taint-xss
    return HttpResponse("<p>No page at %s</p>" % request.path)
