"""Argument injection (CWE-88): values that git, ssh, curl or tar may read as options (issue 20)."""
# capability: argument-injection
import re
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


@app.route("/mirror", methods=["POST"])
def mirror():
    repo = request.form["repo"]
    # ruleid: taint-argument-injection
    subprocess.run(["git", "clone", repo, "/srv/mirror"], check=True)
    # ok: taint-argument-injection
    subprocess.run(["git", "clone", "--", repo, "/srv/mirror"], check=True)
    # ok: taint-argument-injection
    subprocess.run(["git", "clone", "https://git.example.com/" + repo, "/srv/mirror"], check=True)
    return "queued"


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    # ruleid: taint-argument-injection
    subprocess.run(["curl", "-sS", url], check=True, timeout=30)
    if url.startswith("-"):
        abort(400)
    # ok: taint-argument-injection
    subprocess.run(["curl", "-sS", url], check=True, timeout=30)
    return "done"


@app.route("/checkout")
def checkout():
    branch = request.args["branch"]
    if not BRANCH.fullmatch(branch):
        abort(400)
    # ok: taint-argument-injection
    subprocess.run(["git", "checkout", branch], check=True)
    # ok: taint-argument-injection
    subprocess.run(["git", "log", f"--format=%H {branch}"], check=True)
    return "ok"


@app.route("/archive")
def archive():
    name = request.args["name"]
    # ruleid: taint-argument-injection
    subprocess.run(["tar", "czf", "/tmp/out.tgz", name], check=True)
    # tar's f takes the next word as the archive name: not read as an option.
    # ok: taint-argument-injection
    subprocess.run(["tar", "czf", name, "/srv/data"], check=True)
    # An echo takes no dangerous options: not an option-sensitive program.
    # ok: taint-argument-injection
    subprocess.run(["echo", name], check=True)
    return "ok"
