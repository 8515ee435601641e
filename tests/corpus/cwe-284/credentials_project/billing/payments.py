"""The payment provider's client."""
from billing.settings import PAYMENTS_SANDBOX_TOKEN, PAYMENTS_TOKEN


class ProviderClient:
    def __init__(self, token, timeout=10):
        self.token = token
        self.timeout = timeout


def live_client():
    # ok: hardcoded-credential
    return ProviderClient(token=PAYMENTS_TOKEN)


def sandbox_client():
    # ok: hardcoded-credential
    return ProviderClient(token=PAYMENTS_SANDBOX_TOKEN)
