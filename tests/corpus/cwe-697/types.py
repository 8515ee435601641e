"""Comparisons between incompatible types (CWE-1024)."""
import hashlib
import hmac

from flask import abort, request
from flask_login import current_user


def owns_profile():
    # ruleid: incompatible-type-comparison
    if request.args["user_id"] != current_user.id:
        abort(403)


def is_page_one():
    # ruleid: incompatible-type-comparison
    return request.args.get("page") == 1


def owns_profile_converted():
    # ok: incompatible-type-comparison
    if int(request.args["user_id"]) != current_user.id:
        abort(403)


def same_team(team):
    # ok: incompatible-type-comparison
    return request.form.get("team") == team.slug


def verify_webhook(secret):
    expected = hmac.new(secret, request.get_data(), hashlib.sha256)
    # ruleid: incompatible-type-comparison
    return hmac.compare_digest(expected.digest(), request.headers["X-Signature"])


def verify_webhook_text(secret):
    expected = hmac.new(secret, request.get_data(), hashlib.sha256)
    # ok: incompatible-type-comparison
    return hmac.compare_digest(expected.hexdigest(), request.headers["X-Signature"])
