"""A command-line tool's version banner, rendered as a template (CWE-1336).

`sys.argv[0]` is the path the program was started as, not an argument anyone passed: a banner that
shows it and is then rendered as a template carries no template syntax of a user's. The arguments
after it are the operator's input.
"""
import sys

from jinja2 import Environment

ENV = Environment()


def version_lines(version):
    lines = ["tool %s" % version]
    lines.append("  executable location = %s" % sys.argv[0])
    lines.append("  python version = %s" % sys.version.split()[0])
    return "\n".join(lines)


def render_banner(version):
    banner = version_lines(version)
    # ok: taint-template-injection
    return ENV.from_string(banner).render(version=version)


def invocation_lines(version):
    lines = ["tool %s" % version]
    lines.append("  invoked with = %s" % " ".join(sys.argv[1:]))
    return "\n".join(lines)


def render_invocation(version):
    banner = invocation_lines(version)
    # ruleid: taint-template-injection
    return ENV.from_string(banner).render(version=version)
