"""Reading what a peer sends without a size: a small http.server-based endpoint, a WSGI app and a client helper."""
import hashlib
import http.client
import urllib.request
from http.server import BaseHTTPRequestHandler

MAX_BODY = 1024 * 1024
MAX_LINE = 65536
MAX_HEADERS = 100


class UploadHandler(BaseHTTPRequestHandler):
    def do_PUT(self):
        # ruleid: read-unbounded
        body = self.rfile.read()
        self.store(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        if length > MAX_BODY:
            self.send_error(413)
            return
        # ok: read-unbounded
        body = self.rfile.read(length)
        self.store(body)

    def read_trailer_line(self):
        # ruleid: read-unbounded
        return self.rfile.readline()

    def read_trailer_line_bounded(self):
        # ok: read-unbounded
        line = self.rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise ValueError("line too long")
        return line

    def read_trailers(self):
        trailers = []
        # ruleid: accumulation-unbounded
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                break
            trailers.append(line)
        return trailers

    def read_trailers_counted(self):
        trailers = []
        # ok: accumulation-unbounded
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                break
            trailers.append(line)
            if len(trailers) > MAX_HEADERS:
                raise ValueError("got more than %d trailer lines" % MAX_HEADERS)
        return trailers

    def store(self, body):
        self.wfile.write(b"%d" % len(body))


def parse_headers(fp):
    headers = {}
    # ruleid: accumulation-unbounded
    while True:
        line = fp.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def parse_headers_counted(fp):
    headers = {}
    count = 0
    # ok: accumulation-unbounded
    while True:
        line = fp.readline(MAX_LINE + 1)
        count += 1
        if count > MAX_HEADERS:
            raise ValueError("too many headers")
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def wsgi_echo(environ, start_response):
    # ruleid: read-unbounded
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


def wsgi_upload(environ, start_response):
    stream = environ.get("wsgi.input")
    # ruleid: read-unbounded
    body = stream.read()
    start_response("204 No Content", [])
    return [body[:0]]


def wsgi_echo_bounded(environ, start_response):
    length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    # ok: read-unbounded
    body = environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


def download(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        # ruleid: read-unbounded
        return resp.read()


def download_bounded(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        # ok: read-unbounded
        data = resp.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise ValueError("response too large")
    return data


def status_of(host, path):
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("HEAD", path)
    resp = conn.getresponse()
    # ruleid: read-unbounded
    resp.read()
    return resp.status


def summarise(records):
    names = []
    # ok: accumulation-unbounded
    for record in records:
        names.append(record["name"])
    return names


def copy_and_hash(read_from, write_to):
    # A digest's update() folds each chunk into a fixed-size state: nothing accumulates.
    digest = hashlib.sha256()
    data = read_from.read(65536)
    # ok: accumulation-unbounded
    while data:
        write_to.write(data)
        digest.update(data)
        data = read_from.read(65536)
    return digest.hexdigest()


def collect_fields(read_from):
    fields = {}
    data = read_from.read(65536)
    # ruleid: accumulation-unbounded
    while data:
        fields.update(dict.fromkeys(data.split(b"&")))
        data = read_from.read(65536)
    return fields
