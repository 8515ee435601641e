"""Cookies that hold a secret, judged by the value they carry, not by their name (CWE-614, CWE-1004):
a remember-me token, a signed value, an API key handed to the browser. A cookie holding a preference
or request data is no secret; deleting a cookie sets none."""
import hashlib
import hmac
import os
import secrets

from django.http import HttpResponse

SIGNING_KEY = os.environ["COOKIE_SIGNING_KEY"].encode()


def _signed(user_id):
    mac = hmac.new(SIGNING_KEY, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"{user_id}:{mac}"


def remember_me(request, user):
    response = HttpResponse("welcome back")
    token = secrets.token_urlsafe(32)
    user.remember_tokens.create(token=token)
    # ruleid: secret-cookie-without-secure, secret-cookie-without-httponly
    response.set_cookie("keep", token, max_age=30 * 86400)
    return response


def remember_me_safely(request, user):
    response = HttpResponse("welcome back")
    token = secrets.token_urlsafe(32)
    user.remember_tokens.create(token=token)
    # ok: secret-cookie-without-secure, secret-cookie-without-httponly
    response.set_cookie("keep", token, max_age=30 * 86400, secure=True, httponly=True, samesite="Lax")
    return response


def identify(request, user):
    response = HttpResponse("ok")
    # ruleid: secret-cookie-without-httponly
    response.set_cookie("uid", _signed(user.pk), secure=True, httponly=False)
    return response


def identify_safely(request, user):
    response = HttpResponse("ok")
    # ok: secret-cookie-without-httponly, secret-cookie-without-secure
    response.set_cookie("uid", _signed(user.pk), secure=True, httponly=True)
    return response


def preferences(request):
    response = HttpResponse("saved")
    # ok: secret-cookie-without-secure, secret-cookie-without-httponly
    response.set_cookie("theme", request.GET.get("theme", "light"))
    # ok: secret-cookie-without-secure, secret-cookie-without-httponly
    response.set_cookie("keep", "", max_age=0)
    return response
