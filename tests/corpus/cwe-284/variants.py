"""More access-control cases: aliases, from-imports and near misses (CWE-295, CWE-297, CWE-732, CWE-259, CWE-798)."""
import os as operating_system
import ssl as tls
from os import chmod
from ssl import CERT_NONE, CERT_REQUIRED, create_default_context
from stat import S_IRWXO, S_IRWXU

import paramiko as pm
import requests as rq
from paramiko.client import AutoAddPolicy, SSHClient


def context_aliases():
    ctx = create_default_context()
    # ruleid: tls-context-unverified
    ctx.verify_mode = CERT_NONE
    # ok: tls-context-unverified
    ctx.verify_mode = CERT_REQUIRED
    # ruleid: tls-context-unverified
    return ctx, tls._create_unverified_context()


def ssh_aliases():
    client = SSHClient()
    # ruleid: ssh-host-key-not-verified
    client.set_missing_host_key_policy(AutoAddPolicy())
    other = pm.SSHClient()
    # ruleid: ssh-host-key-not-verified
    other.set_missing_host_key_policy(pm.client.WarningPolicy())
    return client, other


def modes(path):
    # ruleid: world-writable-permissions
    chmod(path, S_IRWXU | S_IRWXO)
    # ruleid: world-writable-permissions
    operating_system.chmod(path, 438)
    # ok: world-writable-permissions
    operating_system.chmod(path, 0o640)


def generic_request(url):
    # ruleid: tls-verification-disabled
    return rq.request("GET", url, verify=False, timeout=3)


class Config:
    # ruleid: hardcoded-password
    DB_PASSWORD = "Zq9!mR2#vL7x"
    # ruleid: hardcoded-credential
    STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    # ok: hardcoded-password
    PASSWORD_RESET_TIMEOUT = 3600
    # ok: hardcoded-password
    AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
    # ok: hardcoded-credential
    TOKEN_HEADER = "Authorization"


# ruleid: hardcoded-password
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "Db-Pa55-Prod!"}}
# ok: hardcoded-password
DATABASES_FROM_ENV = {"default": {"PASSWORD": operating_system.environ.get("DB_PASSWORD", "")}}


def prompt(getpass):
    # ok: hardcoded-password
    password = getpass("Password: ")
    return password
