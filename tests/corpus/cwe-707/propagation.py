"""Data keeps its taint through the standard library: streams, parsers, str methods, iteration."""
# capability: propagation
import base64
import configparser
import datetime
import functools
import hashlib
import io
import itertools
import json
import os
import re
import shlex
import subprocess
import tempfile
from collections import deque
from urllib.parse import unquote

import bleach
import markdown
from flask import Flask, request

app = Flask(__name__)


@app.route("/stream")
def stream():
    buf = io.StringIO()
    buf.write("echo ")
    buf.write(request.args["msg"])
    # ruleid: taint-command-injection
    os.system(buf.getvalue())
    quoted = io.StringIO()
    quoted.write("echo ")
    quoted.write(shlex.quote(request.args["msg"]))
    # ok: taint-command-injection
    os.system(quoted.getvalue())
    return "ok"


@app.route("/config")
def config():
    cfg = configparser.ConfigParser()
    cfg.read_string(request.get_data(as_text=True))
    # ruleid: taint-command-injection
    os.system(cfg.get("tool", "command"))
    # ok: taint-command-injection
    os.system("echo " + shlex.quote(cfg.get("tool", "command")))
    return "ok"


@app.route("/encodings")
def encodings():
    raw = request.args["blob"]
    text = base64.b64decode(raw).decode("utf-8")
    # ruleid: taint-command-injection
    os.system("echo " + text.strip().lower())
    payload = json.loads(unquote(request.args["json"]))
    # ruleid: taint-command-injection
    os.system("echo {}".format(payload["name"]))
    # ok: taint-command-injection
    os.system("echo " + shlex.quote(payload["name"]))
    return "ok"


@app.route("/iteration")
def iteration():
    names = request.args.getlist("name")
    # ruleid: taint-command-injection
    os.system("echo " + " ".join(sorted(n.upper() for n in names)))
    # ruleid: taint-command-injection
    os.system("echo " + " ".join(map(str.strip, reversed(names))))
    for index, name in enumerate(names):
        # ruleid: taint-command-injection
        os.system(f"echo {index} {name}")
    pairs = list(zip(["a", "b"], names))
    # ruleid: taint-command-injection
    os.system("echo " + pairs[0][1])
    # ruleid: taint-command-injection
    os.system("echo " + " ".join(itertools.chain(["x"], filter(None, names))))
    for index, _ in enumerate(names):
        # ok: taint-command-injection
        os.system("echo %d" % index)
    return "ok"


@app.route("/queues")
def queues():
    pending = deque()
    pending.append(request.args["job"])
    # ruleid: taint-command-injection
    os.system(pending.popleft())
    jobs = ["uptime"]
    jobs.extend(request.args.getlist("job"))
    # ruleid: taint-command-injection
    os.system(jobs.pop())
    return "ok"


@app.route("/callables")
def callables():
    shout = lambda s: s.upper() + "!"  # noqa: E731
    # ruleid: taint-command-injection
    os.system("echo " + shout(request.args["m"]))
    greet = functools.partial("echo {} {}".format, request.args["m"])
    # ruleid: taint-command-injection
    subprocess.run(greet("there"), shell=True)
    return "ok"


@app.route("/partial-sink")
def partial_sink():
    shell = functools.partial(subprocess.run, shell=True, check=False)
    # ruleid: taint-command-injection
    shell("tar czf backup.tgz " + request.args["dir"])
    system = functools.partial(os.system)
    # ruleid: taint-command-injection
    system(request.args["cmd"])
    return "ok"


@app.route("/partial-sink-safe")
def partial_sink_safe():
    run = functools.partial(subprocess.run, check=True)
    # ok: taint-command-injection
    run(["du", "-sh", "--", request.args["dir"]])
    shell = functools.partial(subprocess.run, shell=True, check=False)
    # ok: taint-command-injection
    shell("tar czf backup.tgz " + shlex.quote(request.args["dir"]))
    return "ok"


@app.route("/no-text-back")
def no_text_back():
    # Standard-library calls no propagator names return none of their arguments' text.
    when = datetime.datetime.strptime(request.args["day"], "%Y-%m-%d")
    # ok: taint-xss
    return "<p>Booked for " + str(when) + "</p>"


@app.route("/no-text-back-digest")
def no_text_back_digest():
    digest = hashlib.sha256(request.args["name"].encode()).digest()
    # ok: taint-xss
    return "<code>" + base64.b64encode(digest).decode() + "</code>"


@app.route("/kept-inside")
def kept_inside():
    # ... but an object that keeps its input gives it back: a compiled pattern's .pattern.
    # ruleid: taint-regex-injection
    pattern = re.compile(request.args["p"])
    # ruleid: taint-xss
    return "<p>Searching for " + pattern.pattern + "</p>"


@app.route("/library")
def library():
    # A library the specs do not model is assumed to pass its data on (with lower confidence).
    # ruleid: taint-xss
    return "<div>" + markdown.markdown(request.args["text"]) + "</div>"


@app.route("/library-cleaned")
def library_cleaned():
    # ok: taint-xss
    return "<div>" + bleach.clean(markdown.markdown(request.args["text"])) + "</div>"


@app.route("/partial-called-at-once")
def partial_called_at_once():
    # ruleid: taint-command-injection
    os.system(functools.partial("echo {} {}".format, request.args["m"])("there"))
    # ok: taint-command-injection
    os.system(functools.partial("echo {} {}".format, shlex.quote(request.args["m"]))("there"))
    return "ok"


@app.route("/temp-name")
def temp_name():
    # A temporary file's name holds the suffix it was given (a propagator with its positions).
    tmp = tempfile.NamedTemporaryFile("w+", suffix=request.args["ext"], delete=False)
    # ruleid: taint-xss
    return "<p>Saved to " + tmp.name + "</p>"


@app.route("/temp-name-safe")
def temp_name_safe():
    tmp = tempfile.NamedTemporaryFile("w+", suffix=".txt", delete=False)
    tmp.write(request.args["text"])
    # ok: taint-xss
    return "<p>Saved to " + tmp.name + "</p>"
