"""Connects the cache and the identity client from their configuration groups."""
import logging

import inventory.conf

CONF = inventory.conf.CONF
LOG = logging.getLogger(__name__)


def cache_client(memcache_client):
    address = CONF.cache.connection
    # The cache group's `connection` is an address (the option is declared plain there).
    # ok: secret-in-log
    LOG.info("caching results in memcached at %s for %ss", address, CONF.cache.expiration_time)
    return memcache_client([address])


def database_url():
    # The same option name in the database group is declared secret (the URL holds the password).
    url = CONF.database.connection
    # ruleid: secret-in-log
    LOG.info("database at %s, cache at %s", url, CONF.cache.connection)
    return url


def identity_session(session_factory):
    # Declared secret where it is defined, in whichever group the package registers it.
    auth = {"auth_url": CONF.keystone.auth_url, "username": CONF.keystone.username,
            "password": CONF.keystone.password}
    # ruleid: secret-in-log
    LOG.debug("authenticating the service user with %s", auth)
    return session_factory(**auth)


def identity_session_quietly(session_factory):
    # ok: secret-in-log
    LOG.debug("authenticating the service user %s at %s", CONF.keystone.username, CONF.keystone.auth_url)
    return session_factory(auth_url=CONF.keystone.auth_url, username=CONF.keystone.username,
                           password=CONF.keystone.password)
