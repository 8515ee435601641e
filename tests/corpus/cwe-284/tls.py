"""TLS certificate verification disabled (CWE-295)."""
import requests
import httpx


def fetch(url):
    # ruleid: tls-verification-disabled
    return requests.get(url, verify=False, timeout=10)


def fetch_with_session(url):
    session = requests.Session()
    # ruleid: tls-verification-disabled
    return session.post(url, data={}, verify=False, timeout=10)


def fetch_httpx(url):
    # ruleid: tls-verification-disabled
    return httpx.Client(verify=False).get(url)


def fetch_properly(url):
    # ok: tls-verification-disabled
    return requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=10)


def unrelated(form):
    # ok: tls-verification-disabled
    return form.validate(verify=False)
