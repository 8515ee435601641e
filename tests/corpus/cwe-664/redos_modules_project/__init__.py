"""A package whose patterns are written in one module and compiled in others (CWE-1333 across modules).

The corpus test reviews this directory as one project (tests/annotations.py, `*_project`).
"""
