"""Taint flows in a Flask application: every request accessor, sinks of the CWE-707 classes."""
import ast
import logging
import os
import shlex
import sqlite3
import subprocess

from flask import Flask, render_template_string, request
from lxml import etree
from markupsafe import Markup, escape

app = Flask(__name__)
log = logging.getLogger(__name__)
ALLOWED_REPORTS = {"daily", "weekly"}


@app.route("/archive")
def archive():
    name = request.args["name"]
    # ruleid: taint-command-injection
    os.system(f"tar czf /srv/{name}.tgz /srv/data")
    # ok: taint-command-injection
    os.system("tar czf /srv/%s.tgz /srv/data" % shlex.quote(name))
    # ok: taint-command-injection
    subprocess.run(["tar", "czf", f"/srv/{name}.tgz", "/srv/data"], check=True)
    # ruleid: taint-command-injection
    subprocess.run("ls " + request.values.get("dir", "."), shell=True)


@app.route("/report")
def report():
    kind = request.form.get("kind")
    if kind not in ALLOWED_REPORTS:
        return "unknown report", 400
    # ok: taint-command-injection
    return subprocess.check_output(f"make-report {kind}", shell=True)


@app.route("/items", methods=["POST"])
def items():
    owner = request.json["owner"]
    conn = sqlite3.connect("app.db")
    # ruleid: taint-sql-injection
    rows = conn.execute(f"SELECT * FROM items WHERE owner = '{owner}'").fetchall()
    # ok: taint-sql-injection
    safe = conn.execute("SELECT * FROM items WHERE owner = ?", (owner,)).fetchall()
    limit = int(request.args.get("limit", "10"))
    # ok: taint-sql-injection
    conn.execute(f"SELECT * FROM items LIMIT {limit}")
    return {"rows": rows, "safe": safe}


@app.route("/calc")
def calc():
    expression = request.get_json()["expr"]
    # ruleid: taint-code-injection
    total = eval(expression)
    # ok: taint-code-injection
    value = ast.literal_eval(expression)
    return str(total + value)


@app.route("/greet")
def greet():
    who = request.cookies.get("name", "guest")
    # ruleid: taint-template-injection
    page = render_template_string("<h1>Hello " + who + "</h1>")
    # ok: taint-template-injection
    same = render_template_string("<h1>Hello {{ who }}</h1>", who=who)
    return page + same


@app.route("/banner")
def banner():
    text = request.headers.get("X-Banner", "")
    # ruleid: taint-xss
    shown = Markup(f"<div>{text}</div>")
    # ok: taint-xss
    escaped = Markup(f"<div>{escape(text)}</div>")
    return shown + escaped


@app.route("/find/<user>")
def find_user(user):
    tree = etree.parse("users.xml")
    # ruleid: taint-xpath-injection
    found = tree.xpath(f"//user[name='{user}']")
    # ok: taint-xpath-injection
    same = tree.xpath("//user[name=$name]", name=user)
    return str(found + same)


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    # ruleid: taint-log-injection
    log.warning(f"login failed for {user}")
    # ok: taint-log-injection
    log.warning(f"login failed for {user!r}")
    return "no"


@app.route("/raw", methods=["POST"])
def raw_body():
    body = request.get_data(as_text=True)
    payload = request.data
    # ruleid: taint-code-injection
    exec(body)
    # ruleid: taint-code-injection
    exec(payload.decode())


@app.route("/upload", methods=["POST"])
def upload():
    upload_name = request.files["doc"].filename
    section = request.view_args["section"]
    # ruleid: taint-command-injection
    os.popen("file " + upload_name)
    # ruleid: taint-command-injection
    os.system("echo " + section)


@app.route("/directory")
def directory():
    import ldap
    from ldap.filter import escape_filter_chars

    uid = request.args["uid"]
    conn = ldap.initialize("ldap://directory.example.org")
    # ruleid: taint-ldap-injection
    found = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={uid})")
    # ok: taint-ldap-injection
    same = conn.search_s("ou=people,dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(uid)})")
    return str(found + same)


@app.route("/download")
def download():
    from flask import make_response
    from werkzeug.utils import secure_filename

    response = make_response(b"...")
    # ruleid: taint-header-injection
    response.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]
    # ok: taint-header-injection
    response.headers["Content-Disposition"] = "attachment; filename=" + secure_filename(request.args["name"])
    return response
