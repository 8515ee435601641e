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
