"""Reads configuration files with the loaders of yamlutil."""
import yaml
from flask import request

from loaderapp import DataLoader, yamlutil
from loaderapp.yamlutil import BranchLoader, FastLoader, Loader, MixedLoader, PluginLoader, SafeLoader, VendorLoader


def read(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=yamlutil.Loader)


def read_imported(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=Loader)


def read_reexported(text):
    # ok: yaml-unsafe-load
    return list(yaml.load_all(text, Loader=DataLoader))


def read_alias(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=FastLoader)


def read_branches(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=BranchLoader)


def read_mixed_branches(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=MixedLoader)


def read_named_safe(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=SafeLoader)


def read_named_safe_attribute(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=yamlutil.SafeLoader)


def read_plugin(text):
    # The base is a library's: judged by its name, as a single file is, and the message says so.
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=PluginLoader)


def read_vendor(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=VendorLoader)


def upload():
    # ok: taint-unsafe-deserialization
    return yaml.load(request.data, Loader=yamlutil.Loader)


def upload_named_safe():
    # ruleid: yaml-unsafe-load
    return yaml.load(request.data, Loader=SafeLoader)
