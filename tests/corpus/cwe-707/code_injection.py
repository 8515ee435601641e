"""Evaluating data as code (CWE-95)."""
import ast

from flask import request


def calculate():
    # ruleid: code-injection-eval
    return eval(request.args["expr"])


def calculate_safely():
    # ok: code-injection-eval
    return ast.literal_eval(request.args["expr"])


def run_snippet(snippet):
    # ruleid: code-injection-eval
    exec(snippet, {"__builtins__": {}})


def fixed_snippet():
    # ok: code-injection-eval
    exec("x = 1 + 1")
    # ok: code-injection-eval
    return eval("2 ** 8")


def load_exporter():
    import importlib
    # ruleid: dynamic-import-from-request
    exporter = importlib.import_module("exporters." + request.args["format"])
    EXPORTERS = {"csv": "exporters.csv", "json": "exporters.json"}
    # ok: dynamic-import-from-request
    chosen = importlib.import_module(EXPORTERS[request.args["format"]])
    return exporter, chosen


def load_plugin_from_settings(settings):
    import importlib
    # ok: dynamic-import-from-request
    return importlib.import_module(settings.PLUGIN_MODULE)


def dunder_import():
    name = request.form["module"]
    # ruleid: dynamic-import-from-request
    return __import__(name)


def archive_literal():
    import subprocess
    # literal_eval runs no code, but the string literal it parses comes back whole to the shell.
    name = ast.literal_eval(request.args["name"])
    # ruleid: taint-command-injection
    return subprocess.run(f"tar czf /tmp/{name}.tgz /srv/data", shell=True)


def archive_literal_number():
    import subprocess
    count = int(ast.literal_eval(request.args["count"]))
    # ok: taint-command-injection
    return subprocess.run(f"tar czf /tmp/backup-{count}.tgz /srv/data", shell=True)
