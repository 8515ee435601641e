"""secreview: a security code reviewer for Python.

Findings carry a specific CWE and the CWE-1000 pillar it falls under; a
clean review says "No security defects are detected in the code".
"""

from secreview.api import review_paths, review_source
from secreview.core.model import NO_DEFECTS, Finding, Review
from secreview.core.version import __version__

__all__ = ["NO_DEFECTS", "Finding", "Review", "__version__", "review_paths", "review_source"]
