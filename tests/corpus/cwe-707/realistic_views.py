"""A small Flask service written the way services are: several capabilities of the data-flow
engine at once (a header read, validated on one branch, kept in a dict beside safe values,
another key passed to the sink; a helper returning request data; a loop that breaks out with a
value; a session read back)."""
# capability: realistic, containers, guards, feasible-paths, sinks
import logging
import os
import re
import subprocess

from flask import Flask, abort, jsonify, redirect, request, session

app = Flask(__name__)
log = logging.getLogger(__name__)
TENANT = re.compile(r"[a-z][a-z0-9-]{0,30}")
REGIONS = ("eu-west", "us-east")
FEATURE_EXPORT = True


def job_priority():
    """The priority the caller asked for."""
    return request.headers.get("X-Priority", "normal")


@app.route("/export", methods=["POST"])
def export():
    tenant = request.headers.get("X-Tenant", "")
    region = request.headers.get("X-Region", "eu-west")
    if region not in REGIONS:
        region = "eu-west"
    if not TENANT.fullmatch(tenant):
        log.warning("rejected tenant %r", tenant)
        abort(400)
    settings = {"binary": "/usr/bin/exporter", "nice": "10"}
    priority = job_priority()
    job = {"tenant": tenant, "region": region, "note": request.form.get("note", "")}
    # ok: taint-command-injection
    subprocess.run(f"{settings['binary']} --tenant {job['tenant']} --region {job['region']}", shell=True)
    # ruleid: taint-command-injection
    subprocess.run(f"{settings['binary']} --note {job['note']}", shell=True)
    # ruleid: taint-command-injection
    os.system(f"renice {priority} $$")
    if FEATURE_EXPORT:
        return jsonify(job)
    # ok: taint-xss
    return "<p>" + job["note"] + "</p>"


@app.route("/mirror")
def mirror():
    chosen = "https://mirror.example.com/"
    for candidate in request.args.getlist("mirror"):
        if candidate.endswith(".example.com/"):
            chosen = candidate
            break
    # ruleid: taint-open-redirect
    return redirect(chosen)


@app.route("/profile")
def profile():
    theme = request.args.get("theme", "light")
    if theme in ("light", "dark"):
        # ok: taint-trust-boundary
        session["theme"] = theme
    # ruleid: taint-trust-boundary
    session["last_search"] = request.args.get("q", "")
    # ruleid: taint-xss
    return "<body class='" + theme + "'>" + session.get("last_search", "") + "</body>"
