"""Loaders, unpicklers and XML parsers defined in one module and used in others: each use is as safe
as the class hierarchy or factory behind the name, never as the name says."""
from .yamlutil import Loader as DataLoader
