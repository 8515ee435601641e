"""`builtins.eval`, `__builtins__.eval` and `getattr(builtins, "eval")` are eval (issue 19, item 3)."""
# capability: builtins-resolution
import ast
import builtins

from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expr = request.args["expr"]
    # ruleid: taint-code-injection
    builtins.eval(expr)
    # ruleid: taint-code-injection
    __builtins__.exec(expr)
    # ruleid: taint-code-injection
    getattr(builtins, "eval")(expr)
    # ok: taint-code-injection
    return str(ast.literal_eval(expr))


def evaluate(expr):
    # ruleid: code-injection-eval
    return builtins.eval(expr)


def evaluate_indirect(expr):
    # ruleid: code-injection-eval
    return getattr(builtins, "eval")(expr)


def evaluate_literal(expr):
    # ok: code-injection-eval
    return getattr(builtins, "eval")("1 + 1")


def evaluate_own(expr, eval=ast.literal_eval):
    # ok: code-injection-eval
    return eval(expr)
