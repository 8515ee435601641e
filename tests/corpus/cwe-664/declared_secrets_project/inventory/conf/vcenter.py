from oslo_config import cfg

vcenter_group = cfg.OptGroup("vcenter", title="vCenter connection")

vcenter_opts = [
    cfg.HostAddressOpt("host_ip", help="Address of the vCenter server."),
    cfg.StrOpt("host_username", help="User name for the vCenter server."),
    cfg.StrOpt("host_password", secret=True, help="Password for the vCenter server."),
    # Named like a secret, declared as none: the path of a file, not its content.
    cfg.StrOpt("ca_file", help="CA bundle to verify the server's certificate."),
    cfg.StrOpt("secret_uuid", help="UUID of the libvirt secret holding the volume key."),
]


def register_opts(conf):
    conf.register_group(vcenter_group)
    conf.register_opts(vcenter_opts, group=vcenter_group)
