from oslo_config import cfg

cache_group = cfg.OptGroup(name="cache", title="Result cache")

# `connection` again: in this group the address of a memcached server, declared as no secret. The
# database group's `connection` (with its password) is one.
cache_opts = [
    cfg.StrOpt("connection", default="127.0.0.1:11211", help="host:port of the memcached server."),
    cfg.IntOpt("expiration_time", default=600, help="Seconds a cached result is kept."),
]


def register_opts(conf):
    conf.register_group(cache_group)
    conf.register_opts(cache_opts, group=cache_group)
