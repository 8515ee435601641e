"""Sign-up and API token requests."""
import hashlib
import logging

from django.contrib.auth.hashers import make_password
from django.http import JsonResponse

from accounts.forms import SignupForm, TokenRequestSerializer
from accounts.models import LegacyAccount

logger = logging.getLogger(__name__)


def signup(request):
    form = SignupForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    # ruleid: secret-in-log
    logger.info("new account %s (password %s)", form.cleaned_data["email"], form.cleaned_data["password"])
    # ruleid: fast-hash-for-password
    digest = hashlib.sha256(form.cleaned_data["password"].encode()).hexdigest()
    LegacyAccount.objects.create(username=form.cleaned_data["email"], password=digest)
    return JsonResponse({"created": True}, status=201)


def signup_properly(request):
    form = SignupForm(request.POST)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    # ok: secret-in-log
    logger.info("new account %s, called %s", form.cleaned_data["email"], form.cleaned_data["secret_name"])
    # ok: fast-hash-for-password
    stored = make_password(form.cleaned_data["password"])
    LegacyAccount.objects.create(username=form.cleaned_data["email"], password=stored)
    return JsonResponse({"created": True}, status=201)


def token_request(request):
    serializer = TokenRequestSerializer(data=request.POST)
    serializer.is_valid(raise_exception=True)
    # ruleid: secret-in-log
    logger.debug("token request %s:%s", serializer.validated_data["username"], serializer.validated_data["password"])
    # ok: secret-in-log
    logger.debug("token request for %s", serializer.validated_data["username"])
    return JsonResponse({"queued": True})
