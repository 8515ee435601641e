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


# Invariants whose words also name access decisions (SQLAlchemy's Transaction.close, its collection
# instrumentation and event registry, FastAPI's route setup): nobody is asking for access.
class Transaction:
    def close(self):
        try:
            self._do_close()
        finally:
            # ok: assert-used-for-authorisation
            assert not self.is_active


def note_roles(method):
    role = method._sa_instrument_role
    # ok: assert-used-for-authorisation
    assert role in ("appender", "remover", "iterator", "converter")
    return role


def relisten(dispatch_reg, newowner_ref, listen_ref):
    if newowner_ref in dispatch_reg:
        # ok: assert-used-for-authorisation
        assert dispatch_reg[newowner_ref] == listen_ref


def response_field(status_code, is_body_allowed_for_status_code):
    # ok: assert-used-for-authorisation
    assert is_body_allowed_for_status_code(status_code), "this status code has no body"


# The same words asked of a user are access decisions.
def deactivate_others(request, account):
    # ruleid: assert-used-for-authorisation
    assert request.user.is_active
    account.deactivate()


def promote(current_user, member):
    # ruleid: assert-used-for-authorisation
    assert current_user.role == "admin"
    member.promote()
