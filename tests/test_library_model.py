"""The library threat model and CR LF framing (issue 14): what is public API, what is framed."""

from __future__ import annotations

import textwrap

import pytest

from secreview import review_source
from secreview.analysis import framing, library


@pytest.mark.parametrize(("qualname", "module", "path", "public"), [
    ("pkg.http.send_header", "pkg.http", "pkg/http.py", True),
    ("pkg.http.Response.__init__", "pkg.http", "pkg/http.py", True),
    ("pkg.http.Response.status_line", "pkg.http", "pkg/http.py", True),
    ("pkg.http._send", "pkg.http", "pkg/http.py", False),
    ("pkg.http._Writer.write", "pkg.http", "pkg/http.py", False),
    ("pkg.http.Response._frame", "pkg.http", "pkg/http.py", False),
    ("pkg.http.send.<locals>.inner", "pkg.http", "pkg/http.py", False),
    ("pkg._writers.write_headers", "pkg._writers", "pkg/_writers.py", False),
    ("test_http.send_header", "test_http", "tests/test_http.py", False),
])
def test_public_api(qualname: str, module: str, path: str, public: bool) -> None:
    assert library.public(qualname, module, path) is public


def test_crlf_marker_ignores_regex_classes() -> None:
    assert framing.CRLF.marker("Host: %s\r\n")
    assert not framing.CRLF.marker("[\r\n]?")
    assert not framing.CRLF.marker("plain\ntext\n")


def _rules(source: str, filename: str = "lib/wire.py") -> list[tuple[int, str]]:
    review = review_source(textwrap.dedent(source), filename=filename)
    return sorted((f.location.line, f.rule_id) for f in review.findings if f.rule_id.startswith("taint-"))


def test_public_parameter_reaches_framed_line_at_low_confidence() -> None:
    source = """
        def write_header(sock, name, value):
            sock.sendall(f"{name}: {value}\\r\\n".encode())
    """
    review = review_source(textwrap.dedent(source), filename="lib/wire.py")
    found = [f for f in review.findings if f.rule_id == "taint-crlf-injection"]
    assert [(f.location.line, f.confidence.label) for f in found] == [(3, "low")]
    assert "value of write_header()" in found[0].message or "name of write_header()" in found[0].message


def test_both_line_breaks_must_be_rejected() -> None:
    half = """
        def write_header(sock, value):
            if "\\n" in value:
                raise ValueError(value)
            sock.sendall(f"X: {value}\\r\\n".encode())
    """
    whole = half.replace('if "\\n" in value:', 'if "\\n" in value or "\\r" in value:')
    assert whole != half
    assert _rules(half) == [(5, "taint-crlf-injection")]
    assert _rules(whole) == []


def test_numeric_and_body_values_are_not_framed() -> None:
    source = """
        def reply(sock, code, body):
            sock.sendall(b"HTTP/1.1 %d OK\\r\\n" % code)
            sock.sendall(b"HTTP/1.1 200 OK\\r\\n\\r\\n%s" % body)
            sock.sendall(f"HTTP/1.1 {code:d} OK\\r\\n".encode())
    """
    assert _rules(source) == []


def test_parameters_are_followed_only_to_framing_sinks() -> None:
    source = """
        import os

        def run(command):
            os.system(command)
    """
    assert _rules(source) == []
