"""Django format_html escapes the values it formats in, passed by position or by `**mapping`;
only its format string is HTML marked safe."""
from django.contrib import messages
from django.http import HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def saved(request):
    values = {"name": "item", "obj": request.POST["title"]}
    # ok: taint-xss
    messages.success(request, format_html("The {name} “{obj}” was saved.", **values))
    # ok: taint-xss
    messages.info(request, format_html("The {} “{}” was saved.", *values.values()))
    # ruleid: taint-xss
    messages.warning(request, format_html("The item “%s” was saved." % request.POST["title"]))
    parts = [request.POST["title"]]
    # ruleid: taint-xss
    messages.error(request, format_html(*parts))


def added_message(item):
    msg = _("The item was added.")
    msg += " " + _("You may edit it again below.")
    # ok: xss-mark-safe
    first = format_html(msg, name=item.name)
    note = "<b>Added</b> "
    note += item.name
    # ruleid: xss-mark-safe
    second = mark_safe(note)
    return first, second


def greeting(request):
    name = request.GET["name"]
    # ok: taint-xss
    return HttpResponse(format_html("<p>Hello, <b>{}</b></p>", name))


def greeting_formatted_first(request):
    name = request.GET["name"]
    # ruleid: taint-xss
    return HttpResponse("<p>Hello, <b>{}</b></p>".format(name))


def tag_list(request):
    tags = request.GET.getlist("tag")
    # ok: taint-xss
    return HttpResponse(format_html_join("\n", "<li>{}</li>", ((t,) for t in tags)))
