"""Session cookies without Secure (CWE-614)."""
from django.http import HttpResponse


def login_view(request, session_id):
    response = HttpResponse("welcome")
    # ruleid: cookie-without-secure
    response.set_cookie("sessionid", session_id, httponly=True)
    # ruleid: cookie-without-secure
    response.set_cookie("auth_token", session_id, httponly=True, secure=False)
    # ok: cookie-without-secure
    response.set_cookie("refresh_token", session_id, httponly=True, secure=True, samesite="Strict")
    # ok: cookie-without-secure
    response.set_cookie("language", "en")
    return response


def configure(app):
    # ruleid: cookie-without-secure, csrf-protection-disabled
    app.config.update(SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False)
    # ok: cookie-without-secure, csrf-protection-disabled
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax")
