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
