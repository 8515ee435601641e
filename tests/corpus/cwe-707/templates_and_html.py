"""Server-side template injection (CWE-1336) and HTML marked safe (CWE-79)."""
import jinja2
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from flask import Flask, render_template_string, request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

app = Flask(__name__)


@app.route("/hello")
def hello():
    # ruleid: template-injection
    return render_template_string(f"<h1>Hello {request.args['name']}</h1>")


@app.route("/hello-safe")
def hello_safe():
    # ok: template-injection
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])


def greeting(user_name):
    template = "<p>Welcome back, " + user_name + "</p>"
    # ruleid: template-injection
    return jinja2.Template(template).render()


def greeting_from_context(user_name):
    # ok: template-injection
    return jinja2.Template("<p>Welcome back, {{ user }}</p>").render(user=user_name)


def stored_template(env: Environment, body):
    # ruleid: template-injection
    return env.from_string("{% extends 'base.html' %}" + body).render()


def stored_template_loaded(env: Environment, name):
    # ok: template-injection
    return env.get_template(name).render()


def other_from_string(Version, text):
    # ok: template-injection
    return Version.from_string(f"{text}.0")


def template_from_request_body():
    # ruleid: template-injection
    return render_template_string(request.get_data(as_text=True))


def bold_author(comment):
    # ruleid: xss-mark-safe
    return mark_safe(f"<b>{comment.author}</b>")


def bold_author_escaped(comment):
    # ok: xss-mark-safe
    return mark_safe(f"<b>{escape(comment.author)}</b>")


def bold_author_format_html(comment):
    # ok: xss-mark-safe
    return format_html("<b>{}</b>", comment.author)


def format_html_misused(comment):
    # ruleid: xss-mark-safe
    return format_html("<b>" + comment.author + "</b>")


def markup_from_request():
    # ruleid: xss-mark-safe
    return Markup(request.args.get("bio", ""))


def markup_with_format():
    # ok: xss-mark-safe
    return Markup("<i>{}</i>").format(request.args.get("bio", ""))


def constant_markup():
    # ok: xss-mark-safe
    return Markup("<br>")


def environments():
    # ruleid: jinja-autoescape-disabled
    pages = Environment(loader=FileSystemLoader("templates/html"))
    # ruleid: jinja-autoescape-disabled
    emails = jinja2.Environment(loader=FileSystemLoader("mail"), autoescape=False)
    # ok: jinja-autoescape-disabled
    safe = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html"]))
    # ok: jinja-autoescape-disabled
    always = Environment(autoescape=True)
    return pages, emails, safe, always
