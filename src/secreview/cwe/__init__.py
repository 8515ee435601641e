"""The MITRE CWE catalogue (research view 1000) that the package ships.

Layer 0 of docs/architecture.md, with `core`: imports nothing else of secreview.
"""

from secreview.cwe.catalog import Catalog, Weakness, catalog

__all__ = ["Catalog", "Weakness", "catalog"]
