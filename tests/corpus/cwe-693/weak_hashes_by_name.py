"""MD5 and SHA-1 asked for by name (`hashlib.new("md5")`), as code that lets its configuration pick
the digest does: a download link signed with SHA-1 and the service's key, a device token made of an
MD5 digest, a webhook check. The same calls with a strong algorithm, marked not for security, or
with an algorithm the caller chooses are not findings (an unknown name is not a weak one)."""
import hashlib
import hmac

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_POST

DIGEST = "sha1"


def _download_code(path, expires):
    digest = hashlib.new("SHA1")
    # ruleid: weak-hash-for-security
    digest.update(hashlib.new("md5", (settings.SECRET_KEY + path).encode()).digest())
    digest.update(str(expires).encode())
    return digest.hexdigest()


def _download_code_hmac(path, expires):
    message = f"{path}:{expires}".encode()
    # ok: weak-hash-for-security
    return hmac.new(settings.SECRET_KEY.encode(), message, "sha256").hexdigest()


def register_device(devices, serial, owner):
    made = hashlib.new(DIGEST, f"{serial}:{owner}".encode()).hexdigest()
    # ruleid: weak-hash-for-security
    return devices.create(owner=owner, serial=serial, token=made)


def register_device_strong(devices, serial, owner):
    made = hashlib.new("sha256", f"{serial}:{owner}".encode()).hexdigest()
    # ok: weak-hash-for-security
    return devices.create(owner=owner, serial=serial, token=made)


@require_POST
def build_hook(request):
    expected = hashlib.new("md5", request.body).hexdigest()
    # ruleid: weak-hash-for-security, timing-unsafe-comparison
    if expected != request.headers.get("X-Signature"):
        return HttpResponseForbidden("bad signature")
    return HttpResponse("queued")


@require_POST
def build_hook_checksum(request):
    # ok: weak-hash-for-security
    expected = hashlib.new("md5", request.body, usedforsecurity=False).hexdigest()
    # A transfer checksum the client sends along: not an authenticity check.
    if expected != request.headers.get("Content-MD5"):
        return HttpResponse("corrupted upload", status=400)
    return HttpResponse("queued")


def fingerprint(devices, serial, owner, algorithm):
    # The caller names the algorithm: unknown here, not taken for a weak one.
    made = hashlib.new(algorithm, f"{serial}:{owner}".encode()).hexdigest()
    # ok: weak-hash-for-security
    return devices.create(owner=owner, serial=serial, token=made)


def device_cache_key(devices, serial, owner):
    # Marked not for security where it is made: its digest is none either.
    digest = hashlib.new("sha1", usedforsecurity=False)
    digest.update(f"{serial}:{owner}".encode())
    # ok: weak-hash-for-security
    return devices.lookup(owner=owner, token=digest.hexdigest())
