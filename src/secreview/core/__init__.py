"""The vocabulary every stage shares, and small utilities with no opinion about reviewing.

Holds: `model` (findings, locations, diagnostics, reviews: the data that flows through the
pipeline), `fingerprint` (a finding's identity that survives edits, for baselines and SARIF),
`display` (text from reviewed code made safe to print), `atomic` (write a file whole or not at
all), `gcpause` (pause the cyclic garbage collector around allocation-heavy work), `version`.

Layer 0 of docs/architecture.md, with `cwe`. May import: the standard library and `secreview.core`
itself. Everything else may import it.
"""
