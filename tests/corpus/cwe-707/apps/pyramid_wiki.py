"""A small Pyramid wiki: views by @view_config and config.add_view, permissions (issue 20)."""
import os

from markupsafe import escape
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

PAGES_DIR = "/srv/wiki/pages"


@view_config(route_name="page", permission="view")
def show_page(request):
    name = os.path.basename(request.matchdict["name"])
    path = os.path.join(PAGES_DIR, name + ".txt")
    # ok: taint-path-traversal
    with open(path, encoding="utf-8") as handle:
        body = handle.read()
    # ok: taint-xss
    return Response("<article>%s</article>" % escape(body))


@view_config(route_name="preview", permission="edit")
def preview(request):
    text = request.POST.get("text", "")
    # ruleid: taint-xss
    return Response("<article>" + text + "</article>")


@view_config(route_name="attachment", permission="view")
def attachment(request):
    filename = request.params["file"]
    # ruleid: taint-path-traversal
    with open(os.path.join(PAGES_DIR, filename), "rb") as handle:
        return Response(body=handle.read(), content_type="application/octet-stream")


def after_login(request):
    page = request.params.get("page", "home")
    # ok: taint-open-redirect
    return HTTPFound(location=request.route_url("page", name=page))


def go_back(request):
    # ruleid: taint-open-redirect
    return HTTPFound(location=request.params["next"])


def not_found(request):
    return HTTPNotFound()


def main(global_config, **settings):
    config = Configurator(settings=settings)
    config.add_route("page", "/page/{name}")
    config.add_route("preview", "/preview")
    config.add_route("attachment", "/attachment")
    config.add_route("login_done", "/login/done")
    config.add_route("back", "/back")
    config.add_view(after_login, route_name="login_done")
    config.add_view(go_back, route_name="back")
    config.scan()
    return config.make_wsgi_app()
