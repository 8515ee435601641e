"""Flows into deserialisers, XML parsers, regular expressions, redirects and file paths."""
import base64
import json
import os
import pickle
import re

import yaml
from flask import Flask, redirect, request, send_file
from lxml import etree
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOADS = "/srv/uploads"
PAGES = {"home": "/", "account": "/account"}


@app.route("/state")
def state():
    blob = base64.b64decode(request.cookies["state"])
    # ruleid: taint-unsafe-deserialization
    value = pickle.loads(blob)
    # ok: taint-unsafe-deserialization
    same = json.loads(blob)
    return str(value) + str(same)


@app.route("/config", methods=["POST"])
def config():
    # ruleid: taint-unsafe-deserialization
    loaded = yaml.load(request.data, Loader=yaml.Loader)
    # ok: taint-unsafe-deserialization
    safe = yaml.load(request.data, Loader=yaml.SafeLoader)
    return str(loaded) + str(safe)


@app.route("/xml", methods=["POST"])
def xml():
    # ruleid: taint-xxe
    doc = etree.fromstring(request.get_data())
    # ok: taint-xxe
    safe = etree.fromstring(request.get_data(), parser=etree.XMLParser(resolve_entities=False))
    return doc.tag + safe.tag


@app.route("/grep")
def grep():
    text = open("/srv/notes.txt").read()
    # ruleid: taint-regex-injection
    hits = re.findall(request.args["pattern"], text)
    # ok: taint-regex-injection
    literal = re.findall(re.escape(request.args["pattern"]), text)
    return str(hits + literal)


@app.route("/go")
def go():
    target = request.args.get("to", "/")
    # ruleid: taint-open-redirect
    first = redirect(target)
    # ok: taint-open-redirect
    second = redirect("/account/" + target)
    # ok: taint-open-redirect
    third = redirect(PAGES.get(target, "/"))
    return first or second or third


@app.route("/files/<path:subpath>")
def files(subpath):
    # ruleid: taint-path-traversal
    return send_file(os.path.join(UPLOADS, subpath))


@app.route("/files-safe/<path:subpath>")
def files_safe(subpath):
    # ok: taint-path-traversal
    return send_file(os.path.join(UPLOADS, secure_filename(subpath)))


@app.route("/files-real/<path:subpath>")
def files_real(subpath):
    full = os.path.realpath(os.path.join(UPLOADS, subpath))
    if not full.startswith(UPLOADS + os.sep):
        return "no", 404
    # ok: taint-path-traversal
    return send_file(full)


@app.route("/note/<name>")
def note(name):
    # ok: taint-path-traversal
    return open(os.path.join(UPLOADS, name + ".txt")).read()


def settings_file():
    # ok: taint-path-traversal
    return open(os.environ.get("APP_SETTINGS", "/etc/app.toml")).read()
