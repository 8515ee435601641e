"""Only paths the program can take carry taint: folded conditions, overwrites, loop exits."""
# capability: feasible-paths
import os
import shlex
import subprocess
from typing import TYPE_CHECKING

from flask import Flask, abort, request

if TYPE_CHECKING:
    from flask import Response

app = Flask(__name__)
LIMIT = 4
DEBUG = False
SHELL_ALLOWED = LIMIT * 3 > 10
MODE = "argv"


@app.route("/folded")
def folded():
    name = request.args["name"]
    if LIMIT * 3 > 100:
        # ok: taint-command-injection
        os.system("echo " + name)
    if not DEBUG and SHELL_ALLOWED:
        # ruleid: taint-command-injection
        os.system("echo " + name)
    if TYPE_CHECKING:
        # ok: taint-command-injection
        os.system("echo " + name)
    while False:
        # ok: taint-command-injection
        os.system("echo " + name)
    command = ("echo " + name) if DEBUG else "echo hello"
    # ok: taint-command-injection
    os.system(command)
    return "ok"


@app.route("/match")
def matched():
    name = request.args["name"]
    match MODE:
        case "shell":
            # ok: taint-command-injection
            subprocess.run("ls " + name, shell=True)
        case "argv":
            # ok: taint-command-injection
            subprocess.run(["ls", name], check=True)
        case _:
            # ok: taint-command-injection
            os.system("ls " + name)
    return "ok"


@app.route("/overwrite")
def overwrite():
    name = request.args["name"]
    # ruleid: taint-command-injection
    os.system("echo " + name)
    name = "fixed"
    # ok: taint-command-injection
    os.system("echo " + name)
    return "ok"


@app.route("/local-constant")
def local_constant():
    verbose = False
    name = request.args["name"]
    if verbose:
        # ok: taint-command-injection
        os.system("echo " + name)
    return "ok"


@app.route("/after-return")
def after_return():
    name = request.args["name"]
    if not name.isalnum():
        abort(400)
    # ok: taint-command-injection
    os.system("echo " + name)
    return "ok"


@app.route("/break")
def found_in_loop():
    found = "none"
    for key in request.args:
        if key.startswith("x-"):
            found = request.args[key]
            break
    # ruleid: taint-command-injection
    os.system("echo " + found)
    return "ok"


@app.route("/continue")
def skipped_in_loop():
    picked = "none"
    for value in request.args.values():
        if value:
            continue
        picked = "empty"
    # ok: taint-command-injection
    os.system("echo " + picked)
    return "ok"


@app.route("/try")
def in_handler():
    value = "none"
    try:
        value = request.args["v"]
        number = int(value)
        value = "ok"
    except ValueError:
        # ruleid: taint-command-injection
        os.system("echo bad number " + value)
        return "bad"
    # ok: taint-command-injection
    os.system("echo " + value)
    return str(number)


@app.route("/with")
def in_with():
    with open("/etc/motd") as motd:
        text = request.args["t"]
        motd.read()
    # ruleid: taint-command-injection
    os.system("echo " + text)
    return "ok"


@app.route("/loop-carried")
def loop_carried():
    stage = 0
    name = request.args["name"]
    while stage < 3:
        if stage == 2:
            # ruleid: taint-command-injection
            os.system("echo " + name)
        stage += 1
    return "ok"


@app.route("/next-iteration")
def next_iteration():
    command = "echo start"
    for _ in range(3):
        # ruleid: taint-command-injection
        os.system(command)
        command = "echo " + request.args["step"]
    return "ok"


@app.route("/next-iteration-while")
def next_iteration_while():
    command = "echo start"
    rounds = 0
    while rounds < 3:
        # ruleid: taint-command-injection
        subprocess.run(command, shell=True, check=False)
        command = request.form.get("next", "echo done")
        rounds += 1
    return "ok"


@app.route("/next-iteration-safe")
def next_iteration_safe():
    command = "echo start"
    label = ""
    while not label:
        # ok: taint-command-injection
        os.system(command)
        command = "echo " + shlex.quote(request.args["step"])
        label = request.args.get("label", "x")
    for _ in range(3):
        # ok: taint-command-injection
        subprocess.run(command, shell=True, check=False)
        label = request.args["step"]
        command = "echo round"
    return label


@app.route("/handed-on")
def handed_on():
    # The value reaches the sink only on the third run of the body: step <- shown <- queued.
    shown = "echo start"
    step = "echo start"
    queued = "echo start"
    for _ in range(4):
        # ruleid: taint-command-injection
        os.system(step)
        step = shown
        shown = queued
        queued = "echo " + request.args["next"]
    return "ok"


@app.route("/handed-on-safe")
def handed_on_safe():
    shown = "echo start"
    step = "echo start"
    queued = "echo start"
    for _ in range(4):
        # ok: taint-command-injection
        os.system(step)
        step = shown
        shown = queued
        queued = "echo " + shlex.quote(request.args["next"])
    return "ok"


def prompt_with(input, log):
    answer = input("name? ")  # the callable the caller passed, not the builtin
    # ok: taint-log-injection
    log.info("answer: " + answer)


def open_is_a_local(path):
    open = lambda p: p.upper()  # noqa: E731
    # ok: taint-path-traversal
    return open(request.args["p"])
