"""Credentials sent to plain http:// URLs (CWE-319, issue 20)."""
import httpx
import requests

API = "http://billing.example.com/api/v1"


def submit(job, password, token, session_id):
    # ruleid: cleartext-credentials-http
    requests.post("http://billing.example.com/api/v1/jobs", json=job, auth=("svc", password), timeout=10)
    # ok: cleartext-credentials-http
    requests.post("https://billing.example.com/api/v1/jobs", json=job, auth=("svc", password), timeout=10)
    # ruleid: cleartext-credentials-http
    httpx.get(f"{API}/status", headers={"Authorization": f"Bearer {token}"})
    # ok: cleartext-credentials-http
    httpx.get("http://billing.example.com/health", headers={"Accept": "application/json"})
    # ruleid: cleartext-credentials-http
    requests.get("http://billing.example.com/me", cookies={"sessionid": session_id}, timeout=5)
    # ok: cleartext-credentials-http
    requests.get("http://127.0.0.1:8080/me", cookies={"sessionid": session_id}, timeout=5)
    # ok: cleartext-credentials-http
    requests.get("http://billing.example.com/public", timeout=5)
    # ok: cleartext-credentials-http
    requests.get("http://[::1]:8080/me", cookies={"sessionid": session_id}, timeout=5)  # IPv6 loopback
    # ruleid: cleartext-credentials-http
    requests.get("http://localhost.billing.example.com/me", cookies={"sessionid": session_id}, timeout=5)
