"""Signatures of outgoing webhooks and receipts."""
import hashlib
import hmac
import logging

from billing import settings

LOG = logging.getLogger(__name__)


def sign_webhook(body: bytes) -> str:
    # ok: hardcoded-cryptographic-key
    return hmac.new(settings.WEBHOOK_SIGNING_KEY.encode(), body, hashlib.sha256).hexdigest()


def sign_receipt(body: bytes) -> str:
    with open(settings.RECEIPT_SIGNING_KEY_FILE, "rb") as handle:
        key = handle.read().strip()
    # ok: hardcoded-cryptographic-key
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def request_id(number: int) -> str:
    LOG.info("request %s%d", settings.REQUEST_ID_PREFIX, number)
    return f"{settings.REQUEST_ID_PREFIX}-{number}"
