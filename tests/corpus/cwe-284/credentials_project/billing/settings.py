"""Deployment settings of the billing service: some read at run time, some written into the code."""
import os

DB_HOST = "db.billing.internal"
DB_USER = "billing"
# The password every deployment of the service logs in with (used in billing/db.py).
# ruleid: hardcoded-password
DB_PASSWORD = "Xk3-9vQ2mL!p"
# ok: hardcoded-password
REPLICA_PASSWORD = os.environ["REPLICA_PASSWORD"]

# The key that signs webhook payloads (used in billing/signing.py).
# ruleid: hardcoded-cryptographic-key
WEBHOOK_SIGNING_KEY = "q8Zt4mYb9xR2wLk7sDf3hJn0"
# ok: hardcoded-cryptographic-key
RECEIPT_SIGNING_KEY_FILE = "/run/secrets/receipt-signing-key"

# The payment provider's API token (used in billing/payments.py).
# ruleid: hardcoded-credential
PAYMENTS_TOKEN = "pT7-9f8e7d6c5b4a3928170"
# ok: hardcoded-credential
PAYMENTS_SANDBOX_TOKEN = os.environ.get("PAYMENTS_SANDBOX_TOKEN")

# A request-id prefix that looks random but is never used as a credential.
# ok: hardcoded-credential, hardcoded-password, hardcoded-cryptographic-key
REQUEST_ID_PREFIX = "Rq7-x9Lm2Kv8"

# The JWT key falls back to a literal whenever the variable is unset (used in billing/tokens.py).
# ruleid: hardcoded-cryptographic-key
JWT_KEY = os.environ.get("BILLING_JWT_KEY", "dev-Jwt-K3y-42x")
# ok: hardcoded-cryptographic-key
JWT_KEY_STRICT = os.environ["BILLING_JWT_KEY"]
