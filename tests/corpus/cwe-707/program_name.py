"""`sys.argv[0]` is the path the program was started by, not an argument: it names the program
(in usage and version text) and carries nothing the operator meant as input. `sys.argv[1:]` does."""
import sys

import jinja2


def version_text():
    # No flow from the command line; the pattern rule's low-confidence hint about a spliced template stays.
    # ok: taint-template-injection
    # ruleid: template-injection
    return jinja2.Environment().from_string("executable location = %s" % sys.argv[0]).render()


def usage_text():
    # ruleid: taint-template-injection
    return jinja2.Environment().from_string("usage: %s" % sys.argv[1]).render()

