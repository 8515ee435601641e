"""Talks to vCenter with the credentials of the configuration."""
import logging

from oslo_utils import strutils

import inventory.conf

CONF = inventory.conf.CONF
LOG = logging.getLogger(__name__)


class VCenterError(Exception):
    """vCenter refused a request."""


def _credentials():
    return CONF.vcenter.host_username, CONF.vcenter.host_password


def connect(session_factory):
    user, password = _credentials()
    # ruleid: secret-in-log
    LOG.debug("logging in to %s as %s/%s", CONF.vcenter.host_ip, user, password)
    return session_factory(CONF.vcenter.host_ip, user, password)


def connect_quietly(session_factory):
    # ok: secret-in-log
    LOG.debug("logging in to %s as %s (CA %s, key %s)", CONF.vcenter.host_ip, CONF.vcenter.host_username,
              CONF.vcenter.ca_file, CONF.vcenter.secret_uuid)
    return session_factory(CONF.vcenter.host_ip, CONF.vcenter.host_username, CONF.vcenter.host_password)


def check_login(session):
    if not session.logged_in:
        # ruleid: secret-in-exception
        raise VCenterError("login failed for %s with password %s" % (CONF.vcenter.host_username,
                                                                       CONF.vcenter.host_password))


def check_login_quietly(session):
    if not session.logged_in:
        # ok: secret-in-exception
        raise VCenterError("login failed for %s" % CONF.vcenter.host_username)
