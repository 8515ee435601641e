"""aiohttp: a web.Response body is HTML only when its content type says so.

`web.Response(text=...)` is sent as text/plain unless `content_type` names another type
(aiohttp's web reference); request data in an HTML body is XSS, in a plain-text one it is not.
"""
# capability: sinks
import html

from aiohttp import web


async def greet_html(request):
    name = request.query["name"]
    # ruleid: taint-xss
    return web.Response(text=f"<p>Hello {name}</p>", content_type="text/html")


async def greet_html_escaped(request):
    name = html.escape(request.query["name"])
    # ok: taint-xss
    return web.Response(text=f"<p>Hello {name}</p>", content_type="text/html")


async def greet_plain(request):
    name = request.query["name"]
    # ok: taint-xss
    return web.Response(text=f"Hello {name}")


async def echo_bytes(request):
    body = await request.read()
    # ruleid: taint-xss
    return web.Response(body=b"<pre>" + body + b"</pre>", content_type="text/html", charset="utf-8")


async def echo_json(request):
    body = await request.text()
    # ok: taint-xss
    return web.Response(text=body, content_type="application/json")
