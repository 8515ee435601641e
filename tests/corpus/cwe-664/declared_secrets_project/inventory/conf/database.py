from oslo_config import cfg

database_opts = [
    cfg.StrOpt("connection", secret=True,
               help="SQLAlchemy URL of the database, credentials included."),
    cfg.IntOpt("max_pool_size", default=5, help="Connections kept open."),
]


def register_opts(conf):
    conf.register_opts(database_opts, group="database")
