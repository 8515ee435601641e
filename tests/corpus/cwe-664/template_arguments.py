"""A constant text template puts in its result only the arguments it names: a tainted entry or keyword
the template never names does not reach the URL, and a named one does (str.format, %-mappings and
string.Template alike)."""
import string

import requests
from flask import Flask, request

app = Flask(__name__)


def format_unused_entry(host, user, width=None):
    values = {"host": "internal.example", "user": user}
    # ok: taint-ssrf
    return requests.get("https://{host}/status".format(**values), timeout=5)


def format_named_entry(host, user, width=None):
    values = {"host": host, "user": "guest"}
    # ruleid: taint-ssrf
    return requests.get("https://{host}/status".format(**values), timeout=5)


def format_unused_keyword(host, user, width=None):
    # ok: taint-ssrf
    return requests.get("https://{host}/status".format(host="internal.example", user=user),
                        timeout=5)


def format_named_keyword(host, user, width=None):
    # ruleid: taint-ssrf
    return requests.get("https://{host}/status".format(host=host), timeout=5)


def format_nested_field(host, user, width=None):
    # ruleid: taint-ssrf
    return requests.get("https://{0}/{page:{width}}".format("internal.example", page="x",
                                                            width=width), timeout=5)


def format_unused_position(host, user, width=None):
    # ok: taint-ssrf
    return requests.get("https://{0}/status".format("internal.example", user), timeout=5)


def format_request_mapping(host, user, width=None):
    # ruleid: taint-ssrf
    return requests.get("https://{host}/status".format(**request.args), timeout=5)


def percent_unused_entry(host, user, width=None):
    values = {"host": "internal.example", "user": user}
    # ok: taint-ssrf
    return requests.get("https://%(host)s/status" % values, timeout=5)


def percent_named_entry(host, user, width=None):
    values = {"host": host, "user": "guest"}
    # ruleid: taint-ssrf
    return requests.get("https://%(host)s/status" % values, timeout=5)


def template_unused_entry(host, user, width=None):
    values = {"host": "internal.example", "user": user}
    # ok: taint-ssrf
    return requests.get(string.Template("https://$host/status").substitute(values), timeout=5)


def template_named_entry(host, user, width=None):
    values = {"host": host}
    # ruleid: taint-ssrf
    return requests.get(string.Template("https://$host/status").substitute(values), timeout=5)


def template_unused_keyword(host, user, width=None):
    template = string.Template("https://${host}/status")
    # ok: taint-ssrf
    return requests.get(template.safe_substitute(host="internal.example", user=user), timeout=5)


def template_named_keyword(host, user, width=None):
    template = string.Template("https://${host}/status")
    # ruleid: taint-ssrf
    return requests.get(template.safe_substitute(host=host), timeout=5)


@app.route("/status")
def status():
    host, user, width = request.args["host"], request.args["user"], request.args["w"]
    format_unused_entry(host, user, width)
    format_named_entry(host, user, width)
    format_unused_keyword(host, user, width)
    format_named_keyword(host, user, width)
    format_nested_field(host, user, width)
    format_unused_position(host, user, width)
    percent_unused_entry(host, user, width)
    percent_named_entry(host, user, width)
    template_unused_entry(host, user, width)
    template_named_entry(host, user, width)
    template_unused_keyword(host, user, width)
    template_named_keyword(host, user, width)
    return format_request_mapping(host, user)
