"""Views that run a shell command built by mutually recursive helpers."""
import os
import subprocess

from flask import request

from jobs.paths import descend, trimmed


def run_nested():
    directory = request.args["dir"]
    # ruleid: taint-command-injection
    os.system("ls " + descend(directory, 3))


def run_nested_as_argument():
    directory = request.args["dir"]
    # ok: taint-command-injection, command-injection-shell
    subprocess.run(["ls", descend(directory, 3)], check=True)  # one argument, no shell


def run_trimmed():
    name = request.args["file"]
    # ruleid: taint-command-injection
    os.system("cat " + trimmed(name))  # (no recursion here: linked once, then carried over)


def run_trimmed_as_argument():
    name = request.args["file"]
    # ok: taint-command-injection, command-injection-shell
    subprocess.run(["cat", trimmed(name)], check=True)
