"""Flows across function boundaries, through containers, attributes and closures."""
import functools
import os
import sqlite3
import subprocess

from flask import Flask, request

app = Flask(__name__)


def run_tool(argument):
    # ruleid: taint-command-injection
    return subprocess.call("tool --input " + argument, shell=True)


def build_query(table, owner):
    return "SELECT * FROM %s WHERE owner = '%s'" % (table, owner)


def quoted(value):
    return str(int(value))


class Archiver:
    def __init__(self, target):
        self.target = target

    def run(self):
        # ruleid: taint-command-injection
        os.system("tar czf archive.tgz " + self.target)


class Cleaner:
    def configure(self):
        self.pattern = request.args["pattern"]

    def clean(self):
        # ruleid: taint-command-injection
        os.system("rm -rf /tmp/" + self.pattern)


@app.route("/tool")
def tool():
    run_tool(request.args["arg"])
    # ok: taint-command-injection
    run_tool(quoted(request.args["n"]))


@app.route("/query")
def query():
    sql = build_query("items", request.args["owner"])
    conn = sqlite3.connect("app.db")
    # ruleid: taint-sql-injection
    return conn.execute(sql).fetchall()


@app.route("/containers")
def containers():
    parts = ["ls"]
    parts.append(request.args["dir"])
    options = {"flag": request.args["flag"], "fixed": "-l"}
    # ruleid: taint-command-injection
    os.system(" ".join(parts))
    # ruleid: taint-command-injection
    os.system("ls " + options["flag"])
    names = [n.strip() for n in request.args["names"].split(",")]
    for name in names:
        # ruleid: taint-command-injection
        os.system(f"touch {name}")
    first, second = request.args["a"], "constant"
    # ok: taint-command-injection
    os.system("echo " + second)
    # ruleid: taint-command-injection
    os.system("echo " + first)


@app.route("/archive")
def archive():
    Archiver(request.args["target"]).run()


@app.route("/closure")
def closure():
    target = request.args["t"]

    def inner():
        # ruleid: taint-command-injection
        os.system("ping " + target)

    inner()


@app.route("/with")
def with_statement():
    with open("/srv/base.txt") as handle:
        # ok: taint-command-injection
        # ruleid: command-injection-shell
        os.system("cat " + handle.read())
    value = request.args["v"]
    while value:
        # ruleid: taint-command-injection
        os.system("echo " + value)
        value = ""


async def fetch_name():
    return request.args["name"]


@app.route("/async")
async def async_view():
    name = await fetch_name()
    # ruleid: taint-command-injection
    os.system("echo " + name)


def run_keywords(**options):
    # ruleid: taint-command-injection
    os.system(options["cmd"])


def run_positional(*words):
    # ruleid: taint-command-injection
    os.system(" ".join(words))


def run_with_default(suffix, program="ls "):
    # ruleid: taint-command-injection
    os.system(program + suffix)


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@logged
def decorated(command):
    # ruleid: taint-command-injection
    os.system(command)


@app.route("/arguments")
def arguments():
    value = request.args["v"]
    run_keywords(cmd=value)
    run_positional("echo", value)
    run_with_default(value)
    decorated(value)
    # ruleid: taint-command-injection
    later = lambda: os.system("echo " + value)  # noqa: E731
    later()
    ordered = sorted([value, "b"], key=lambda item: item.lower())
    # ruleid: taint-command-injection
    os.system("echo " + ordered[0])
    run_with_default("-l")
