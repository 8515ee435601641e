"""Path containment in library code (CWE-22): checks that compare strings, archive members, download names.

A library gets its names from its callers, from archives and from HTTP responses; these are the checks
and extraction loops such libraries write, each with the fixed form beside it.
"""
# ruleid: deprecated-insecure-api
import cgi
import email
import os
import re
import shutil
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

STATIC_ROOT = os.path.realpath("/srv/static")


class Storage:
    """A file store rooted at one directory."""

    def __init__(self, root):
        self.root = os.path.realpath(root)

    def path_prefix_check(self, name):
        target = os.path.realpath(os.path.join(self.root, name))
        # ruleid: path-containment-string-check
        if os.path.commonprefix([self.root, target]) != self.root:
            raise ValueError(name)
        return target

    def path_commonpath_check(self, name):
        target = os.path.realpath(os.path.join(self.root, name))
        # ok: path-containment-string-check
        if os.path.commonpath([self.root, target]) != self.root:
            raise ValueError(name)
        return target

    def path_prefix_bound(self, name):
        target = os.path.abspath(os.path.join(self.root, name))
        # ruleid: path-containment-string-check
        prefix = os.path.commonprefix([target, self.root])
        if prefix != self.root:
            raise ValueError(name)
        return target

    def sibling_check(self, name):
        target = os.path.realpath(os.path.join(self.root, name))
        # ruleid: path-containment-string-check
        if not target.startswith(self.root):
            raise ValueError(name)
        return target

    def separator_check(self, name):
        target = os.path.realpath(os.path.join(self.root, name))
        # ok: path-containment-string-check
        if not target.startswith(self.root + os.sep):
            raise ValueError(name)
        return target

    def unnormalised_check(self, name):
        target = os.path.join(self.root, name)
        # ruleid: path-containment-string-check
        if not target.startswith(self.root + os.sep):
            raise ValueError(name)
        return target

    def normalised_check(self, name):
        target = os.path.normpath(os.path.join(self.root, name))
        # ok: path-containment-string-check
        if not target.startswith(self.root + os.sep):
            raise ValueError(name)
        return target


def static_file(name):
    base = os.path.join(STATIC_ROOT, "")
    full = os.path.realpath(os.path.join(STATIC_ROOT, name))
    # ok: path-containment-string-check
    if not full.startswith(base):
        raise PermissionError(name)
    return full


def static_file_bytes(b_dest, filename):
    b_path = os.path.abspath(os.path.join(b_dest, filename))
    # ok: path-containment-string-check
    if not b_path.startswith(b_dest + os.fsencode(os.path.sep)):
        raise PermissionError(filename)
    return b_path


def is_system_file(path):
    # ok: path-containment-string-check
    return os.path.realpath(path).startswith("/proc")


def find_locale_dir(directory, locale_paths):
    for path in locale_paths:
        # ok: path-containment-string-check
        if os.path.abspath(directory).startswith(os.path.dirname(path)):
            return path
    return None


def url_prefix(url):
    # ok: path-containment-string-check
    if not url.startswith("/"):
        url = "/" + url
    return url


def scheme_check(base, name):
    url = base + "/" + name
    # ok: path-containment-string-check
    return url.startswith("https://")


def strip_dots(base, name):
    # ruleid: path-traversal-strip-once
    name = name.replace("../", "")
    return open(os.path.join(base, name), "rb")


def strip_dots_regex(base, name):
    # ruleid: path-traversal-strip-once
    name = re.sub(r"\.\./", "", name)
    return open(os.path.join(base, name), "rb")


def strip_dots_repeated(base, name):
    while "../" in name:
        # ok: path-traversal-strip-once
        name = name.replace("../", "")
    return open(os.path.join(base, name), "rb")


def strip_version_dots(version):
    # ok: path-traversal-strip-once
    return version.replace(".", "")


def dotdot_only(base, name):
    if ".." in name:
        raise ValueError(name)
    # ruleid: path-join-unchecked-part
    return open(os.path.join(base, name), "rb")


