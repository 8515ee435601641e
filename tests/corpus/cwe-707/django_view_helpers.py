"""Django: a module function whose first parameter is `request` looks like a view, but when the
project calls it, it is a helper whose parameters hold what its callers pass (a stored page, an
exception); a function nobody calls is a view whose URL arguments are client text. Django's
template engine escapes what it renders; Jinja2 (by default) does not."""
import jinja2
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import Context, Engine, loader
from django.utils.safestring import mark_safe

from .models import Page


def render_page(request, page):
    # ok: taint-xss
    return HttpResponse(mark_safe(page.content))


def page_view(request, url):
    page = get_object_or_404(Page, url=url)
    return render_page(request, page)


def echo_helper(request, text):
    # ruleid: taint-xss
    return HttpResponse(mark_safe(text))


def echo_view(request):
    return echo_helper(request, request.GET["text"])


def greeting(request, name):
    # ruleid: taint-xss
    return HttpResponse("<p>Hello %s</p>" % name)


def greeting_template(request, name):
    template = loader.get_template("greeting.html")
    # ok: taint-xss
    return HttpResponse(template.render({"name": name}, request))


def greeting_inline(request, name):
    template = Engine().from_string("<p>Hello {{ name }}</p>")
    # ok: taint-xss
    return HttpResponse(template.render(Context({"name": name})))


def greeting_string(request, name):
    # ok: taint-xss
    return HttpResponse(loader.render_to_string("greeting.html", {"name": name}))


def greeting_jinja(request, name):
    # ruleid: jinja-autoescape-disabled
    template = jinja2.Environment().from_string("<p>Hello {{ name }}</p>")
    # ruleid: taint-xss
    return HttpResponse(template.render(name=name))
