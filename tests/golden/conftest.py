"""The inputs here are code for secreview to review, not tests to run."""

collect_ignore_glob = ["inputs/*"]
