"""Reads pickles with the unpicklers of another module."""
import io

from loaderapp import picklers
from loaderapp.picklers import LoggingUnpickler, RestrictedUnpickler, SafeUnpickler, StrictChild


def load(blob):
    # ok: unsafe-deserialization-pickle
    return RestrictedUnpickler(io.BytesIO(blob)).load()


def load_table(blob):
    # ok: unsafe-deserialization-pickle
    return picklers.TableUnpickler(io.BytesIO(blob)).load()


def load_child(blob):
    unpickler = StrictChild(io.BytesIO(blob))
    # ok: unsafe-deserialization-pickle
    return unpickler.load()


def load_strict_safe_child(blob):
    # ok: unsafe-deserialization-pickle
    return picklers.StrictSafeChild(io.BytesIO(blob)).load()


def load_named_safe(blob):
    # ruleid: unsafe-deserialization-pickle
    return SafeUnpickler(io.BytesIO(blob)).load()


def load_logged(path):
    with open(path, "rb") as stream:
        unpickler = LoggingUnpickler(stream)
        # ruleid: unsafe-deserialization-pickle
        return unpickler.load()
