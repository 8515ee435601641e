"""What to review: the files a user named, their text and trees, and the change under review.

Holds: `discover` (paths -> Python files, honouring .gitignore and --exclude, and each file's
dotted module name), `parse` (bytes -> text -> tree, every failure a diagnostic), `python2`
(telling Python 2 from newer Python when a file does not parse), `diff` (a unified diff -> files
and added lines), `git` (the few git commands review mode runs).

Layer 1 of docs/architecture.md. May import: `secreview.core`, `secreview.cwe`. Nothing here knows
about rules, analysis or reports.
"""
