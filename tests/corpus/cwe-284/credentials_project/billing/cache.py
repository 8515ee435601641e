"""The cache in front of the invoice store."""
import os

import redis


# ruleid: hardcoded-password
def cache_client(host="cache.billing.internal", password="c4che-Pa55-7x"):
    return redis.Redis(host=host, port=6379, password=password)


# ok: hardcoded-password
def cache_client_from_env(host="cache.billing.internal", password=None):
    return redis.Redis(host=host, port=6379, password=password or os.environ["CACHE_PASSWORD"])


# A placeholder default the deployment always overrides is not a credential.
# ok: hardcoded-password
def cache_client_template(host="cache.billing.internal", password="${CACHE_PASSWORD}"):
    return redis.Redis(host=host, port=6379, password=password)
