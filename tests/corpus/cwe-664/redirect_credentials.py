"""An HTTP client that follows redirects itself, as small client libraries and SDKs do."""
from urllib.parse import urljoin, urlsplit

REDIRECTS = (301, 302, 303, 307, 308)
SENSITIVE = frozenset({"authorization", "proxy-authorization", "cookie"})


class Session:
    def __init__(self, transport, token):
        self.transport = transport
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url, max_redirects=10):
        headers = dict(self.headers)
        resp = self.transport.send("GET", url, headers=headers)
        for _ in range(max_redirects):
            if resp.status not in REDIRECTS:
                return resp
            url = urljoin(url, resp.headers["Location"])
            # ruleid: redirect-credentials-forwarded
            resp = self.transport.send("GET", url, headers=headers)
        raise RuntimeError("too many redirects")

    def get_same_host(self, url, max_redirects=10):
        headers = dict(self.headers)
        resp = self.transport.send("GET", url, headers=headers)
        for _ in range(max_redirects):
            if resp.status not in REDIRECTS:
                return resp
            target = urljoin(url, resp.headers.get("location"))
            if urlsplit(target).hostname != urlsplit(url).hostname:
                headers.pop("Authorization", None)
            url = target
            # ruleid: redirect-credentials-forwarded
            resp = self.transport.send("GET", url, headers=headers)
        raise RuntimeError("too many redirects")

    def get_same_origin(self, url, max_redirects=10):
        headers = dict(self.headers)
        resp = self.transport.send("GET", url, headers=headers)
        for _ in range(max_redirects):
            if resp.status not in REDIRECTS:
                return resp
            target = urljoin(url, resp.headers.get("location"))
            old, new = urlsplit(url), urlsplit(target)
            if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
                headers = {k: v for k, v in headers.items() if k.lower() not in SENSITIVE}
            url = target
            # ok: redirect-credentials-forwarded
            resp = self.transport.send("GET", url, headers=headers)
        raise RuntimeError("too many redirects")

    def get_dropping(self, url, max_redirects=10):
        headers = dict(self.headers)
        resp = self.transport.send("GET", url, headers=headers)
        for _ in range(max_redirects):
            if resp.status not in REDIRECTS:
                return resp
            url = urljoin(url, resp.getheader("Location"))
            headers.pop("Authorization", None)
            headers.pop("Cookie", None)
            # ok: redirect-credentials-forwarded
            resp = self.transport.send("GET", url, headers=headers)
        raise RuntimeError("too many redirects")
