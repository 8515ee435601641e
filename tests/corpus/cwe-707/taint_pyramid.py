"""Pyramid views: request data, HTML responses and redirects (issue 20, specs/pyramid.toml)."""
# capability: pyramid
import subprocess

from markupsafe import escape
from pyramid.httpexceptions import HTTPFound
from pyramid.response import Response
from pyramid.view import view_config


@view_config(route_name="greet")
def greet(request):
    name = request.matchdict["name"]
    # ruleid: taint-xss
    return Response("<h1>Hello %s</h1>" % name)


@view_config(route_name="greet_escaped")
def greet_escaped(request):
    name = request.params.get("name", "")
    # ok: taint-xss
    return Response("<h1>Hello %s</h1>" % escape(name))


@view_config(route_name="plain")
def plain(request):
    # ok: taint-xss
    return Response(request.params["text"], content_type="text/plain")


@view_config(route_name="login_done")
def login_done(request):
    # ruleid: taint-open-redirect
    return HTTPFound(location=request.params["came_from"])


@view_config(route_name="home_redirect")
def home_redirect(request):
    # ok: taint-open-redirect
    return HTTPFound(location=request.route_url("home"))


class ReportViews:
    def __init__(self, request):
        self.request = request

    @view_config(route_name="report", renderer="json")
    def report(self):
        fmt = self.request.json_body["format"]
        # ruleid: taint-command-injection
        subprocess.run("report --format " + fmt, shell=True)
        # ok: taint-command-injection
        subprocess.run(["report", "--format", fmt], check=True)
        return {"ok": True}
