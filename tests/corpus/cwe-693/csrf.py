"""CSRF protection removed (CWE-352)."""
import hashlib
import hmac
import os

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
WEBHOOK_KEY = os.environ["WEBHOOK_KEY"].encode()

# ruleid: csrf-protection-disabled
WTF_CSRF_ENABLED = False

# ruleid: csrf-protection-disabled
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


class ProductionConfig:
    # ok: csrf-protection-disabled
    WTF_CSRF_ENABLED = True


class TestingConfig:
    # ok: csrf-protection-disabled
    WTF_CSRF_ENABLED = False


# ruleid: csrf-exempt-state-change
@csrf_exempt
def change_email(request):
    request.user.email = request.POST["email"]
    request.user.save()
    return HttpResponse("ok")


# ok: csrf-exempt-state-change
@csrf_exempt
def stripe_webhook(request):
    expected = hmac.new(WEBHOOK_KEY, request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers["Stripe-Signature"]):
        return HttpResponse(status=400)
    Payment.objects.create(payload=request.body)
    return HttpResponse("ok")


# ok: csrf-exempt-state-change
@csrf_exempt
def health(request):
    return JsonResponse({"status": "ok"})


# ruleid: csrf-exempt-state-change
@csrf.exempt
def transfer(form, db):
    db.session.add(form.to_transfer())
    db.session.commit()
    return "done"


class Payment:
    objects = None