def dotdot_and_absolute(base, name):
    if ".." in name or os.path.isabs(name):
        raise ValueError(name)
    # ok: path-join-unchecked-part
    return open(os.path.join(base, name), "rb")


def dotdot_parts(base, name):
    if ".." in name.split("/") or name.startswith("/"):
        raise ValueError(name)
    # ok: path-join-unchecked-part
    return open(os.path.join(base, name), "rb")


def decoded_after_check(base, quoted):
    if ".." in quoted or quoted.startswith("/"):
        raise ValueError(quoted)
    # ruleid: validate-before-canonicalise
    return open(os.path.join(base, urllib.parse.unquote(quoted)), "rb")


def decoded_before_check(base, quoted):
    name = urllib.parse.unquote(quoted)
    if ".." in name or name.startswith("/"):
        raise ValueError(quoted)
    # ok: validate-before-canonicalise
    return open(os.path.join(base, name), "rb")


def unzip(archive, dest):
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            target = os.path.join(dest, info.filename)
            # ruleid: taint-path-traversal
            os.makedirs(os.path.dirname(target), exist_ok=True)
            # ruleid: taint-path-traversal
            with open(target, "wb") as out:
                out.write(bundle.read(info))


def unzip_checked(archive, dest):
    dest = os.path.realpath(dest)
    with zipfile.ZipFile(archive) as bundle:
        for name in bundle.namelist():
            target = os.path.realpath(os.path.join(dest, name))
            if os.path.commonpath([dest, target]) != dest:
                raise ValueError(name)
            # ok: taint-path-traversal
            with open(target, "wb") as out:
                out.write(bundle.read(name))


def unzip_sibling_checked(archive, dest):
    dest = os.path.realpath(dest)
    with zipfile.ZipFile(archive) as bundle:
        for name in bundle.namelist():
            target = os.path.realpath(os.path.join(dest, name))
            # ruleid: path-containment-string-check
            if not target.startswith(dest):
                raise ValueError(name)
            # ok: taint-path-traversal
            with open(target, "wb") as out:
                out.write(bundle.read(name))


def unzip_separator_checked(archive, dest):
    dest = os.path.realpath(dest)
    with zipfile.ZipFile(archive) as bundle:
        for name in bundle.namelist():
            target = os.path.realpath(os.path.join(dest, name))
            # ok: path-containment-string-check
            if not target.startswith(dest + os.sep):
                raise ValueError(name)
            # ok: taint-path-traversal
            with open(target, "wb") as out:
                out.write(bundle.read(name))


def untar_by_hand(archive, dest):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            source = tar.extractfile(member)
            if source is None:
                continue
            # ruleid: taint-path-traversal
            with open(os.path.join(dest, member.name), "wb") as out:
                shutil.copyfileobj(source, out)


def untar_by_hand_resolved(archive, dest):
    base = Path(dest).resolve()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            source = tar.extractfile(member)
            target = (base / member.name).resolve()
            if source is None or not target.is_relative_to(base):
                continue
            # ok: taint-path-traversal
            with open(target, "wb") as out:
                shutil.copyfileobj(source, out)


def untar_manifest(archive, dest):
    """The file list comes from a manifest inside the archive: its names are the archive's too."""
    with tarfile.open(archive) as tar:
        listing = tar.extractfile("FILES").read().decode().splitlines()
        for name in listing:
            # ruleid: taint-path-traversal
            shutil.move(os.path.join(dest, ".staging", "blob"), os.path.join(dest, name))


def untar_manifest_basename(archive, dest):
    with tarfile.open(archive) as tar:
        listing = tar.extractfile("FILES").read().decode().splitlines()
        for name in listing:
            # ok: taint-path-traversal
            shutil.move(os.path.join(dest, ".staging", "blob"), os.path.join(dest, os.path.basename(name)))


def _disposition_name(header, default):
    _, params = cgi.parse_header(header)
    return params.get("filename") or default


