"""Code that removes or escapes CR/LF before a log call ends log injection (issue 19, item 4)."""
# capability: rewrites-per-sink
import logging
import re

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    # ruleid: taint-log-injection
    log.warning("login failed for " + user)
    escaped = user.replace("\n", "\\n").replace("\r", "\\r")
    # ok: taint-log-injection
    log.warning("login failed for " + escaped)
    # ok: taint-log-injection
    log.warning("login failed for " + re.sub(r"[\r\n]", "", user))
    # ok: taint-log-injection
    log.warning("login failed for %r" % user)
    # ok: taint-log-injection
    log.warning("login failed for " + repr(user))
    return "no"


@app.route("/search")
def search():
    term = request.args["q"]
    half = term.replace("\n", "")
    # ruleid: taint-log-injection
    log.info("search: " + half)
    both = half.replace("\r", "")
    # ok: taint-log-injection
    log.info("search: " + both)
    # ruleid: taint-log-injection
    log.info("search: %s" % term)
    # ruleid: taint-log-injection
    log.info("search: " + re.sub(r"\n", "", term))
    return "ok"
