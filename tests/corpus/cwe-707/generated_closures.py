"""Python source a library generates from constant fragments and counters, then runs (CWE-95).

SQLAlchemy's lambda cache rebuilds a function's closure cells by running generated code: every
fragment is a literal or a `%d` of an index, so nothing in it can come from outside. Source with a
fragment of unknown origin is still reported.
"""


class ClosureRewriter:
    def __init__(self, expression):
        self.expression = expression

    def make_cells(self, cell_values):
        argrange = range(len(cell_values))
        code = "def make_cells():\n"
        if cell_values:
            code += "    (%s) = (%s)\n" % (
                ", ".join("i%d" % i for i in argrange),
                ", ".join("o%d" % i for i in argrange),
            )
        code += "    def closure():\n"
        code += "        return %s\n" % ", ".join("i%d" % i for i in argrange)
        code += "    return closure.__closure__"
        namespace = {"o%d" % i: cell_values[i] for i in argrange}
        # ok: code-injection-eval
        exec(code, namespace, namespace)
        return namespace["make_cells"]()

    def make_getter(self, cell_values):
        argrange = range(len(cell_values))
        code = "def getter():\n"
        code += "    (%s) = cells\n" % ", ".join("i%d" % i for i in argrange)
        code += "    return %s\n" % self.expression
        namespace = {"cells": cell_values}
        # ruleid: code-injection-eval
        exec(code, namespace, namespace)
        return namespace["getter"]
