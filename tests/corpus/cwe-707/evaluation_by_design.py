"""What is evaluation: compile(..., ast.PyCF_ONLY_AST) only parses; running a profile script the
user keeps in their home directory, or the code a management command's -c option names, is a
feature by design (reported at low severity, see tests/test_evaluation_features.py)."""
import ast
import cmd
import os
import sys

from django.core.management import BaseCommand


def syntax_tree(source, filename):
    # ok: code-injection-eval
    return compile(source, filename, "exec", ast.PyCF_ONLY_AST)


def compiled(source, filename):
    # ruleid: code-injection-eval
    return compile(source, filename, "exec")


def parse_startup_file():
    # ok: taint-code-injection
    return compile(os.environ["STARTUP_CODE"], "<startup>", "exec", flags=ast.PyCF_ONLY_AST)


def compile_startup_file():
    # ruleid: taint-code-injection
    return compile(os.environ["STARTUP_CODE"], "<startup>", "exec")


def read_profile(class_name, namespace):
    home = os.environ.get("HOME", os.curdir)
    profile = os.path.join(home, ".%s.py" % class_name)
    if os.path.isfile(profile):
        # ruleid: code-injection-eval
        exec(open(profile).read(), namespace)


def run_startup_file(namespace):
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup) as handle:
            startup_code = handle.read()
        # ruleid: code-injection-eval
        exec(compile(startup_code, startup, "exec"), namespace)


class Command(BaseCommand):
    def handle(self, **options):
        if options["command"]:
            # ruleid: code-injection-eval
            exec(options["command"], globals())


class Console(cmd.Cmd):
    def do_eval(self, args):
        # ruleid: code-injection-eval
        print(eval(args, {}))

    def do_exec(self, args):
        # ruleid: code-injection-eval
        code = compile(args + "\n", "<stdin>", "single")
        # ruleid: code-injection-eval
        exec(code, {})


class ModuleLoader:
    def __init__(self, source):
        self.source = source

    def exec_module(self, module):
        # ok: code-injection-eval
        code = compile(self.source, module.__name__, "exec")
        # ok: code-injection-eval
        exec(code, module.__dict__)

    def run_snippet(self, namespace):
        # ruleid: code-injection-eval
        exec(self.source, namespace)


def run_startup_bytes(pystartup, env):
    with open(pystartup, "rb") as fp:
        # ruleid: code-injection-eval
        exec(fp.read().decode("utf-8"), env)


# Execution APIs: their name or documentation says they run the code their caller passes (bdb's
# Bdb.run, a profiler's runctx, timeit.Timer). By design, low severity; the callers are what matter.
class Debugger:
    def run(self, cmd, globals=None):
        if isinstance(cmd, str):
            # ruleid: code-injection-eval
            cmd = compile(cmd, "<string>", "exec")
        # ruleid: code-injection-eval
        exec(cmd, globals)


class Timer:
    """Time the execution of small code snippets."""

    def __init__(self, stmt, setup):
        # ruleid: code-injection-eval
        self.code = compile(setup + "\n" + stmt, "<timeit-src>", "exec")


# Code the program generates from its own templates and its own names (dataclasses' __init__,
# SQLAlchemy's attrsetter, Celery's signature copies): not injection unless input reaches it.
def attrsetter(attrname):
    code = "def set(obj, value):    obj.%s = value" % attrname
    env = {}
    # ok: code-injection-eval
    exec(code, env)
    return env["set"]


def create_fn(name, args, body):
    txt = f"def {name}({args}):\n{body}"
    ns = {}
    # ok: code-injection-eval
    exec(compile(txt, "<generated>", "exec"), {}, ns)
    return ns[name]


def view_formula(request):
    # ruleid: code-injection-eval
    exec("result = %s" % request.args["formula"])
