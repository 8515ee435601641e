"""The project's unpicklers: restricted by what their find_class does, not by their names."""
import io
import logging
import pickle

ALLOWED = {("builtins", "set"): set, ("builtins", "frozenset"): frozenset}
LOG = logging.getLogger(__name__)


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


class TableUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return ALLOWED[(module, name)]


class SafeUnpickler(pickle.Unpickler):
    """Not safe whatever its name: find_class imports whatever the stream names."""

    def find_class(self, module, name):
        return super().find_class(module, name)


class LoggingUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        LOG.debug("loading %s.%s", module, name)
        return super().find_class(module, name)


class StrictChild(RestrictedUnpickler):
    """Inherits the allow-list."""


class StrictSafeChild(SafeUnpickler):
    def find_class(self, module, name):
        if module != "builtins":
            raise pickle.UnpicklingError(module)
        return super().find_class(module, name)


def load_restricted(blob):
    # ok: unsafe-deserialization-pickle
    return RestrictedUnpickler(io.BytesIO(blob)).load()


def load_named_safe(blob):
    # ruleid: unsafe-deserialization-pickle
    return SafeUnpickler(io.BytesIO(blob)).load()
