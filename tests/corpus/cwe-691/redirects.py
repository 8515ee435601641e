"""Redirect responses built and dropped (CWE-698)."""
from django.http import HttpResponseRedirect
from flask import redirect, url_for
from flask_login import current_user


def admin_panel(store):
    if not current_user.is_admin:
        # ruleid: redirect-not-returned
        redirect(url_for("login"))
    store.purge()
    return "purged"


def admin_panel_fixed(store):
    if not current_user.is_admin:
        # ok: redirect-not-returned
        return redirect(url_for("login"))
    store.purge()
    return "purged"


def settings_view(request):
    if not request.user.is_authenticated:
        # ruleid: redirect-not-returned
        HttpResponseRedirect("/login/")
    return render_settings(request)


def settings_view_fixed(request):
    # ok: redirect-not-returned
    response = HttpResponseRedirect("/login/")
    return response if not request.user.is_authenticated else render_settings(request)


def render_settings(request):
    return request
