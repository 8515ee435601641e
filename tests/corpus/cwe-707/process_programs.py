"""The program a process call runs, and modules imported by a constant name (issue 20).

`os.spawn*` take a mode first and the program after it; `subprocess.*` run the first
element of their argument vector; `importlib.import_module("os")` and `__import__("os")`
are the module `os`.
"""
# capability: program-position
import importlib
import os
import shutil
import subprocess

from flask import Flask, request

app = Flask(__name__)
TOOLS = {"zip": "/usr/bin/zip", "tar": "/usr/bin/tar"}


@app.route("/spawn")
def spawn():
    program = request.args["program"]
    # ruleid: taint-command-injection
    os.spawnlp(os.P_WAIT, program, program, "--version")
    # ruleid: taint-command-injection
    os.spawnv(os.P_NOWAIT, program, [program])
    # ok: taint-command-injection
    os.spawnlp(os.P_WAIT, "tar", "tar", "--version")
    return "started"


@app.route("/run")
def run_tool():
    tool = request.args["tool"]
    # ruleid: taint-command-injection
    subprocess.run([tool, "--help"], check=True)
    # ruleid: taint-command-injection
    subprocess.run(["placeholder", "--help"], executable=tool, check=True)
    # ok: taint-command-injection
    subprocess.run([TOOLS.get(tool, "/usr/bin/true"), "--help"], check=True) if tool in TOOLS else None
    # ok: taint-command-injection
    subprocess.run(["/usr/bin/file", "--brief", "--", shutil.which("file") or "/bin/true"], check=True)
    return "done"


@app.route("/exec")
def exec_program():
    # ruleid: taint-command-injection
    os.execvp(request.args["p"], ["p"])


# capability: dynamic-import-resolution
@app.route("/dynamic")
def dynamic():
    command = request.args["cmd"]
    # ruleid: taint-command-injection
    importlib.import_module("os").system(command)
    # ruleid: taint-command-injection
    __import__("subprocess").call(command, shell=True)
    runner = importlib.import_module("subprocess")
    # A module held in a local name is that module, for the flow pass as for the pattern rule.
    # ruleid: taint-command-injection
    runner.check_output(command, shell=True)
    chosen = importlib.import_module(MODULE)
    # ruleid: taint-command-injection
    chosen.system(command)
    # ok: taint-command-injection
    chosen.system("uptime")
    # ok: taint-command-injection
    importlib.import_module("os").system("uptime")
    # ok: taint-command-injection
    __import__("os.path").path.exists(command)
    return "ok"


RUNNER = "system"
MODULE = "os"


@app.route("/named")
def named():
    # A module-level constant name: the flow pass reads it as it reads the literal.
    # ruleid: taint-command-injection
    getattr(os, RUNNER)(request.args["cmd"])
    # ok: taint-command-injection
    getattr(os, RUNNER)("uptime")
    # ok: taint-command-injection
    getattr(os, "getcwd")()
    return "ok"
