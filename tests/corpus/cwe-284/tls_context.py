"""TLS contexts that accept any certificate or any host name (CWE-295, CWE-297)."""
import ssl
import urllib.request

import aiohttp
import requests
import urllib3


def fetch(url):
    # ruleid: tls-context-unverified
    context = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=context, timeout=10)


def fetch_pinned(url):
    # ok: tls-context-unverified
    context = ssl.create_default_context(cafile="/etc/ssl/private-ca.pem")
    return urllib.request.urlopen(url, context=context, timeout=10)


def context_without_checks():
    context = ssl.create_default_context()
    # ruleid: tls-hostname-check-disabled
    context.check_hostname = False
    # ruleid: tls-context-unverified
    context.verify_mode = ssl.CERT_NONE
    return context


def context_strict():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # ok: tls-hostname-check-disabled
    context.check_hostname = True
    # ok: tls-context-unverified
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def pool():
    # ruleid: tls-context-unverified
    return urllib3.PoolManager(cert_reqs="CERT_NONE")


def pool_verified():
    # ok: tls-context-unverified
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs="/etc/ssl/certs/ca.pem")


def session_without_verification():
    session = requests.Session()
    # ruleid: tls-verification-disabled
    session.verify = False
    return session


def session_with_bundle():
    session = requests.Session()
    # ok: tls-verification-disabled
    session.verify = "/etc/ssl/private-ca.pem"
    return session


async def fetch_async(url):
    async with aiohttp.ClientSession() as session:
        # ruleid: tls-verification-disabled
        async with aiohttp.request("GET", url, ssl=False) as response:
            return await response.text()


class Form:
    def configure(self):
        # ok: tls-hostname-check-disabled
        self.check_hostname = None
