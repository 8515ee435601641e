"""The twin of `jinja_text_output.py`: the same environment rendering an HTML page escapes nothing."""
import jinja2

PAGE = """<ul>{% for change in changes %}<li>{{ change }}</li>{% endfor %}</ul>"""


def release_page(changes):
    # ruleid: jinja-autoescape-disabled
    env = jinja2.Environment()
    return env.from_string(PAGE).render(changes=changes)
