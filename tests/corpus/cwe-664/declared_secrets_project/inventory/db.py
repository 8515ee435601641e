"""The database engine, from the configured connection URL (which holds the password)."""
import logging

from oslo_utils import strutils

import inventory.conf

CONF = inventory.conf.CONF
LOG = logging.getLogger(__name__)


def engine(create_engine):
    url = CONF.database.connection
    # ruleid: secret-in-log
    LOG.info("connecting to the database at %s", url)
    return create_engine(url, pool_size=CONF.database.max_pool_size)


def engine_masked(create_engine):
    url = CONF.database.connection
    # ok: secret-in-log
    LOG.info("connecting to the database at %s", strutils.mask_password(url))
    return create_engine(url, pool_size=CONF.database.max_pool_size)
