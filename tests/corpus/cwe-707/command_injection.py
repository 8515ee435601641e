"""OS command injection through a shell (CWE-78)."""
import os
import subprocess
import subprocess as sp
from os import system as run

from flask import request


def archive(name):
    # ruleid: command-injection-shell
    subprocess.run(f"tar czf {name}.tgz data", shell=True)
    # ok: command-injection-shell
    subprocess.run(["tar", "czf", f"{name}.tgz", "data"], check=True)


def archive_alias(name):
    # ruleid: command-injection-shell
    sp.call("gzip " + name, shell=True)
    # ok: command-injection-shell
    sp.call(["gzip", name])


def ping():
    host = request.args["host"]
    # ruleid: command-injection-shell
    os.system("ping -c 1 " + request.args["host"])
    # ruleid: command-injection-shell
    run("ping -c 1 %s" % host)
    # ok: command-injection-shell
    run("ping -c 1 localhost")


def constant_command():
    cmd = "ls -l /var/log"
    # ok: command-injection-shell
    subprocess.check_output(cmd, shell=True)
    # ok: command-injection-shell
    os.popen("uptime")


def popen_reader(path):
    # ruleid: command-injection-shell
    return os.popen("cat " + path).read()
