"""`python -m secreview` is the `secreview` command."""

import sys

from secreview.cli import main

sys.exit(main())
