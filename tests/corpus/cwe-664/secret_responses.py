"""Secrets the server keeps sent back in a response (CWE-200): the Django signing key in a debug
view's JSON, a pydantic-held database password in a health check, the key in a response header.
A token made in the view for the user who logged in, or an API key created for the caller, is
issued by design; a masked copy and pydantic's own (masked) field are not findings."""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from oslo_utils import strutils
from pydantic import SecretStr
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str
    database_password: SecretStr
    api_signing_key: SecretStr


config = Settings()


def debug_settings(request):
    """Shown to staff when DEBUG is on; the key still travels to whoever can reach the page."""
    data = {"debug": settings.DEBUG, "allowed_hosts": settings.ALLOWED_HOSTS}
    data["secret_key"] = settings.SECRET_KEY
    # ruleid: secret-in-response
    return JsonResponse(data)


def debug_settings_masked(request):
    data = {"debug": settings.DEBUG, "allowed_hosts": settings.ALLOWED_HOSTS,
            "secret_key": strutils.mask_password("secret_key=" + settings.SECRET_KEY)}
    # ok: secret-in-response
    return JsonResponse(data)


def _dsn():
    password = config.database_password.get_secret_value()
    return f"postgresql://app:{password}@{config.database_url}/app"


def health(request):
    # ruleid: secret-in-response
    return HttpResponse(f"database: {_dsn()}", content_type="text/plain")


def health_masked(request):
    # pydantic prints a SecretStr as '**********': the field itself shows no secret
    # ok: secret-in-response
    return HttpResponse(f"database password: {config.database_password}", content_type="text/plain")


def signed_download(request, name):
    response = HttpResponse(b"...", content_type="application/octet-stream")
    # ruleid: secret-in-response
    response.headers["X-Signing-Key"] = config.api_signing_key.get_secret_value()
    return response


def signed_download_mac(request, name):
    key = config.api_signing_key.get_secret_value().encode()
    response = HttpResponse(b"...", content_type="application/octet-stream")
    # A MAC made with the key for this name is what a signed link carries, not the key.
    # ok: secret-in-response
    response.headers["X-Signature"] = hmac.new(key, name.encode(), hashlib.sha256).hexdigest()
    return response


def partner_widget(request):
    # Django sets a header by item assignment on the response.
    response = render(request, "partners/widget.html", {"partner": request.GET.get("partner", "")})
    # ruleid: secret-in-response
    response["X-Partner-Key"] = config.api_signing_key.get_secret_value()
    return response


def partner_widget_signed(request):
    partner = request.GET.get("partner", "")
    response = render(request, "partners/widget.html", {"partner": partner})
    key = config.api_signing_key.get_secret_value().encode()
    # ok: secret-in-response
    response["X-Partner-Signature"] = hmac.new(key, partner.encode(), hashlib.sha256).hexdigest()
    return response


def login(request):
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return JsonResponse({"error": "invalid credentials"}, status=401)
    token = secrets.token_urlsafe(32)
    request.session["api_token"] = token
    # the new session token goes to the user who just proved who they are
    # ok: secret-in-response
    return JsonResponse({"token": token})


def create_api_key(request):
    key = secrets.token_hex(20)
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    request.user.api_keys.create(fingerprint=fingerprint)
    # shown once to the caller who created it, stored only as a fingerprint
    # ok: secret-in-response
    return JsonResponse({"key": key, "fingerprint": fingerprint}, status=201)
