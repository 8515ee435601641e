"""secreview's findings and fixes in the Language Server Protocol's terms.

Positions: a finding's columns are `ast`'s UTF-8 byte offsets; they become
code points through the document's own lines (`SourceText`) and then the
client's units (UTF-16 unless it chose otherwise) through pygls's codec.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import PositionCodec

from secreview.core.model import Finding, Location, Severity
from secreview.fixes import Fix
from secreview.fixes.text import Edit, Pos, SourceText
from secreview.report import rules_doc

SOURCE = "secreview"

_SEVERITY = {
    Severity.CRITICAL: types.DiagnosticSeverity.Error,
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
}


def code(finding: Finding) -> str:
    """The diagnostic code: the rule id and its specific CWE (`yaml-unsafe-load (CWE-502)`)."""
    return f"{finding.rule_id} (CWE-{finding.cwe})"


class Positions:
    """Turns `ast` and code point positions in one version of a document into the client's units."""

    def __init__(self, uri: str, codec: PositionCodec, text: SourceText) -> None:
        self.uri = uri
        self.codec = codec
        self.text = text
        self.lines = [text.line(number) for number in range(1, len(text.starts) + 1)]

    def point(self, pos: Pos) -> types.Position:
        server = types.Position(line=max(pos.line - 1, 0), character=max(pos.column, 0))
        return self.codec.position_to_client_units(self.lines, server)

    def location(self, location: Location) -> types.Range:
        start = Pos(location.line, self.text.char_column(location.line, location.column))
        end_line = location.end_line or location.line
        if location.end_line and location.end_column:
            end = Pos(end_line, self.text.char_column(end_line, location.end_column))
        else:
            end = Pos(end_line, len(self.text.line(end_line)))
        return types.Range(start=self.point(start), end=self.point(end))

    def edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(range=types.Range(start=self.point(edit.start), end=self.point(edit.end)),
                              new_text=edit.text)


def diagnostic(finding: Finding, positions: Positions, other_file: dict[str, str]) -> types.Diagnostic:
    """One finding as an LSP diagnostic; each step of its data flow is related information.

    `other_file` maps a path to its document URI for steps in other files (their ranges
    are whole lines there: the client has not sent those files' text).
    """
    related = []
    for number, step in enumerate(finding.path, 1):
        if step.location.path == finding.location.path:
            where = positions.location(step.location)
            uri = positions.uri
        else:
            line = max(step.location.line - 1, 0)
            where = types.Range(start=types.Position(line=line, character=0),
                                end=types.Position(line=line + 1, character=0))
            uri = other_file.get(step.location.path, step.location.path)
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=where), message=f"step {number}: {step.description}"))
    return types.Diagnostic(
        range=positions.location(finding.location),
        message=f"{finding.message}\nFix: {finding.fix}",
        severity=_SEVERITY[finding.severity],
        code=code(finding),
        code_description=types.CodeDescription(href=rules_doc.url(finding.rule_id)),
        source=SOURCE,
        related_information=related or None,
        data={"rule_id": finding.rule_id, "line": finding.location.line},
    )


def workspace_edit(uri: str, version: int | None, edits: Sequence[Edit], positions: Positions) -> types.WorkspaceEdit:
    """Edits to one open document, tied to its version so a stale edit is refused by the client."""
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=document, edits=[positions.edit(e) for e in sorted(edits)])])


def fix_action(fix: Fix, uri: str, version: int | None, positions: Positions,
               diagnostic: types.Diagnostic) -> types.CodeAction:
    return types.CodeAction(title=f"Fix {fix.finding.rule_id}: {fix.description}",
                            kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=True,
                            edit=workspace_edit(uri, version, fix.edits, positions))
