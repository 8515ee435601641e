"""The language server (`secreview lsp`, the `secreview[lsp]` extra): diagnostics and code actions in editors.

pygls and lsprotocol are imported only here, so the rest of secreview never needs them.
"""
