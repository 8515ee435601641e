"""A runner that moves its first argument into the program's place, as runpy does (CWE-1336).

`python -m render banner.j2` deletes the runner's own path from `sys.argv`, so `sys.argv[0]` is then
the template the operator named, not the program's path: still an argument.
"""
import sys

from jinja2 import Environment

ENV = Environment()


def render_named(source):
    # ruleid: taint-template-injection
    return ENV.from_string(source).render()


def main():
    if len(sys.argv) < 2:
        print("No template given", file=sys.stderr)
        return None
    del sys.argv[0]
    return render_named(sys.argv[0])


if __name__ == "__main__":
    main()
