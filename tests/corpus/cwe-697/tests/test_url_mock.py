"""A test's URL mock dispatches on fixed local URLs: no host is being trusted (CWE-187 does not apply)."""


def fake_urlopen(url):
    # ok: partial-host-comparison
    if url.startswith("http://127.0.0.1:123"):
        return "first"
    return "other"
