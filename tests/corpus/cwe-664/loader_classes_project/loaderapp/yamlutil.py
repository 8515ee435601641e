"""The project's YAML loaders."""
import yaml
from pluginlib import base as plugin_base
from vendorlib import VendorSafeLoader
from yaml import CSafeLoader as FastLoader  # noqa: F401 - re-exported for the project
from yaml.composer import Composer
from yaml.constructor import Constructor, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

try:  # either branch is a safe loader
    from yaml import CSafeLoader as BranchLoader
except ImportError:
    from yaml import SafeLoader as BranchLoader
try:  # one branch constructs objects
    from yaml import CLoader as MixedLoader
except ImportError:
    from yaml import SafeLoader as MixedLoader
if not hasattr(yaml, "CSafeLoader"):
    BranchLoader = object  # constructs nothing: does not change the verdict


class DataConstructor(SafeConstructor):
    """Plain data, plus the project's own tags."""


class Loader(Reader, Scanner, Parser, Composer, DataConstructor, Resolver):
    """Safe whatever its name: the constructor is SafeConstructor."""


class ObjectConstructor(Constructor):
    """Builds Python objects from python/object tags."""


class SafeLoader(Reader, Scanner, Parser, Composer, ObjectConstructor, Resolver):
    """Unsafe whatever its name: the constructor builds objects."""


class PluginLoader(plugin_base.Loader):
    """Built on a library class the review cannot see."""


class VendorLoader(VendorSafeLoader):
    """Built on a library class the review cannot see, named as a safe loader."""