def save_download(response, folder):
    name = _disposition_name(response.headers.get("content-disposition", ""), "download")
    # ruleid: taint-path-traversal
    with open(os.path.join(folder, name), "wb") as out:
        out.write(response.content)


def save_download_basename(response, folder):
    name = os.path.basename(_disposition_name(response.headers.get("content-disposition", ""), "download"))
    # ok: taint-path-traversal
    with open(os.path.join(folder, name), "wb") as out:
        out.write(response.content)


def save_attachments(raw, folder):
    message = email.message_from_bytes(raw)
    for part in message.walk():
        filename = part.get_filename()
        if filename:
            # ruleid: taint-path-traversal
            urllib.request.urlretrieve("file:///dev/null", os.path.join(folder, filename))


def save_attachments_basename(raw, folder):
    message = email.message_from_bytes(raw)
    for part in message.walk():
        filename = part.get_filename()
        if filename:
            # ok: taint-path-traversal
            urllib.request.urlretrieve("file:///dev/null", os.path.join(folder, os.path.basename(filename)))


def untar_members_one_by_one(archive, dest):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            # ruleid: tar-extract-unfiltered
            tar.extract(member, dest)


def untar_members_checked(archive, dest):
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if ".." in member.name.split("/") or os.path.isabs(member.name):
                raise ValueError(member.name)
            # ok: tar-extract-unfiltered
            tar.extract(member, dest)


def is_subpath(child, parent):
    child, parent = os.path.realpath(child), os.path.realpath(parent)
    return os.path.commonpath([child, parent]) == parent


def untar_members_contained(archive, dest):
    # Every member's name and link target is resolved against the destination and refused outside it
    # (ansible-galaxy's role install, for Pythons without the data filter).
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            for attr in ("name", "linkname"):
                value = getattr(member, attr, None)
                if value and not is_subpath(os.path.join(dest, value), dest):
                    raise ValueError(f"{attr} {value} is outside {dest}")
            # ok: tar-extract-unfiltered
            tar.extract(member, dest)


def untar_members_contained_elsewhere(archive, dest, other):
    # The containment check is about another path: the member is extracted unchecked.
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if not is_subpath(other, dest):
                raise ValueError(other)
            # ruleid: tar-extract-unfiltered
            tar.extract(member, dest)


def unpack_zip_bundle(dest):
    # ok: tar-extract-unfiltered
    shutil.unpack_archive("bundle.zip", dest)


def unpack_any_bundle(upload, dest):
    # ruleid: tar-extract-unfiltered
    shutil.unpack_archive(upload, dest)


class BlobStore:
    """A public storage class: callers give names, the store chooses the directory."""

    def __init__(self, root):
        self.root = root

    def save(self, name, data):
        # ruleid: library-path-parameter
        with open(os.path.join(self.root, name), "wb") as out:
            out.write(data)

    def save_checked(self, name, data):
        path = os.path.realpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, path]) != self.root:
            raise ValueError(name)
        # ok: library-path-parameter
        with open(path, "wb") as out:
            out.write(data)

    def save_basename(self, name, data):
        # ok: library-path-parameter
        with open(os.path.join(self.root, os.path.basename(name)), "wb") as out:
            out.write(data)

    def remove(self, key):
        target = Path(self.root) / f"{key}.blob"
        # ruleid: library-path-parameter
        shutil.move(target, os.path.join(self.root, "trash"))

    def read(self, name):
        # ok: library-path-parameter
        with open(os.path.join(self.root, name), "rb") as handle:
            return handle.read()

    def _write_internal(self, name, data):
        # ok: library-path-parameter
        with open(os.path.join(self.root, name), "wb") as out:
            out.write(data)


def write_report(path, text):
    """The caller chooses the whole path: its own business."""
    # ok: library-path-parameter
    with open(path, "w") as out:
        out.write(text)


def write_sys(path, data):
    """Writes under /sys; `path` is relative or absolute by contract."""
    # ok: library-path-parameter
    with open(os.path.join("/sys", path), mode="w") as handle:
        handle.write(data)


