"""WebOb (OpenStack): dotted environ keys are set by the server and middleware, not the client."""
import webob


def create_image(req, body):
    context = req.environ["nova.context"]
    resp = webob.Response(status_int=202)
    # ok: taint-header-injection
    resp.headers["Location"] = "/images/%s" % context.project_id
    agent = req.environ["HTTP_USER_AGENT"]
    # ruleid: taint-header-injection
    resp.headers["X-Agent"] = agent
    return resp
