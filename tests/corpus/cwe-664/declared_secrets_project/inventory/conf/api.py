from oslo_config import cfg

api_opts = [
    cfg.StrOpt("shared_secret", dest="metadata_secret", secret=True,
               help="Secret shared with the metadata proxy to sign instance ids."),
    cfg.StrOpt("auth_strategy", default="keystone", help="How requests are authenticated."),
]


def register_opts(conf):
    conf.register_opts(api_opts, group="api")
