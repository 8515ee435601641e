"""`secreview lsp`: findings as diagnostics while the code is written, over stdio.

Every open Python document is reviewed from its unsaved text, together with
the rest of its workspace folder as it is on disk (through the result cache,
so only files edited on disk are reviewed again), and the taint link runs
over all of them: a flow from an open buffer into a saved module (or back)
shows in the file of its sink, with each step as related information.

A review runs when a document is opened or saved, and `DEBOUNCE` seconds
after the last change while typing; it runs in a worker thread, one at a
time, and publishes diagnostics for every open document (an edit in one file
can add or remove a flow whose sink is in another). Code actions offer the
rule's mechanical fix where it has one (`secreview.fixes`), a suppression
comment for the line, and the rule's documentation.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from secreview.core.model import Finding
from secreview.core.version import __version__
from secreview.fixes import fixes_for
from secreview.fixes.text import Edit, Pos, SourceText, apply, parses
from secreview.lsp.convert import Positions, code, diagnostic, fix_action, workspace_edit
from secreview.review import suppress

DEBOUNCE = 0.4  # seconds of quiet typing before a review
EXPLAIN = "secreview.explain"


@dataclass
class Published:
    """What the last review said about one document, for its code actions."""

    version: int | None
    text: str
    findings: list[tuple[Finding, types.Diagnostic]] = field(default_factory=list)


class SecreviewServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("secreview", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.published: dict[str, Published] = {}
        self.pending: asyncio.Task | None = None
        # One thread reviews, one review at a time (a newer one waits, then sees the newest text);
        # it alone uses the result caches, whose database connections belong to the thread that made them.
        self.reviewer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secreview-review")
        self.caches: dict[str, object] = {}

    # -- reviewing -------------------------------------------------------------------------
    def schedule(self, delay: float) -> None:
        """Review after `delay` seconds, replacing a review that has not started yet."""
        if self.pending is not None and not self.pending.done():
            self.pending.cancel()
        self.pending = asyncio.get_running_loop().create_task(self._later(delay))

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        snapshot = {uri: (doc.version, doc.source) for uri, doc in self.workspace.text_documents.items()
                    if _is_python(doc.uri, doc.language_id)}
        try:
            results = await asyncio.get_running_loop().run_in_executor(self.reviewer, self.review, snapshot)
        except Exception as exc:  # noqa: BLE001 - the server outlives a failed review, and says why
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"secreview: review failed: {type(exc).__name__}: {exc}"))
            return
        for uri, (published, diagnostics) in results.items():
            current = self.workspace.text_documents.get(uri)
            if current is None:
                continue  # closed meanwhile
            self.published[uri] = published
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=published.version, diagnostics=diagnostics))

    def review(self, snapshot: dict[str, tuple[int | None, str]]) -> dict[str, tuple[Published, list]]:
        """Review the open documents (uri -> (version, text)) with their workspace folders."""
        from secreview.api import review_buffers
        from secreview.run.cache import open_cache
        from secreview.settings.config import load as load_config

        by_root: dict[str, dict[str, str]] = {}
        paths = {}
        for uri, (_, text) in snapshot.items():
            path = to_fs_path(uri)
            if path is None:
                continue
            path = os.path.abspath(path)
            paths[uri] = path
            by_root.setdefault(self._root_of(path), {})[path] = text
        out: dict[str, tuple[Published, list]] = {}
        for root, buffers in by_root.items():
            config = load_config(_first_existing(root, buffers))
            cache = self._cache(root, config, open_cache)
            review = review_buffers(root, buffers, config, cache=cache)
            uri_of = {path: uri for uri, path in paths.items()}
            other = {f.path: from_fs_path(f.path) or f.path for f in review.files}
            by_path = {f.path: f for f in review.files}
            for path in buffers:
                uri = uri_of[path]
                version, text = snapshot[uri]
                published = Published(version, text)
                file_review = by_path.get(path)
                positions = Positions(uri, self.workspace.position_codec, SourceText(text))
                for finding in file_review.findings if file_review is not None else ():
                    published.findings.append((finding, diagnostic(finding, positions, other)))
                out[uri] = (published, [d for _, d in published.findings])
        return out

    def _root_of(self, path: str) -> str:
        """The workspace folder holding `path` (the innermost), else the file alone."""
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if self.workspace.root_path:
            folders.append(self.workspace.root_path)
        inside = [os.path.abspath(f) for f in folders if f and os.path.commonpath([os.path.abspath(f), path])
                  == os.path.abspath(f)]
        return max(inside, key=len) if inside else path

    def _cache(self, root: str, config: object, open_cache: object) -> object:
        if root not in self.caches:
            cache, _ = open_cache(None, config, [root])  # type: ignore[operator]
            self.caches[root] = cache
        return self.caches[root]

    # -- code actions -------------------------------------------------------------------------
    def actions(self, params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
        uri = params.text_document.uri
        published = self.published.get(uri)
        document = self.workspace.text_documents.get(uri)
        if published is None or document is None or document.source != published.text:
            return []  # the text changed since the review: its positions no longer hold
        text = SourceText(published.text)
        positions = Positions(uri, self.workspace.position_codec, text)
        wanted = params.range
        hits = [(f, d) for f, d in published.findings
                if not (d.range.end.line < wanted.start.line or d.range.start.line > wanted.end.line)]
        fixes = {fix.finding: fix for fix in fixes_for(to_fs_path(uri) or uri, published.text, [f for f, _ in hits])}
        actions: list[types.CodeAction | types.Command] = []
        for finding, diag in hits:
            fix = fixes.get(finding)
            if fix is not None:
                actions.append(fix_action(fix, uri, published.version, positions, diag))
            waiver = suppression(text, finding)
            if waiver is not None:
                actions.append(types.CodeAction(
                    title=f"Suppress {finding.rule_id} on this line (give the reason)",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                    edit=workspace_edit(uri, published.version, [waiver], positions)))
            # A bare command: a code action carrying one is read as a command by some clients' libraries anyway.
            actions.append(types.Command(title=f"Explain {code(finding)}", command=EXPLAIN,
                                         arguments=[finding.rule_id]))
        return actions


REASON = "reason: "  # what the user completes: a suppression without a reason is not one a reviewer accepts


def suppression(text: SourceText, finding: Finding) -> Edit | None:
    """An inline waiver at the end of the finding's first line, else its last (where `suppress` reads it),
    placed only where it ends up a comment of its own and the code still parses."""
    location = finding.location
    for line in dict.fromkeys((location.line, location.end_line or location.line)):
        end = Pos(line, len(text.line(line)))
        edit = Edit(end, end, f"  # secreview: ignore[{finding.rule_id}] {REASON}")
        changed = apply(text.text, [edit])
        waivers = suppress.waivers(changed).get(line, [])
        if parses(changed) and any(w.ids and finding.rule_id in w.ids for w in waivers):
            return edit
    return None


def explanation(rule_id: str) -> str:
    """What `secreview explain RULE` prints."""
    from secreview.report.common import cwe_title, pillar_title
    from secreview.rules import REGISTRY

    rule = REGISTRY.get(rule_id)
    if rule is None:
        return f"unknown rule {rule_id}"
    return (f"{rule.id}: {rule.name}\n{cwe_title(rule.cwe)} — pillar {pillar_title(rule.pillar)}\n"
            f"severity {rule.severity.label}, confidence {rule.confidence.label}\n\n{rule.doc}\n\nFix: {rule.fix}")


def _is_python(uri: str, language_id: str | None) -> bool:
    return language_id == "python" or uri.endswith((".py", ".pyw"))


def _first_existing(root: str, buffers: dict[str, str]) -> object:
    from pathlib import Path

    return Path(root) if os.path.isdir(root) else Path(next(iter(buffers)))


def build() -> SecreviewServer:
    server = SecreviewServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SecreviewServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SecreviewServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(DEBOUNCE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SecreviewServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SecreviewServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))
        ls.schedule(0)  # flows through the closed buffer now come from the file on disk

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: SecreviewServer, params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
        return ls.actions(params)

    @server.command(EXPLAIN)
    def explain(ls: SecreviewServer, rule_id: str) -> str:
        text = explanation(rule_id)
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))
        return text

    return server


def main() -> int:
    """Serve on stdin/stdout until the client says exit."""
    build().start_io()
    return 0
