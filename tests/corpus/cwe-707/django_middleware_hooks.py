"""Django: in a class, only view handlers get URL parts; middleware hooks and ModelAdmin callbacks
get the framework's own objects (the view function, the response, the saved model instance)."""
from django.contrib import admin
from django.http import HttpResponse
from django.views import View


class TimingMiddleware:
    def process_view(self, request, view_func, view_args, view_kwargs):
        # ok: taint-xss
        return HttpResponse("Processed view %s" % view_func.__name__)

    def process_response(self, request, response):
        # ok: taint-header-injection
        response.headers["X-Length"] = response.content[:8]
        return response


class ItemAdmin(admin.ModelAdmin):
    def response_add(self, request, obj, post_url_continue=None):
        # ok: taint-xss
        return HttpResponse("<p>Added %s</p>" % obj)

    def preview_view(self, request, slug):
        # ruleid: taint-xss
        return HttpResponse("<p>Preview of %s</p>" % slug)


class ItemView(View):
    def get(self, request, slug):
        # ruleid: taint-xss
        return HttpResponse("<p>%s</p>" % slug)
