"""Client address taken from X-Forwarded-For for access decisions (CWE-348)."""
from flask import abort, request

ADMIN_NETWORKS = {"10.0.0.5"}


def admin_only():
    # ruleid: spoofable-client-address
    ip = request.headers.get("X-Forwarded-For", "").split(",")[0]
    if ip not in ADMIN_NETWORKS:
        abort(403)


def is_internal_request():
    # ruleid: spoofable-client-address
    return request.access_route[0].startswith("10.")


def admin_only_behind_proxyfix():
    # ok: spoofable-client-address
    if request.remote_addr not in ADMIN_NETWORKS:
        abort(403)


def visitor_country(geoip):
    # ok: spoofable-client-address
    visitor = request.headers.get("X-Forwarded-For", "").split(",")[0]
    return geoip.country(visitor)
