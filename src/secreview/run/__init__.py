"""Stage 3, running a review: walk each file with the rules, in worker processes, with a cache.

Holds: `engine` (one walk over a parsed module: the name model kept current, the checks run per
node), `analyze` (one file: parse, walk, suppressions, diagnostics), `filepasses` (extra per-file
analyses whose results travel and are cached with the file's review, such as the taint summaries),
`parallel` (worker processes, a time budget per file, the same output for any number of jobs),
`cache` (per-file results and the project's link on disk), `progress` (the terminal progress bar).

May import: `secreview.core`, `secreview.cwe`, `secreview.sources`, `secreview.settings` and the
checks (`secreview.analysis`, `secreview.rules`, `secreview.review`). Not the reports, the add-ons
(fixes, llm, lsp, fleet) or the top (`api`, `cli`).
"""
