"""Quote checks and replacements that really neutralise for their sink, and ones that do not
(the finding's path says why: removing '../' once leaves '....//' as '../')."""
# capability: rewrites-per-sink, guards
from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("/srv/users.xml")


@app.route("/user")
def user():
    name = request.args["name"]
    if "'" in name:
        abort(400)
    # ok: taint-xpath-injection
    return str(USERS.xpath(f"//user[name='{name}']/email/text()"))


@app.route("/user-escaped")
def user_escaped():
    name = request.args["name"].replace("'", "&apos;")
    # ok: taint-xpath-injection
    return str(USERS.xpath(f"//user[name='{name}']/email/text()"))


@app.route("/user-unchecked")
def user_unchecked():
    name = request.args["name"]
    # ruleid: taint-xpath-injection
    return str(USERS.xpath(f"//user[name='{name}']/email/text()"))


@app.route("/file")
def read_file():
    # ruleid: path-traversal-strip-once
    name = request.args["name"].replace("../", "")
    # ruleid: taint-path-traversal
    return open("/srv/files/" + name).read()
