"""OS command injection through a shell (CWE-78)."""
import os
import subprocess
import subprocess as sp
from os import system as run

from flask import request

from app import settings


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


def shell_in_argv(pattern):
    # ruleid: command-injection-shell-argv
    subprocess.run(["bash", "-c", f"grep -r {pattern} /srv/data"])
    # ok: command-injection-shell-argv
    subprocess.run(["grep", "-r", "--", pattern, "/srv/data"], check=True)
    # ok: command-injection-shell-argv
    subprocess.run(["/bin/sh", "-c", "ls -l /srv/data | wc -l"])


def exec_a_shell(script):
    # ruleid: command-injection-shell-argv
    os.execl("/bin/sh", "sh", "-c", script)
    # ok: command-injection-shell-argv
    os.execlp("tar", "tar", "xzf", script)


def spawn_cmd(job):
    # ruleid: command-injection-shell-argv
    os.spawnv(os.P_WAIT, "C:\\Windows\\System32\\cmd.exe", ["cmd.exe", "/c", "run " + job])
    # ok: command-injection-shell-argv
    os.spawnv(os.P_WAIT, "/usr/bin/run-job", ["run-job", job])


async def async_shell(host):
    import asyncio
    # ruleid: command-injection-shell
    await asyncio.create_subprocess_shell("ping -c 1 " + host)
    # ruleid: command-injection-shell-argv
    await asyncio.create_subprocess_exec("sh", "-c", "ping -c 1 " + request.args["host"])
    # ok: command-injection-shell-argv, command-injection-shell
    await asyncio.create_subprocess_exec("ping", "-c", "1", host)


def shell_flag_from_constant(name):
    use_shell = True
    # ruleid: command-injection-shell
    subprocess.Popen("convert " + name + " out.png", shell=use_shell)
    # ok: command-injection-shell
    subprocess.Popen(["convert", name, "out.png"], shell=False)


def ping_if_given(host):
    if host:
        # ruleid: command-injection-shell
        os.system("ping -c 1 " + host)


def ping_if_valid(host):
    if host.replace(".", "").isalnum():
        # ok: command-injection-shell
        os.system("ping -c 1 " + host)


def quoted_for_the_shell(path, pattern):
    import shlex
    # ok: command-injection-shell
    subprocess.run("ls -l " + shlex.quote(path) + " | grep " + shlex.quote(pattern), shell=True)
    # ruleid: command-injection-shell
    subprocess.run("ls -l " + shlex.quote(path) + " | grep " + pattern, shell=True)
    # ok: command-injection-shell-argv
    subprocess.run(["sh", "-c", f"wc -l {shlex.quote(path)}"])


class HelpViewer:
    """Shows help through the user's pager, as man and git do: $PAGER is a command line for the shell."""

    PAGER = settings.get_config_value("PAGER")

    def show(self, text):
        # ok: command-injection-shell
        pager = subprocess.Popen(HelpViewer.PAGER, shell=True, stdin=subprocess.PIPE)
        pager.communicate(text.encode())

    def edit(self, path):
        editor = self.settings.editor
        # ok: command-injection-shell
        subprocess.run(editor, shell=True, check=True)

    def show_file(self, path):
        # A file name spliced into the pager's command line is not the user's setting.
        # ruleid: command-injection-shell
        subprocess.run(f"{HelpViewer.PAGER} {path}", shell=True, check=True)

    def web_pager(self):
        # ruleid: command-injection-shell, taint-command-injection
        subprocess.run(request.args["pager"], shell=True, check=True)
