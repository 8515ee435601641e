"""The checks' data-flow half: names, the taint engine, summaries, the project link, the incremental re-link.

Per file: `names` (what each name means), the taint pass (`taint` and its rooms `taint_state`,
`taint_statements`, `taint_expressions`, `taint_calls`, helped by `control`, `guards`, `containers`,
`sink_events`, `views`, ... through the `taint_pass.FunctionPass` interface) producing `summaries`.
Per project: `flows` links the summaries (`flow_paths`: keys, flows, the index and trace),
`flow_findings` turns flows into findings, `taint_project`, `imported_patterns` and `imported_classes`
(loader classes and parser factories judged over `class_facts` records) are the project passes,
`project_merge` merges their findings into the file reviews, `incremental` re-links after
an edit. Specs (`specs`, `rules/specs/*.toml`) say what is a source, a sink, a sanitiser.

Layer 3 of docs/architecture.md, with `rules` and `review`. May import: `secreview.core`,
`secreview.cwe`, `secreview.sources`, `secreview.settings`, `secreview.rules`, `secreview.review`.
Not `run`, the reports, the add-ons or the top.
"""
