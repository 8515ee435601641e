"""Guards the way code writes them: reject branches, whole-value patterns, containment, URL hosts."""
# capability: guards
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, abort, redirect, request, send_file

app = Flask(__name__)
BASE = Path("/srv/files").resolve()
UPLOADS = "/srv/uploads"
ALLOWED_HOSTS = {"example.com", "www.example.com"}
REPORT_NAME = re.compile(r"[a-z0-9_]{1,32}")
LOOSE_NAME = re.compile(r".+")


@app.route("/report")
def report():
    name = request.args["name"]
    if not REPORT_NAME.fullmatch(name):
        abort(400)
    # ok: taint-path-traversal
    return send_file(f"/srv/reports/{name}.pdf")


@app.route("/report-loose")
def report_loose():
    name = request.args["name"]
    if not LOOSE_NAME.fullmatch(name):
        abort(400)
    # ruleid: taint-path-traversal
    return send_file(f"/srv/reports/{name}.pdf")


@app.route("/convert")
def convert():
    size = request.args["size"]
    if not re.fullmatch(r"\d{1,4}x\d{1,4}", size):
        raise ValueError("bad size")
    # ok: taint-command-injection
    subprocess.run("convert in.png -resize " + size + " out.png", shell=True)
    page = request.args["page"]
    if not page.isdigit():
        return "bad page"
    # ok: taint-command-injection
    subprocess.run("pdftk in.pdf cat " + page + " output out.pdf", shell=True)
    return "ok"


@app.route("/upload/<path:name>")
def upload(name):
    if ".." in name or name.startswith("/"):
        return "bad name", 400
    # ok: taint-path-traversal
    return open(os.path.join(UPLOADS, name), "rb").read()


@app.route("/upload-dotdot/<path:name>")
def upload_dotdot(name):
    if ".." in name:
        return "bad name", 400
    # ruleid: taint-path-traversal
    return open(os.path.join(UPLOADS, name), "rb").read()


@app.route("/files/<path:name>")
def files(name):
    resolved = (BASE / name).resolve()
    if not resolved.is_relative_to(BASE):
        abort(404)
    # ok: taint-path-traversal
    return resolved.read_bytes()


@app.route("/files-common/<path:name>")
def files_common(name):
    target = os.path.realpath(os.path.join(UPLOADS, name))
    if os.path.commonpath([UPLOADS, target]) != UPLOADS:
        abort(404)
    # ok: taint-path-traversal
    return open(target, "rb").read()


@app.route("/files-unchecked/<path:name>")
def files_unchecked(name):
    target = os.path.realpath(os.path.join(UPLOADS, name))
    # ruleid: taint-path-traversal
    return open(target, "rb").read()


@app.route("/next")
def next_page():
    parts = urlsplit(request.args.get("next", "/"))
    if parts.netloc not in ALLOWED_HOSTS:
        abort(400)
    # ok: taint-open-redirect
    return redirect(parts.geturl())


@app.route("/next-scheme")
def next_scheme():
    parts = urlsplit(request.args.get("next", "/"))
    if parts.scheme not in ("http", "https"):
        abort(400)
    # ruleid: taint-open-redirect
    return redirect(parts.geturl())


@app.route("/next-default")
def next_default():
    target = request.args.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=ALLOWED_HOSTS):
        target = "/"
    # ok: taint-open-redirect
    return redirect(target)


@app.route("/sort")
def sort_order():
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        order = "asc"
    # ok: taint-command-injection
    os.system("sort --order=" + order + " data.txt")
    return "ok"


@app.route("/sort-unchecked")
def sort_unchecked():
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        print("unusual order", order)
    # ruleid: taint-command-injection
    os.system("sort --order=" + order + " data.txt")
    return "ok"
