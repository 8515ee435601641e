"""More comparison cases: spellings and near misses (CWE-1024, CWE-625, CWE-839, CWE-595, CWE-187)."""
import re
import secrets

from django.core.exceptions import PermissionDenied


def delete_comment(request, comment):
    # ruleid: incompatible-type-comparison
    if request.POST.get("author_id") != comment.author_id:
        raise PermissionDenied


def delete_comment_converted(request, comment):
    # ok: incompatible-type-comparison
    if int(request.POST.get("author_id", "0")) != comment.author_id:
        raise PermissionDenied


def csrf_equal(request, expected: bytes):
    # ruleid: incompatible-type-comparison
    return secrets.compare_digest(request.headers["X-Token"], expected.hex().encode())


def csrf_equal_text(request, expected: bytes):
    # ok: incompatible-type-comparison
    return secrets.compare_digest(request.headers["X-Token"], expected.hex())


def is_status_ok(request):
    # ok: incompatible-type-comparison
    return request.GET.get("status") == "ok"


def trusted_referrer(referrer):
    # ruleid: permissive-host-regex
    return re.match(r"^https?://(www\.)?example\.com", referrer) is not None


def trusted_referrer_anchored(referrer):
    # ok: permissive-host-regex
    return re.match(r"^https?://(www\.)?example\.com(/|$)", referrer) is not None


# ruleid: permissive-host-regex
CORS_ORIGIN_PATTERN = re.compile(r"https://[a-z]+.partner\.org")
# ok: permissive-host-regex
SLUG_PATTERN = re.compile(r"[a-z]+.[a-z]+")


def transfer(request, account):
    points = int(request.POST["points"])
    # ruleid: missing-minimum-check
    if points >= account.points:
        raise PermissionDenied
    account.points -= points


def transfer_checked(request, account):
    points = int(request.POST["points"])
    # ok: missing-minimum-check
    if points < 1 or points > account.points:
        raise PermissionDenied
    account.points -= points


def plan_is_free(plan):
    # ruleid: identity-comparison-with-literal
    return plan.price is 0  # noqa: F632


def plan_is_free_properly(plan):
    # ok: identity-comparison-with-literal
    return plan.price == 0 and plan.coupon is None


def same_site(origin):
    # ruleid: partial-host-comparison
    return origin.endswith("partner.org")


def same_site_exact(origin):
    # ok: partial-host-comparison
    return origin == "https://partner.org" or origin.endswith(".partner.org")