class BaseUnpacker:
    @staticmethod
    def _copy_permissions(mode, filename):
        # ok: taint-path-traversal
        os.chmod(filename, mode)


class Unpacker(BaseUnpacker):
    def unpack(self, archive, dest):
        dest = os.path.realpath(dest)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                target = os.path.realpath(os.path.join(dest, member.name))
                if os.path.commonpath([dest, target]) != dest:
                    continue
                # ok: tar-extract-unfiltered
                tar.extract(member, dest, filter="data")
                self._copy_permissions(member.mode, target)


def extract_entry(archive_dir, entry_name, data):
    target = Path(archive_dir).joinpath(entry_name)
    try:
        # ruleid: path-containment-string-check
        target.relative_to(archive_dir)
    except ValueError:
        raise ValueError(entry_name) from None
    target.write_bytes(data)


def extract_entry_resolved(archive_dir, entry_name, data):
    base = Path(archive_dir).resolve()
    target = base.joinpath(entry_name).resolve()
    try:
        # ok: path-containment-string-check
        target.relative_to(base)
    except ValueError:
        raise ValueError(entry_name) from None
    target.write_bytes(data)


CHECKOUT_DIR = Path(__file__).parent.parent
MANIFEST = CHECKOUT_DIR / "pyproject.toml"


def check_manifest(text):
    if "requires" not in text:
        # relative_to() only shortens the path shown in the error message: it checks nothing.
        # ok: path-containment-string-check
        raise ValueError(f"no 'requires' entry in {MANIFEST.relative_to(CHECKOUT_DIR)}")


def manifest_member(member):
    # The same call as a check, before the path is used: still unnormalised.
    target = CHECKOUT_DIR / member
    try:
        # ruleid: path-containment-string-check
        target.relative_to(CHECKOUT_DIR)
    except ValueError:
        return None
    return target.read_text()


def fetch_to(url, folder):
    """Downloads `url` into `folder`, named after the URL."""
    name = urllib.parse.unquote(url.rsplit("/", 1)[-1])
    with urllib.request.urlopen(url, timeout=30) as response:
        # ruleid: library-path-parameter
        with open(os.path.join(folder, name), "wb") as out:
            shutil.copyfileobj(response, out)


def fetch_to_url_path(url, folder):
    # ruleid: library-path-parameter
    urllib.request.urlretrieve(url, os.path.join(folder, urllib.parse.urlsplit(url).path))


def fetch_to_basename(url, folder):
    name = os.path.basename(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    with urllib.request.urlopen(url, timeout=30) as response:
        # ok: library-path-parameter
        with open(os.path.join(folder, name), "wb") as out:
            shutil.copyfileobj(response, out)


def _disposition_name_sanitised(header, default):
    _, params = cgi.parse_header(header)
    filename = params.get("filename")
    if filename:
        filename = os.path.basename(filename)
    return filename or default


def save_download_sanitised(response, folder):
    """The name is reduced where it is read; an empty one falls back to the default."""
    name = _disposition_name_sanitised(response.headers.get("content-disposition", ""), "download")
    # ok: taint-path-traversal
    with open(os.path.join(folder, name), "wb") as out:
        out.write(response.content)


def unarchive_checked(dest_dir, name):
    dest_dir = os.path.abspath(dest_dir)
    plen = len(dest_dir)
    target = os.path.abspath(os.path.join(dest_dir, name))
    # ok: path-containment-string-check
    if not target.startswith(dest_dir) or target[plen] != os.sep:
        raise ValueError(name)
    return target


# A typer/click command is no library function: its parameters are its operator's command line
# (FastAPI's docs build script), as sys.argv is. The same body in a public library function is reported.
import typer  # noqa: E402

cli = typer.Typer()
SITE = "site"


@cli.command()
def build_lang(lang: str = typer.Argument(...)) -> None:
    # ok: library-path-parameter
    shutil.rmtree(os.path.join(SITE, lang), ignore_errors=True)


def clear_lang(lang):
    # ruleid: library-path-parameter
    shutil.rmtree(os.path.join(SITE, lang), ignore_errors=True)
