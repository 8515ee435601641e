"""Session cookies without HttpOnly (CWE-1004)."""
from flask import Flask, make_response

app = Flask(__name__)
# ruleid: cookie-without-httponly
app.config["SESSION_COOKIE_HTTPONLY"] = False
# ok: cookie-without-httponly
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


def login(token):
    response = make_response("ok")
    # ruleid: cookie-without-httponly
    response.set_cookie("session_token", token, secure=True)
    # ruleid: cookie-without-httponly
    response.set_cookie("remember_me", token, secure=True, httponly=False)
    # ok: cookie-without-httponly
    response.set_cookie("auth", token, secure=True, httponly=True, samesite="Lax")
    # ok: cookie-without-httponly
    response.set_cookie("csrf_token", token, secure=True)
    # ok: cookie-without-httponly
    response.set_cookie("theme", "dark")
    return response
