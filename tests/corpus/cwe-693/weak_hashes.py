"""MD5 and SHA-1 judged by where the digest goes (CWE-328): a webhook signature checked with SHA-1,
a "remember me" cookie and an API token made of an MD5 digest, a home-made MAC keyed with the Django
secret key. The same digests as ETags, cache keys, upload names and checksums compared with one the
code computed are not findings."""
import hashlib
import hmac
import os
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotModified

UPLOADS = "/srv/uploads"
TERMS = "/srv/pages/terms.html"


def github_webhook(request):
    body = request.body
    expected = "sha1=" + hashlib.sha1(body).hexdigest()
    # ruleid: weak-hash-for-security, timing-unsafe-comparison
    if expected != request.headers["X-Hub-Signature"]:
        return HttpResponseForbidden("bad signature")
    return HttpResponse("ok")


def github_webhook_hmac(request):
    expected = "sha256=" + hmac.new(settings.SECRET_KEY.encode(), request.body, hashlib.sha256).hexdigest()
    # ok: weak-hash-for-security, timing-unsafe-comparison
    if not hmac.compare_digest(expected, request.headers["X-Hub-Signature-256"]):
        return HttpResponseForbidden("bad signature")
    return HttpResponse("ok")


def remember_me(request, response, user):
    stamp = f"{user.pk}:{int(time.time())}"
    token = hashlib.md5(stamp.encode()).hexdigest()
    # ruleid: weak-hash-for-security
    response.set_cookie("remember", token, secure=True, httponly=True)
    return response


def issue_api_token(tokens, user):
    digest = hashlib.sha1(f"{user.email}{time.time()}".encode()).hexdigest()
    # ruleid: weak-hash-for-security
    return tokens.create(user=user, token=digest)


def unsubscribe_link(email):
    # ruleid: weak-hash-for-security
    code = hashlib.md5((settings.SECRET_KEY + email).encode()).hexdigest()
    return f"https://example.org/unsubscribe?email={email}&code={code}"


def unsubscribe_link_hmac(email):
    # ok: weak-hash-for-security
    code = hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256).hexdigest()
    return f"https://example.org/unsubscribe?email={email}&code={code}"


def terms_of_service(request):
    with open(TERMS, "rb") as handle:
        body = handle.read()
    # ok: weak-hash-for-security
    etag = '"%s"' % hashlib.md5(body).hexdigest()
    # A cache validator compared with the client's If-None-Match authenticates nothing.
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type="text/html")
    response.headers["ETag"] = etag
    return response


def store_upload(data):
    # content addressing: the digest names the file
    # ok: weak-hash-for-security
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(UPLOADS, name)
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(data)
    return name


def verify_copy(source, target):
    with open(source, "rb") as handle:
        before = hashlib.md5(handle.read()).hexdigest()
    with open(target, "rb") as handle:
        # ok: weak-hash-for-security
        after = hashlib.md5(handle.read()).hexdigest()
    return before == after


def issue_api_token_cache_key(cache, user):
    # ok: weak-hash-for-security
    key = hashlib.md5(user.email.encode(), usedforsecurity=False).hexdigest()
    return cache.get(key, token=None)
