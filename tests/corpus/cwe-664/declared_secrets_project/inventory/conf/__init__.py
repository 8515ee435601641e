"""The service's configuration: every option is declared in a module of this package, as
oslo.config projects do, and read as CONF.<group>.<name> everywhere else."""
from oslo_config import cfg

from inventory.conf import api
from inventory.conf import database
from inventory.conf import vcenter

CONF = cfg.CONF

api.register_opts(CONF)
database.register_opts(CONF)
vcenter.register_opts(CONF)
