"""A release script renders plain-text notes with Jinja2: no HTML, so nothing needs escaping.

Nothing in this module produces HTML (no markup, no .html template, no web framework), so an
environment without autoescape is not reported; `jinja_html_output.py` is the twin that renders HTML.
"""
import jinja2

NOTES = """Release {{ version }}
{% for change in changes %}- {{ change }}
{% endfor %}"""


def release_notes(version, changes):
    # ok: jinja-autoescape-disabled
    env = jinja2.Environment()
    return env.from_string(NOTES).render(version=version, changes=changes)


def man_pages(template_dir, programs):
    # ok: jinja-autoescape-disabled
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir))
    return {name: env.get_template("page.rst.j2").render(program) for name, program in programs.items()}
