"""A guard clears a value only for the sinks it protects (issue 19, item 2).

A file's existence says nothing about the shell metacharacters in its name; a
prefix check leaves the rest of the text free. An allow-list does protect.
"""
# capability: guards-per-sink
import os
import shlex
import subprocess
import sys

from flask import Flask, request

app = Flask(__name__)
ALLOWED_TOOLS = {"gzip", "bzip2"}


def compress(name):
    if os.path.exists(name):
        # ruleid: command-injection-shell
        os.system("gzip '%s'" % name)


def compress_quoted(name):
    if os.path.exists(name):
        # ok: command-injection-shell
        os.system("gzip %s" % shlex.quote(name))


def run_tool(tool):
    if tool.startswith("g"):
        # ruleid: command-injection-shell
        os.system(tool + " --version")


def run_allowed_tool(tool):
    if tool in ALLOWED_TOOLS:
        # ok: command-injection-shell
        os.system(tool + " --version")


@app.route("/archive")
def archive():
    name = request.args["name"]
    if os.path.isfile(name):
        # ruleid: taint-command-injection
        subprocess.run("tar czf /tmp/out.tgz " + name, shell=True)
    if name in ALLOWED_TOOLS:
        # ok: taint-command-injection
        subprocess.run("tar czf /tmp/out.tgz " + name, shell=True)


def main():
    target = sys.argv[1]
    if os.path.isdir(target) and target.startswith("/srv/"):
        # ruleid: taint-command-injection
        os.system("du -sh " + target)
    if os.path.isdir(target):
        # ok: taint-command-injection
        subprocess.run(["du", "-sh", target], check=True)
