"""Dict keys, list and tuple positions are told apart; an unknown key reads every value."""
# capability: containers
import os

from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/dict")
def per_key():
    d = {"safe": "ls -l", "user": request.args["cmd"]}
    # ok: taint-command-injection
    os.system(d["safe"])
    # ruleid: taint-command-injection
    os.system(d["user"])
    # ruleid: taint-command-injection
    os.system(d.get("user", "true"))
    # ok: taint-command-injection
    os.system(d.get("safe"))
    key = request.args["key"]
    # ruleid: taint-command-injection
    os.system(d[key])
    return "ok"


@app.route("/dict-store")
def stored():
    settings = {}
    settings["mode"] = request.args["mode"]
    settings["binary"] = "/usr/bin/env"
    # ok: taint-command-injection
    os.system(settings["binary"])
    # ruleid: taint-command-injection
    os.system(settings["mode"])
    settings["mode"] = "safe"
    # ok: taint-command-injection
    os.system(settings["mode"])
    settings.update(request.args)
    # ruleid: taint-command-injection
    os.system(settings["binary"])
    return "ok"


@app.route("/setdefault")
def defaults():
    options = {"color": "never"}
    options.setdefault("pager", request.args["pager"])
    # ok: taint-command-injection
    os.system("ls --color=" + options["color"])
    # ruleid: taint-command-injection
    os.system(options["pager"])
    return "ok"


@app.route("/list")
def per_position():
    argv = ["ls", request.args["dir"]]
    # ok: taint-command-injection
    os.system(argv[0])
    # ruleid: taint-command-injection
    os.system(argv[1])
    # ruleid: taint-command-injection
    os.system(argv[-1])
    # ok: taint-command-injection
    os.system(["echo", request.args["x"]][0])
    queue = []
    queue.append("uptime")
    queue.append(request.args["next"])
    # ok: taint-command-injection
    os.system(queue[0])
    last = queue.pop()
    # ruleid: taint-command-injection
    os.system(last)
    queue.insert(0, request.args["first"])
    # ruleid: taint-command-injection
    os.system(queue[0])
    return "ok"


@app.route("/tuple")
def unpacked():
    pair = ("date", request.args["fmt"])
    program, fmt = pair
    # ok: taint-command-injection
    os.system(program)
    # ruleid: taint-command-injection
    os.system("date +" + fmt)
    return "ok"


def pages():
    """A helper returning (a fixed fallback, the requested next page)."""
    return "/home", request.args["next"]


@app.route("/go")
def go():
    fallback, target = pages()
    if not target:
        # ok: taint-open-redirect
        return redirect(fallback)
    # ruleid: taint-open-redirect
    return redirect(target)


@app.route("/branches")
def merged_paths():
    d = {"cmd": "true"}
    if request.args.get("debug"):
        d = request.args
    # ruleid: taint-command-injection
    os.system(d["cmd"])
    return "ok"


@app.route("/update")
def update():
    # dict.update with constant keys sets those keys only (its documented behaviour).
    options = {"program": "uptime"}
    options.update(label=request.args["label"])
    options.update({"title": request.args["title"]})
    # ok: taint-command-injection
    os.system(options["program"])
    # ruleid: taint-command-injection
    os.system("echo " + options["label"])
    # ruleid: taint-command-injection
    os.system("echo " + options["title"])
    return "ok"
