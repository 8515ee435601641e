"""Running a review: each file walked with the rules, in worker processes, with a cache.

Holds: `analyze` (one file: parse, the walk with the rules (`secreview.rules.engine`), suppressions,
thresholds, diagnostics), `filepasses` (extra per-file analyses whose results travel and are cached
with the file's review, such as the taint summaries), `parallel` (worker processes, a time budget per
file, the same output for any number of jobs), `results` (one file's result as kept and cached),
`cache` (per-file results and the project's link on disk), `progress` (the terminal progress bar).

Layer 4 of docs/architecture.md. May import: `secreview.core`, `secreview.cwe`, `secreview.sources`,
`secreview.settings` and the checks (`secreview.analysis`, `secreview.rules`, `secreview.review`).
Not the fixes, the reports, the second opinion, the API or the front ends.
"""
