"""A YAML loader class of the module is as safe as the constructor it is built on, whatever its
name says: a loader on SafeConstructor constructs plain data; one that inherits an
object-constructing constructor (or loader) does not."""
import yaml
from flask import request
from yaml.constructor import Constructor, SafeConstructor
from yaml.cyaml import CParser
from yaml.resolver import Resolver


class TagConstructor(SafeConstructor):
    """Knows a few custom tags on top of the safe ones."""


class TagLoader(CParser, TagConstructor, Resolver):
    def __init__(self, stream):
        CParser.__init__(self, stream)
        TagConstructor.__init__(self)
        Resolver.__init__(self)


class ObjectConstructor(Constructor):
    """Constructs Python objects from python/object tags."""


class MySafeLoader(CParser, ObjectConstructor, Resolver):
    pass


class MixedLoader(yaml.SafeLoader, ObjectConstructor):
    pass


def count_documents(text):
    # ok: yaml-unsafe-load
    return len(list(yaml.load_all(text, Loader=TagLoader)))


def load_with_objects(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=MySafeLoader)


def load_mixed(text):
    # ruleid: yaml-unsafe-load
    return yaml.load(text, Loader=MixedLoader)


def upload():
    # ok: taint-unsafe-deserialization
    return yaml.load(request.data, Loader=TagLoader)


def upload_objects():
    # ruleid: yaml-unsafe-load
    return yaml.load(request.data, Loader=MySafeLoader)
