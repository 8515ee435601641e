"""A redirect to "/" + the value with its leading slashes stripped (issue 19, item 4).

`"/" + path.lstrip("/")` still lets `/\\evil.com` through: browsers read a
backslash as a slash, and drop tabs and line breaks inside URLs, so `/\\evil.com`
and `/\\t/evil.com` are other hosts. Stripping "/", "\\", tab, CR and LF
leaves a path on this site.
"""
# capability: rewrites-per-sink
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/continue")
def continue_to():
    target = request.args.get("next", "")
    # ruleid: taint-open-redirect
    return redirect("/" + target.lstrip("/"))


@app.route("/continue-local")
def continue_local():
    target = request.args.get("next", "")
    # ok: taint-open-redirect
    return redirect("/" + target.lstrip("/\\\t\r\n"))


@app.route("/back")
def back():
    target = request.args.get("to", "")
    # ruleid: taint-open-redirect
    return redirect("/" + target.strip("/"))
