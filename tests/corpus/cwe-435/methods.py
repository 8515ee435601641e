"""GET handlers that change data (CWE-650) and method overrides on any request (CWE-436)."""
import os

from django.views import View
from django.views.decorators.http import require_GET
from flask import Flask, request
from flask_login import current_user

from .models import Item, db

app = Flask(__name__)


@app.route("/items/<int:item_id>/delete")
def delete_item(item_id):
    # ruleid: state-change-on-get
    Item.query.filter_by(id=item_id, owner_id=current_user.id).delete()
    db.session.commit()
    return "deleted"


@app.route("/items/<int:item_id>/delete", methods=["POST"])
def delete_item_post(item_id):
    # ok: state-change-on-get
    Item.query.filter_by(id=item_id, owner_id=current_user.id).delete()
    db.session.commit()
    return "deleted"


@app.get("/items/<int:item_id>")
def show_item(item_id):
    item = Item.query.get_or_404(item_id)
    item.views += 1
    # ok: state-change-on-get
    db.session.commit()
    return item.title


@require_GET
def purge_exports(request):
    for name in os.listdir("/srv/exports"):
        # ruleid: state-change-on-get
        os.remove(os.path.join("/srv/exports", name))


class SubscribeView(View):
    def get(self, request):
        # ruleid: state-change-on-get
        Subscription.objects.create(user=request.user, list_id=request.GET["list"])

    def post(self, request):
        # ok: state-change-on-get
        Subscription.objects.create(user=request.user, list_id=request.POST["list"])


class Subscription:
    objects = None


class MethodOverride:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # ruleid: method-override-from-any-request
        method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "")
        if method:
            environ["REQUEST_METHOD"] = method.upper()
        return self.app(environ, start_response)


class PostOnlyMethodOverride:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # ok: method-override-from-any-request
        method = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper()
        if environ["REQUEST_METHOD"] == "POST" and method in ("PUT", "PATCH", "DELETE"):
            environ["REQUEST_METHOD"] = method
        return self.app(environ, start_response)


def dispatch():
    # ruleid: method-override-from-any-request
    action = request.args.get("_method", request.method)
    return action


def describe_field():
    # ok: method-override-from-any-request
    return {"_method": "hidden form field used by the JS client"}
