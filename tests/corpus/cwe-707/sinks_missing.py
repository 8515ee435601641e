"""Sinks a view reaches without a dangerous-looking call: its return value, a shell in an argument
list, a file-existence check, an XPath library, an LDAP connection from a helper, the session."""
# capability: sinks
import html
import os
import shlex
import subprocess
from pathlib import Path

import elementpath
from django.http import HttpResponse
from flask import Flask, Response, jsonify, make_response, request, session
from lxml import etree
from werkzeug.utils import secure_filename

from .directory import connect
from .models import Article

app = Flask(__name__)
UPLOADS = "/srv/uploads"
DOC = etree.parse("/srv/catalog.xml")


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: taint-xss
    return f"<h1>Hello {name}</h1>"


@app.route("/hello-escaped")
def hello_escaped():
    name = request.args.get("name", "")
    # ok: taint-xss
    return f"<h1>Hello {html.escape(name)}</h1>"


@app.route("/hello-json")
def hello_json():
    name = request.args.get("name", "")
    # ok: taint-xss
    return jsonify(greeting="Hello " + name)


@app.route("/hello-dict")
def hello_dict():
    # ok: taint-xss
    return {"greeting": "Hello " + request.args.get("name", "")}


@app.route("/page")
def page():
    title = request.args.get("title", "")
    body = "<title>" + title + "</title>"
    # ruleid: taint-xss
    return body, 200


@app.route("/text")
def text():
    note = request.args.get("note", "")
    # ok: taint-xss
    return Response("Note: " + note, mimetype="text/plain")


@app.route("/made")
def made():
    note = request.args.get("note", "")
    # ruleid: taint-xss
    return make_response("<p>" + note + "</p>")


@app.route("/download")
def download():
    name = request.args.get("name", "report")
    # ruleid: taint-header-injection
    return "data", 200, {"Content-Disposition": "attachment; filename=" + name}


@app.route("/download-safe")
def download_safe():
    name = secure_filename(request.args.get("name", "report"))
    # ok: taint-header-injection
    return "data", 200, {"Content-Disposition": "attachment; filename=" + name}


@app.route("/grep")
def grep():
    pattern = request.args["q"]
    # ruleid: taint-command-injection
    subprocess.run(["sh", "-c", "grep -r " + pattern + " /srv/data"], check=True)
    # ok: taint-command-injection
    subprocess.run(["sh", "-c", "grep -r " + shlex.quote(pattern) + " /srv/data"], check=True)
    # ok: taint-command-injection
    subprocess.run(["grep", "-r", "--", pattern, "/srv/data"], check=True)
    # ruleid: taint-command-injection
    os.execvp("bash", ["bash", "-c", "grep " + pattern])


@app.route("/exists")
def exists():
    name = request.args["name"]
    # ruleid: taint-path-oracle
    if os.path.exists(os.path.join(UPLOADS, name)):
        return "taken"
    # ok: taint-path-oracle
    if os.path.exists(os.path.join(UPLOADS, secure_filename(name))):
        return "taken"
    # ruleid: taint-path-oracle
    size = Path(UPLOADS, name).stat().st_size
    return str(size)


@app.route("/find")
def find():
    title = request.args["title"]
    # ruleid: taint-xpath-injection
    found = elementpath.select(DOC, f"//book[title='{title}']")
    # ok: taint-xpath-injection
    found += DOC.xpath("//book[title=$title]", title=title)
    return str(len(found))


@app.route("/people")
def people():
    user = request.args["user"]
    conn = connect()
    # ruleid: taint-ldap-injection
    conn.search("ou=people,dc=example,dc=com", f"(uid={user})", attributes=["cn"])
    # ok: taint-ldap-injection
    conn.search("ou=people,dc=example,dc=com", "(objectClass=person)", attributes=["cn"])
    return "ok"


@app.route("/remember")
def remember():
    # ruleid: taint-trust-boundary
    session["role"] = request.args["role"]
    # ok: taint-trust-boundary
    session["visits"] = session.get("visits", 0) + 1
    return "ok"


def django_remember(request):
    # ruleid: taint-trust-boundary
    request.session["theme"] = request.GET["theme"]
    # ok: taint-trust-boundary
    request.session["theme_set"] = True
    # ok: taint-trust-boundary
    request.session["csrf_seen"] = request.META["CSRF_COOKIE"]
    return HttpResponse("ok")


def django_note(request):
    note = request.GET.get("note", "")
    # ok: taint-xss
    return HttpResponse("Note: " + note, content_type="text/plain; charset=utf-8")


def django_article(request, slug):
    article = Article.objects.get(slug=slug)
    # ok: taint-xss
    return HttpResponse(article.rendered_body)
