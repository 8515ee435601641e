"""Inline Jinja templates: values shown through |safe or inside autoescape false (issue 20)."""
# capability: inline-templates
from flask import Flask, render_template_string, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

app = Flask(__name__)


@app.route("/bio")
def bio():
    # ruleid: taint-xss
    return render_template_string("<p>{{ bio|safe }}</p>", bio=request.args["bio"])


@app.route("/bio-escaped")
def bio_escaped():
    # ok: taint-xss
    return render_template_string("<p>{{ bio }}</p>", bio=request.args["bio"])


@app.route("/note")
def note():
    # ruleid: taint-xss
    return render_template_string(
        "{% autoescape false %}<div>{{ note }}</div>{% endautoescape %}", note=request.args["note"])


@app.route("/title")
def title():
    # ok: taint-xss
    return render_template_string("<h1>{{ title }}</h1>{{ footer|safe }}", title=request.args["t"],
                                  footer="<hr>")


# ruleid: jinja-autoescape-disabled
xml_only = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["xml"]))
# ok: jinja-autoescape-disabled
html_too = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
# ok: jinja-autoescape-disabled
defaults = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
