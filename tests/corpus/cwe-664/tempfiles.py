"""Insecure temporary files (CWE-377)."""
import tempfile
from tempfile import mktemp


def scratch_path():
    # ruleid: insecure-tempfile-mktemp
    return tempfile.mktemp(suffix=".json")


def scratch_path_imported():
    # ruleid: insecure-tempfile-mktemp
    return mktemp()


def scratch_file():
    # ok: insecure-tempfile-mktemp
    handle, path = tempfile.mkstemp(suffix=".json")
    return handle, path
