"""Whole request headers or environments in logs (CWE-532); tracebacks and exception text in responses (CWE-209)."""
import json
import logging
import os
import traceback
from http.server import BaseHTTPRequestHandler

from django.http import HttpResponse, JsonResponse
from flask import Flask, jsonify, request

app = Flask(__name__)
LOG = logging.getLogger(__name__)


@app.route("/hook", methods=["POST"])
def hook():
    # ruleid: request-headers-logged
    LOG.info("headers: %r", dict(request.headers))
    # ok: request-headers-logged
    LOG.info("agent: %r", request.headers.get("User-Agent"))
    # ruleid: request-headers-logged
    LOG.debug(request.environ)
    # ok: request-headers-logged
    LOG.debug("method %s", request.environ["REQUEST_METHOD"])
    received = json.dumps(dict(request.headers.items()))
    # ruleid: request-headers-logged
    LOG.debug("received %r", received)
    # ok: request-headers-logged
    LOG.debug("header names %r", sorted(request.headers.keys()))
    return "ok"


def django_view(request):
    # ruleid: request-headers-logged
    LOG.warning(f"unexpected call {request.META!r}")
    # ok: request-headers-logged
    LOG.warning("unexpected call from %r", request.META.get("REMOTE_ADDR"))
    return HttpResponse("ok")


def start_worker():
    # ruleid: request-headers-logged
    LOG.debug("starting with %s", os.environ)
    # ok: request-headers-logged
    LOG.debug("starting with %s", sorted(os.environ))


def not_a_request(response, headers):
    # ok: request-headers-logged
    LOG.debug("upstream answered %s with %r", response.status, headers)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        # ruleid: request-headers-logged
        LOG.info("GET %r %r", self.path, self.headers.items())
        # ok: request-headers-logged
        LOG.info("GET %r from %r", self.path, self.headers.get("User-Agent"))
        try:
            body = render(self.path)
        except Exception:
            self.send_response(500)
            self.end_headers()
            # ruleid: exception-details-in-response
            self.wfile.write(traceback.format_exc().encode())
            return
        except LookupError:
            # ok: exception-details-in-response
            self.send_error(404, "no such page")
            return
        self.wfile.write(body)


@app.route("/report")
def report():
    try:
        return jsonify(build_report(request.args.get("kind", "daily")))
    except KeyError as exc:
        # ok: exception-details-in-response
        return jsonify(error=f"unknown field {exc}"), 400
    except Exception as exc:
        # ruleid: exception-details-in-response
        return jsonify(error=str(exc)), 500


@app.route("/export")
def export():
    try:
        return build_export()
    except Exception:
        details = traceback.format_exc()
        LOG.error("export failed: %s", details)
        # ruleid: exception-details-in-response
        return "export failed:\n" + details, 500


@app.route("/export2")
def export_fixed():
    try:
        return build_export()
    except Exception:
        # ok: exception-details-in-response
        LOG.error("export failed: %s", traceback.format_exc())
        # ok: exception-details-in-response
        return "export failed", 500


def django_report(request):
    try:
        return JsonResponse(build_report(request.GET.get("kind", "daily")))
    except Exception as exc:
        # ruleid: exception-details-in-response
        return JsonResponse({"error": repr(exc)}, status=500)


def django_report_fixed(request):
    try:
        return JsonResponse(build_report(request.GET.get("kind", "daily")))
    except Exception as exc:
        LOG.exception("report failed")
        # ok: exception-details-in-response
        return JsonResponse({"error": "internal error", "kind": type(exc).__name__}, status=500)


def helper():
    try:
        return build_export()
    except Exception as exc:
        # ok: exception-details-in-response
        return str(exc)  # a helper's return value is not a response


def render(path):
    return path.encode()


def build_report(kind):
    return {"kind": kind}


def build_export():
    return ""
