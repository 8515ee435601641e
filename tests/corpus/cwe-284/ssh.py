"""SSH clients that accept unknown host keys (CWE-295)."""
import asyncssh
import paramiko
from paramiko import WarningPolicy


def connect(host):
    client = paramiko.SSHClient()
    # ruleid: ssh-host-key-not-verified
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, username="deploy")
    return client


def connect_warning(host):
    client = paramiko.SSHClient()
    # ruleid: ssh-host-key-not-verified
    client.set_missing_host_key_policy(WarningPolicy)
    return client


def connect_known(host):
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    # ok: ssh-host-key-not-verified
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    return client


async def run(host):
    # ruleid: ssh-host-key-not-verified
    async with asyncssh.connect(host, known_hosts=None) as conn:
        return await conn.run("uptime")


async def run_known(host):
    # ok: ssh-host-key-not-verified
    async with asyncssh.connect(host, known_hosts="/etc/ssh/known_hosts") as conn:
        return await conn.run("uptime")
