"""`secreview lsp` end to end: a real LSP client (pytest-lsp) drives the server process over stdio.

Initialise on a workspace, open documents, change one without saving, ask for
code actions, run the explain command, shut down. The workspace's other files
come from disk; a flow from the unsaved buffer into a saved module must show.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs the secreview[lsp] extra")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from secreview.fixes.text import Edit, Pos, apply

CACHE = tempfile.mkdtemp(prefix="secreview-lsp-test-")  # the server's result cache, not the user's
HELPERS = 'import subprocess\n\n\ndef archive(name):\n    subprocess.run("tar czf " + name, shell=True)\n'
VIEWS_ON_DISK = "from helpers import archive\n"
NET = ('import socket\n\nimport requests\n\n\ndef fetch(url):\n    return requests.get(url)\n\n\ndef serve():\n'
       '    sock = socket.socket()\n    sock.bind(("0.0.0.0", 8080))\n    return sock\n')
VIEWS_EDITED = ('from flask import Flask, request\nfrom helpers import archive\n\napp = Flask(__name__)\n\n\n'
                '@app.route("/archive")\ndef make_archive():\n    archive(request.args["name"])\n    return "ok"\n')


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "secreview", "lsp"],
                                              server_env={**os.environ, "XDG_CACHE_HOME": CACHE}))
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client._server is not None and lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()  # a failed test must not leave the server running


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "views.py").write_text(VIEWS_ON_DISK)
    return tmp_path


async def _diagnostics(client: LanguageClient, uri: str, wanted, timeout: float = 60.0) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for `uri` satisfy `wanted`."""
    async def settled() -> list[types.Diagnostic]:
        while not (uri in client.diagnostics and wanted(client.diagnostics[uri])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(settled(), timeout)


def _codes(found: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)


def _apply(text: str, edit: types.WorkspaceEdit) -> str:
    (change,) = edit.document_changes
    return apply(text, [Edit(Pos(e.range.start.line + 1, e.range.start.character),
                             Pos(e.range.end.line + 1, e.range.end.character), e.new_text) for e in change.edits])


@pytest.mark.asyncio
async def test_diagnostics_cross_file_flows_code_actions_and_shutdown(client: LanguageClient, workspace: Path) -> None:
    result = await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    assert result.server_info.name == "secreview"
    assert result.capabilities.code_action_provider
    assert result.capabilities.text_document_sync.save  # clients send didSave, which reviews at once

    helpers, views = (workspace / "helpers.py").as_uri(), (workspace / "views.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=helpers, language_id="python", version=1, text=HELPERS)))
    found = await _diagnostics(client, helpers, lambda d: bool(d))
    assert _codes(found) == ["command-injection-shell (CWE-78)"]
    (shell,) = found
    assert shell.source == "secreview"
    assert shell.severity == types.DiagnosticSeverity.Error
    assert shell.range == types.Range(start=types.Position(line=4, character=4),
                                      end=types.Position(line=4, character=49))
    assert shell.code_description.href.endswith("docs/rules.md#command-injection-shell")

    # An unsaved edit of another file adds a flow from the request into helpers.archive.
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=views, language_id="python", version=1, text=VIEWS_ON_DISK)))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=views, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)),
            text=VIEWS_EDITED)]))
    found = await _diagnostics(client, helpers, lambda d: any("taint" in str(x.code) for x in d))
    (flow,) = found
    assert flow.code == "taint-command-injection (CWE-78)"
    steps = flow.related_information
    assert [s.location.uri for s in steps] == [views, views, helpers]
    assert steps[0].location.range.start.line == 8 and "request.args" in steps[0].message
    assert (workspace / "views.py").read_text() == VIEWS_ON_DISK  # reviewed from the buffer, never saved

    # Code actions on the sink: the mechanical fix, a suppression, the rule's documentation.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=helpers), range=flow.range,
        context=types.CodeActionContext(diagnostics=[flow])))
    titles = [a.title for a in actions]
    assert len(actions) == 3, titles
    fix, waiver, explain = actions
    assert fix.is_preferred and fix.title.startswith("Fix taint-command-injection")
    assert _apply(HELPERS, fix.edit) == HELPERS.replace('"tar czf " + name, shell=True', '["tar", "czf", name]')
    assert _apply(HELPERS, waiver.edit).splitlines()[4].endswith(
        "shell=True)  # secreview: ignore[taint-command-injection] reason: ")
    assert explain.command == "secreview.explain" and explain.title == "Explain taint-command-injection (CWE-78)"
    text = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=explain.command, arguments=explain.arguments))
    assert text.startswith("taint-command-injection: ") and "CWE-78" in text
    assert any(m.message == text for m in client.messages)

    # Applying the fix in the buffer clears the finding (debounced review of the change).
    fixed = _apply(HELPERS, fix.edit)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=helpers, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    assert await _diagnostics(client, helpers, lambda d: not d) == []

    # Medium findings are warnings and low ones information (high and critical: errors, above).
    net = (workspace / "net.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=net, language_id="python", version=1, text=NET)))
    found = await _diagnostics(client, net, lambda d: len(d) == 2)
    assert sorted((str(d.code), d.severity) for d in found) == [
        ("bind-all-interfaces (CWE-1327)", types.DiagnosticSeverity.Information),
        ("http-request-without-timeout (CWE-1088)", types.DiagnosticSeverity.Warning)]

    # Saving reviews without waiting for typing to stop: the fixed helpers, now on disk, publish again.
    (workspace / "helpers.py").write_text(fixed)
    client.diagnostics.pop(helpers, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=helpers)))
    assert await _diagnostics(client, helpers, lambda d: not d) == []

    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0
