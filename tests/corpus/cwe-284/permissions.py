"""World-writable permissions (CWE-732)."""
import os
import stat
from pathlib import Path


def publish_socket(path):
    # ruleid: world-writable-permissions
    os.chmod(path, 0o777)


def publish_socket_group(path):
    # ok: world-writable-permissions
    os.chmod(path, 0o660)


def share_log(path):
    # ruleid: world-writable-permissions
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IROTH | stat.S_IWOTH)


def protect_key(path):
    # ok: world-writable-permissions
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def share_dir(directory: Path):
    # ruleid: world-writable-permissions
    directory.chmod(0o666)
    # ok: world-writable-permissions
    directory.chmod(0o755)


def daemonise():
    # ruleid: world-writable-permissions
    os.umask(0)


def daemonise_safely():
    # ok: world-writable-permissions
    os.umask(0o027)


def make_cache(path):
    # ok: world-writable-permissions
    os.makedirs(path, mode=0o777, exist_ok=True)


def publish_aliased(path):
    import os as operating_system

    # ruleid: world-writable-permissions
    operating_system.chmod(path, 0o666)
