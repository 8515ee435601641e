"""A credential the client sends (`Authorization`, `X-Api-Key`, a webhook signature) is request data
and a secret at once: logging it leaks it (CWE-532), comparing it with `==` against the stored value
leaks that value byte by byte (CWE-208). Parsing its scheme or logging that one was sent is fine."""
import hmac
import logging

from flask import Flask, abort, request

from billing.models import ApiClient

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/api/invoices")
def invoices():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # ok: timing-unsafe-comparison
    if scheme.lower() != "bearer" or not token:
        abort(401)
    client = ApiClient.query.filter_by(name=request.args["client"]).first_or_404()
    # ruleid: timing-unsafe-comparison
    if token != client.api_token:
        abort(403)
    return {"invoices": client.invoices()}


@app.route("/api/payments")
def payments():
    parts = request.headers.get("Authorization", "").split(" ", 1)
    # ok: timing-unsafe-comparison
    if len(parts) != 2 or parts[0].lower() != "bearer":
        abort(401)
    token = parts[1]
    client = ApiClient.query.get_or_404(request.args["client"])
    # ok: timing-unsafe-comparison
    if not hmac.compare_digest(token.encode(), client.api_token.encode()):
        abort(403)
    return {"payments": client.payments()}


@app.route("/api/debug")
def debug():
    key = request.headers["X-Api-Key"]
    # ruleid: secret-in-log
    log.info("debug call with key %r", key)
    return {"ok": True}


@app.route("/api/debug-safely")
def debug_safely():
    key = request.headers["X-Api-Key"]
    agent = request.headers.get("User-Agent", "")
    # ok: secret-in-log
    log.info("debug call (key ending %r) from %r", key[-4:], agent)
    return {"ok": True}
