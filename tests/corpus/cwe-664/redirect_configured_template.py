"""A generic redirect view whose URL template is configuration: the class leaves `url = None` and
whoever configures it (`RedirectView.as_view(url="/details/%(slug)s")` in a URLconf) writes the
template, so that template, not this code, decides where the URL's captured values go. A template
the class itself writes with a captured value in the host's place is an open redirect."""
from django.http import HttpResponseRedirect
from django.views import View


class ConfiguredRedirect(View):
    url = None

    def get(self, request, *args, **kwargs):
        # ok: taint-open-redirect
        return HttpResponseRedirect(self.url % kwargs)


class TargetFirstRedirect(View):
    url = "%(target)s"

    def get(self, request, *args, **kwargs):
        # ruleid: taint-open-redirect
        return HttpResponseRedirect(self.url % kwargs)


class QueryConfiguredRedirect(View):
    url = None

    def get(self, request, *args, **kwargs):
        # ruleid: taint-open-redirect
        return HttpResponseRedirect(self.url % {"next": request.GET["next"]})


class ReconfiguredRedirect(View):
    url = None
    url = "%(target)s"

    def get(self, request, *args, **kwargs):
        # ruleid: taint-open-redirect
        return HttpResponseRedirect(self.url % kwargs)
