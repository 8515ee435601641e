"""The version of secreview, in the one module every stage may import.

The package's `__init__` imports the API, so a module that imported the version from the package
would import the API, and with it most of secreview, back.
"""

__version__ = "0.1.0"
