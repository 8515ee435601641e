"""The language server (`secreview lsp`, the `secreview[lsp]` extra): diagnostics and code actions in editors.

pygls and lsprotocol are imported only here, so the rest of secreview never needs them.

Layer 9 of docs/architecture.md, a front end like the command line. May import: the API and every layer
below it.
"""
