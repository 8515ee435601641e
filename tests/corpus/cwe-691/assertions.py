"""assert used as a security check (CWE-617)."""
from django.core.exceptions import PermissionDenied


def delete_project(request, project):
    # ruleid: assert-used-for-authorisation
    assert request.user.is_staff, "staff only"
    project.delete()


def delete_own(request, project):
    # ruleid: assert-used-for-authorisation
    assert project.owner == request.user
    project.delete()


def delete_project_properly(request, project):
    if not request.user.is_staff:
        raise PermissionDenied("staff only")
    project.delete()


def chunk(items, size):
    # ok: assert-used-for-authorisation
    assert size > 0
    return [items[i:i + size] for i in range(0, len(items), size)]


def unmask(token, secret_length):
    # ok: assert-used-for-authorisation
    assert len(token) == secret_length * 2, "checked by the caller"
    return token[:secret_length]
