"""Django redirects that stay on the site: data after a literal `?` is only a query, urlencode()
cannot name a host, a same-site check kept in a boolean or inside a compound condition still
guards, and build_absolute_uri() is the request's own URL. Each next to its unsafe twin."""
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def keep_query(request):
    args = request.META.get("QUERY_STRING", "")
    # ok: taint-open-redirect
    return HttpResponseRedirect("%s?%s" % (reverse("home"), args))


def query_as_target(request):
    args = request.META.get("QUERY_STRING", "")
    # ruleid: taint-open-redirect
    return HttpResponseRedirect("%s?%s" % (args, reverse("home")))


def add_query(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect(reverse("list") + "?" + request.GET["filters"])


def add_target(request):
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(request.GET["target"] + "?" + "page=1")


def format_query(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect("{}?next={}".format(reverse("login"), request.GET["next"]))


def format_target(request):
    # ruleid: taint-open-redirect
    return HttpResponseRedirect("{}?next={}".format(request.GET["next"], reverse("login")))


def fstring_query(request):
    base = reverse("login")
    # ok: taint-open-redirect
    return HttpResponseRedirect(f"{base}?next={request.GET['next']}")


def fstring_target(request):
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(f"{request.GET['next']}?from=login")


def encoded_filters(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect(urlencode({"_changelist_filters": request.GET.urlencode()}))


def check_in_boolean(request):
    target = request.POST.get("next", "")
    url_is_safe = url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()})
    # ok: taint-open-redirect
    return HttpResponseRedirect(target if url_is_safe else "/")


def check_then_reassigned(request):
    target = request.POST.get("next", "")
    url_is_safe = url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()})
    target = request.GET.get("other", "")
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(target if url_is_safe else "/")


def boolean_of_another_check(request):
    target = request.POST.get("next", "")
    url_is_safe = url_has_allowed_host_and_scheme(url=request.GET.get("x"), allowed_hosts=None)
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(target if url_is_safe else "/")


def check_on_one_path_only(request, strict):
    target = request.POST.get("next", "")
    if strict:
        url_is_safe = url_has_allowed_host_and_scheme(url=target, allowed_hosts=None)
    else:
        url_is_safe = True
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(target if url_is_safe else "/")


def compound_condition(request):
    next_url = request.POST.get("next", request.GET.get("next"))
    if (next_url or request.accepts("text/html")) and not url_has_allowed_host_and_scheme(
        url=next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "/"
    # ok: taint-open-redirect
    return HttpResponseRedirect(next_url)


def compound_condition_other_value(request):
    next_url = request.POST.get("next")
    if (next_url or request.accepts("text/html")) and not url_has_allowed_host_and_scheme(
        url=request.GET.get("x"), allowed_hosts={request.get_host()}
    ):
        next_url = "/"
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(next_url)


def own_absolute_url(request):
    # ok: taint-open-redirect
    return HttpResponseRedirect(request.build_absolute_uri())


def absolute_url_of_input(request):
    # ruleid: taint-open-redirect
    return HttpResponseRedirect(request.build_absolute_uri(request.GET["next"]))
