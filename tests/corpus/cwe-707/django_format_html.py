"""Django format_html escapes the values it formats in, passed by position or by `**mapping`;
only its format string is HTML marked safe."""
from django.contrib import messages
from django.utils.html import format_html


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
