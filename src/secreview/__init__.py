"""secreview: a security code reviewer for Python.

Findings carry a specific CWE and the CWE-1000 pillar it falls under; a
clean review says "No security defects are detected in the code".
"""

__version__ = "0.1.0"

from secreview.api import review_paths, review_source  # noqa: E402
from secreview.core.model import NO_DEFECTS, Finding, Review  # noqa: E402

__all__ = ["NO_DEFECTS", "Finding", "Review", "__version__", "review_paths", "review_source"]
