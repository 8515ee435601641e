"""Re-encoding the headers a response already holds puts back what an earlier store put there: the
earlier store is the way in, not the loop that rewrites it."""
import webob
import webob.exc


def fault(request):
    exc = webob.exc.HTTPBadRequest(explanation=request.params["reason"])
    for key, value in list(exc.headers.items()):
        # ok: taint-header-injection
        exc.headers[key] = str(value)
    return exc


def copy_into(request):
    response = webob.Response()
    extra = {"X-Reason": request.params["reason"]}
    for key, value in extra.items():
        # ruleid: taint-header-injection
        response.headers[key] = str(value)
    return response


def tagged(request):
    response = webob.Response()
    # ruleid: taint-header-injection
    response.headers["X-Tag"] = request.params["tag"]
    for key, value in list(response.headers.items()):
        if not isinstance(value, str):
            value = str(value)
        # ok: taint-header-injection
        response.headers[key] = value.strip()
    return response
