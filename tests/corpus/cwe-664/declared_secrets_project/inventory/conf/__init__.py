"""The service's configuration: every option is declared in a module of this package, as
oslo.config projects do, and read as CONF.<group>.<name> everywhere else."""
from oslo_config import cfg

from inventory.conf import api
from inventory.conf import cache
from inventory.conf import database
from inventory.conf import keystone
from inventory.conf import vcenter

CONF = cfg.CONF

api.register_opts(CONF)
cache.register_opts(CONF)
database.register_opts(CONF)
for group, options in keystone.list_opts().items():
    CONF.register_opts(options, group=group)
vcenter.register_opts(CONF)
