"""Options of the identity service client, registered by the package (`conf/__init__.py`) in the
group `list_opts` names, as oslo libraries hand their options to the service that uses them."""
from oslo_config import cfg

keystone_opts = [
    cfg.StrOpt("auth_url", help="Identity service endpoint."),
    cfg.StrOpt("username", help="Service user."),
    cfg.StrOpt("password", secret=True, help="Service user's password."),
]


def list_opts():
    return {"keystone": keystone_opts}
