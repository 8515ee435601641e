"""Response header injection (CWE-113) and log injection (CWE-117)."""
import logging
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

from django.http import HttpResponse
from flask import Flask, make_response, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/download")
def download():
    response = make_response(b"...")
    # ruleid: header-injection
    response.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]
    # ok: header-injection
    response.headers["Content-Disposition"] = "attachment; filename=" + secure_filename(request.args["name"])
    # ok: header-injection
    response.headers["Cache-Control"] = "no-store"
    return response


def django_view(request):
    response = HttpResponse("ok")
    # ruleid: header-injection
    response["X-Forwarded-User"] = request.GET["user"]
    # ok: header-injection
    response["X-Frame-Options"] = "DENY"
    return response


def reading_request_headers_is_fine(request):
    headers = {}
    # ok: header-injection
    headers["agent"] = request.headers["User-Agent"]
    return headers


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        # ruleid: header-injection
        self.send_header("Location", self.request.args["next"])
        # ok: header-injection
        self.send_header("Content-Type", "text/plain")


def wsgi_app(environ, start_response):
    from werkzeug.wrappers import Request
    req = Request(environ)
    # ruleid: header-injection
    start_response("200 OK", [("X-Echo", req.args["v"])])
    return [b""]


@app.route("/login", methods=["POST"])
def login():
    # ruleid: log-injection
    logger.warning("login failed for %s", request.form["user"])
    # ok: log-injection
    logger.warning("login failed for %r", request.form["user"])
    # ruleid: log-injection
    logging.info(f"search for {request.args['q']}")
    # ok: log-injection
    logging.info(f"search for {request.args['q']!r}")
    # ok: log-injection
    logger.info("login attempt from %s", request.remote_addr)
    # ruleid: log-injection
    app.logger.log(logging.ERROR, "bad referrer " + request.headers.get("Referer", ""))
    return ""


def not_logging(catalog, math):
    # ok: log-injection
    catalog.info(request.args["q"])
    # ok: log-injection
    return math.log(float(request.args["x"]))


@app.route("/echo")
def echo_header():
    response = make_response("")
    # ruleid: header-injection
    response.headers.add("X-Echo", request.args.get("v", ""))
    # ok: header-injection
    response.headers.get("X-Echo", request.args.get("v", ""))
    return response


@app.route("/audit", methods=["POST"])
def audit():
    # ok: log-injection
    logger.info("query %s form %s body %s", request.args, request.form, request.data)
    # ruleid: log-injection
    logger.info("path %s", request.path)
    return ""


@app.route("/expires")
def expires():
    response = make_response(b"...")
    # ok: header-injection
    response.headers["Expires"] = formatdate(float(request.args.get("at", "0")), usegmt=True)
    when = request.args.get("at")
    stamp = formatdate(when, usegmt=True)
    # ok: header-injection
    response.headers["Last-Modified"] = stamp
    # ruleid: header-injection
    response.headers["X-Requested-At"] = when
    return response


LANGUAGES = {"en", "fr", "de"}


@app.route("/language")
def language():
    # The pattern rule defers to the flow: an allow-list check clears the value for every sink.
    response = make_response(b"...")
    lang = request.args.get("lang", "en")
    if lang not in LANGUAGES:
        return "unknown language", 400
    # ok: header-injection
    response.headers["Content-Language"] = lang
    return response


@app.route("/language-unchecked")
def language_unchecked():
    response = make_response(b"...")
    lang = request.args.get("lang", "en")
    if lang in LANGUAGES:
        logger.info("known language")
    # ruleid: header-injection
    response.headers["Content-Language"] = lang
    return response
