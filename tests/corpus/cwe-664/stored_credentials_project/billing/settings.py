import os

FIELD_KEY = os.environ["BILLING_FIELD_KEY"]
