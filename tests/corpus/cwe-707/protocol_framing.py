"""Protocol framing in library code (issue 14): CR LF framed lines built from a public function's
arguments (the library threat model, low confidence), and the checks that clear them.

A library has no request object: what a client or a peer sends reaches it as the arguments of its
public functions. Only the framing sinks follow them (analysis.library).
"""
# capability: protocol-framing
import re
from email.message import Message
from http.server import BaseHTTPRequestHandler


class Response:
    """A response object a server writes out (the shape of gunicorn's and waitress's)."""

    def __init__(self, status, reason, headers):
        self.status = status
        self.reason = reason
        self.headers = headers

    def status_line(self):
        # ruleid: taint-crlf-injection
        return "HTTP/1.1 %d %s\r\n" % (self.status, self.reason)

    def status_line_numeric(self):
        # ok: taint-crlf-injection
        return b"HTTP/1.1 %d OK\r\n" % self.status

    def header_lines(self):
        # ruleid: taint-crlf-injection
        return "".join(f"{name}: {value}\r\n" for name, value in self.headers)


def write_header(sock, name, value):
    # ruleid: taint-crlf-injection
    sock.sendall(f"{name}: {value}\r\n".encode("latin-1"))


def write_checked_header(sock, name, value):
    if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
        raise ValueError("a header may not hold a line break")
    # ok: taint-crlf-injection
    sock.sendall(f"{name}: {value}\r\n".encode("latin-1"))


def write_header_half_checked(sock, name, value):
    if "\n" in value:
        raise ValueError("a header value may not hold a line feed")
    # ruleid: taint-crlf-injection
    sock.sendall(f"X-Trace: {value}\r\n".encode("latin-1"))


def write_stripped_header(sock, value):
    value = value.replace("\r", "").replace("\n", "")
    # ok: taint-crlf-injection
    sock.sendall(f"X-Trace: {value}\r\n".encode("latin-1"))


def request_line(method, target):
    # ruleid: taint-crlf-injection
    return "{} {} HTTP/1.1\r\n".format(method, target)


def smtp_command(transport, address):
    # ruleid: taint-crlf-injection
    transport.write(b"RCPT TO:<" + address + b">\r\n")


def smtp_command_checked(transport, address):
    if b"\r" in address or b"\n" in address:
        raise ValueError("bad address")
    # ok: taint-crlf-injection
    transport.write(b"RCPT TO:<" + address + b">\r\n")


def reply_with_body(sock, body):
    # The body follows the blank line: it frames nothing.
    # ok: taint-crlf-injection
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)


def _write_private(sock, value):
    # Not API: only what the package itself passes reaches it (nothing here).
    # ok: taint-crlf-injection
    sock.sendall(b"X-Private: " + value + b"\r\n")


def plain_text(lines):
    # A lone LF frames no protocol line.
    # ok: taint-crlf-injection
    return "\n".join(lines) + "\n"


def notification(subject, recipient, body):
    # ruleid: taint-crlf-injection
    head = f"From: exports@example.com\r\nTo: {recipient}\r\nSubject: {subject}\r\n"
    # ok: taint-crlf-injection
    return head + f"\r\n{body}"


def parse_content_type(value):
    # email.message parses a header here and never writes it out.
    message = Message()
    # ok: taint-crlf-injection
    message["content-type"] = value
    return message.get_content_type()


def line_pattern(line):
    # CR and LF inside a regular expression's character class frame nothing.
    # ok: taint-crlf-injection
    return re.compile(re.escape(line) + "[\r\n]?")


def wrap_script(script):
    # A script after a first line of its own: the value is whole lines, not part of a framed one.
    # ok: taint-crlf-injection
    return "Set-StrictMode -Version Latest\r\n%s" % script


class StatusHandler(BaseHTTPRequestHandler):
    def reply(self, code, reason):
        # ruleid: taint-crlf-injection
        self.send_response(code, reason)
        self.end_headers()

    def reply_fixed(self, code):
        # ok: taint-crlf-injection
        self.send_response(code, "OK")
        self.end_headers()


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1F\x7F]")


class WsgiResponse:
    """Headers collected from a WSGI application's start_response (gunicorn's shape)."""

    def __init__(self):
        self.headers = []
        self.checked = []

    def process_headers(self, headers):
        for name, value in headers:
            self.headers.append((name.strip(), value))

    def process_checked_headers(self, headers):
        for name, value in headers:
            if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
                raise ValueError("control character in a header")
            self.checked.append((name.strip(), value))

    def header_block(self):
        # ruleid: taint-crlf-injection
        return "".join(["%s: %s\r\n" % (k, v) for k, v in self.headers])

    def checked_block(self):
        # ok: taint-crlf-injection
        return "".join(["%s: %s\r\n" % (k, v) for k, v in self.checked])


HEADER_VALUE = re.compile(b"[\x00-\x1F\x7F]")


class ResponseCycle:
    """An ASGI server's response writer (uvicorn's shape): a line's pieces in a list, joined later."""

    def __init__(self, transport):
        self.transport = transport

    async def send(self, message):
        content = [b"HTTP/1.1 200 OK\r\n"]
        for name, value in message.get("headers", []):
            # ruleid: taint-crlf-injection
            content.extend([name, b": ", value, b"\r\n"])
        self.transport.write(b"".join(content))

    async def send_checked(self, message):
        content = [b"HTTP/1.1 200 OK\r\n"]
        for name, value in message.get("headers", []):
            if HEADER_VALUE.search(name) or HEADER_VALUE.search(value):
                raise RuntimeError("Invalid HTTP header.")
            # ok: taint-crlf-injection
            content.extend([name, b": ", value, b"\r\n"])
        self.transport.write(b"".join(content))
