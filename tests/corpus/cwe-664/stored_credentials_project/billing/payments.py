"""Charges a customer through the payment provider with the merchant's own key."""
import hashlib
import logging

from billing.models import Customer, Merchant, db

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """The provider refused a charge."""


def key_id(key):
    """Identifies a key in the logs without showing it."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def charge(provider, merchant: Merchant, customer_id, amount):
    customer = db.session.get(Customer, customer_id)
    # ok: secret-in-log
    log.info("charging %s for %s (card %s)", customer.email, amount, customer.card_token)
    result = provider.charge(api_key=merchant.provider_key, card=customer.card_token, amount=amount)
    if not result.ok:
        # ruleid: secret-in-exception
        raise ProviderError(f"charge refused for merchant {merchant.name} using key {merchant.provider_key}")
    return result


def charge_quietly(provider, merchant: Merchant, customer_id, amount):
    customer = db.session.get(Customer, customer_id)
    result = provider.charge(api_key=merchant.provider_key, card=customer.card_token, amount=amount)
    if not result.ok:
        # ok: secret-in-exception
        raise ProviderError(f"charge refused for merchant {merchant.name} using key {key_id(merchant.provider_key)}")
    return result


def onboard(name, email, provider_key):
    merchant = Merchant(name=name, contact_email=email, provider_key=provider_key)
    db.session.add(merchant)
    db.session.commit()
    # ok: secret-in-log
    log.info("merchant %s onboarded (%s)", merchant.name, merchant.contact_email)
    return merchant
