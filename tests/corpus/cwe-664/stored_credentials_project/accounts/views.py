"""Second-factor device management."""
import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from accounts.models import Device, LegacyAccount

logger = logging.getLogger(__name__)


def device_detail(request, pk):
    device = get_object_or_404(Device, pk=pk, owner=request.user)
    # ok: secret-in-response
    return JsonResponse({"name": device.name, "confirmed": device.confirmed})


def device_provisioning(request, pk):
    device = Device.objects.get(pk=pk, owner=request.user)
    response = HttpResponse("provisioned", content_type="text/plain")
    # ruleid: secret-in-response
    response["X-TOTP-Seed"] = device.totp_seed
    return response


def confirm_device(request, pk):
    device = Device.objects.filter(pk=pk, owner=request.user).first()
    # ruleid: secret-in-log
    logger.info("confirming device %s with seed %s", device.name, device.totp_seed)
    device.confirmed = True
    device.save()
    return JsonResponse({"confirmed": True})


def legacy_account(request, username):
    account = LegacyAccount.objects.get(username=username)
    # A field named password, declared a plain CharField: its name alone makes no secret.
    # ok: secret-in-log
    logger.info("migrating legacy account %s (%s)", account.username, account.password)
    return JsonResponse({"username": account.username})
