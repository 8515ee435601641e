"""HTML built by string formatting from file names (issue 14: a file server's listing page)."""
# capability: html-formatting
import html
import os
from pathlib import Path
from urllib.parse import quote


def listing_page(root):
    items = []
    for name in os.listdir(root):
        # ruleid: taint-html-formatting
        items.append('<li><a href="%s">%s</a></li>' % (name, name))
    # The list is reported where the names went in, not again where it is wrapped.
    # ok: taint-html-formatting
    return "<ul>%s</ul>" % "".join(items)


def listing_page_escaped(root):
    items = []
    for name in os.listdir(root):
        # ok: taint-html-formatting
        items.append('<li><a href="%s">%s</a></li>' % (quote(name), html.escape(name)))
    return "<ul>%s</ul>" % "".join(items)


def index_rows(root):
    # ruleid: taint-html-formatting
    return "".join(f"<tr><td>{entry.name}</td></tr>" for entry in os.scandir(root))


def index_rows_escaped(root):
    # ok: taint-html-formatting
    return "".join(f"<tr><td>{html.escape(entry.name)}</td></tr>" for entry in os.scandir(root))


def gallery(root: str):
    # ruleid: taint-html-formatting
    return "\n".join('<img src="{}">'.format(path.name) for path in Path(root).iterdir())


def sizes(root):
    # A number formats no markup.
    # ok: taint-html-formatting
    return "".join("<td>%d</td>" % os.path.getsize(os.path.join(root, n)) for n in os.listdir(root))


def reprs(root):
    # Not HTML: the constant text holds no element.
    # ok: taint-html-formatting
    return ["<File %s>" % name for name in os.listdir(root)]


def bold(text):
    # A public helper's argument: its caller decides what it formats (not followed into markup).
    # ok: taint-html-formatting
    return "<b>%s</b>" % text
