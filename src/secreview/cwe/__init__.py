"""The MITRE CWE catalogue (research view 1000) that the package ships."""

from secreview.cwe.catalog import Catalog, Weakness, catalog

__all__ = ["Catalog", "Weakness", "catalog"]
