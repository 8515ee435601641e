"""Values of a fixed form (dates, digests, MIME types) cannot carry CR/LF into a header."""
import hashlib
import mimetypes

from flask import Flask, make_response, request
from werkzeug.http import http_date

app = Flask(__name__)


@app.route("/download/<name>")
def download(name):
    response = make_response(b"")
    stamp = request.args.get("t")
    # ok: taint-header-injection
    response.headers["Last-Modified"] = http_date(stamp)
    content_type, encoding = mimetypes.guess_type(name)
    # ok: taint-header-injection
    response.headers["Content-Encoding"] = encoding
    # ok: taint-header-injection
    response.headers["ETag"] = hashlib.sha256(name.encode()).hexdigest()
    # ruleid: taint-header-injection
    response.headers["X-File"] = name
    return response
