"""The HTML report: one self-contained page to open after a CI run, online or not.

The page loads nothing from anywhere: its style and script are inline and
allowed by a Content-Security-Policy that names their SHA-256 hashes, so no
other script can run, not even one that got into the page. Reviewed code never
gets that far: the summary, categories, diagnostics and rule documentation
are written here with every piece of text escaped, and the findings, suppressed
findings and per-file sections travel as JSON (`html_data`) in a data block
whose `<` are written `\\u003c` (no `</script>` can end it early); the script
inserts that data as text, a page at a time, which keeps a report with
100,000 findings quick to open and to filter.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from secreview.core.display import neutralise
from secreview.core.model import NO_DEFECTS, Review, Severity
from secreview.report.common import (
    count_words,
    cwe_title,
    disagreement_text,
    pillar_title,
    scope_line,
    second_opinion_heading,
    tail_counts,
    usage_text,
)
from secreview.report.html_data import payload
from secreview.rules import REGISTRY

MITRE = "https://cwe.mitre.org/data/definitions/{}.html"


def esc(text: str) -> str:
    """Text from the review as HTML text or attribute value: markup and control characters neutralised."""
    return html.escape(neutralise(text), quote=True)


@cache
def _asset(name: str) -> str:
    return resources.files("secreview.report").joinpath("assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _cwe_link(cwe: str, text: str) -> str:
    return f'<a href="{MITRE.format(int(cwe))}" rel="noreferrer">{esc(text)}</a>' if cwe.isdigit() else esc(text)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def _rich(text: str) -> str:
    """Escaped text with its `code` spans as <code>."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", esc(text))


# -- sections -------------------------------------------------------------------------------------


def _header(review: Review) -> str:
    verdict = review.verdict
    if review.change is not None and not review.change.all_listed and verdict != NO_DEFECTS:
        verdict += " introduced by this change"
    by_severity = Counter(f.severity for f in review.findings)
    counts = "".join(f'<li><span class="badge sev-{s.label}">{s.label}</span> {by_severity[s]:,}</li>'
                     for s in sorted(Severity, reverse=True))
    tail = tail_counts(review)
    return (
        "<header>\n<h1>secreview security review</h1>\n"
        f'<p class="verdict-line {"good" if verdict == NO_DEFECTS else "bad"}">{esc(verdict)}</p>\n'
        f'<p class="scope">{esc(scope_line(review))} · secreview {esc(review.tool_version)}</p>\n'
        f'<ul class="counts" aria-label="findings by severity">{counts}</ul>\n'
        + (f'<p class="muted">Also: {esc("; ".join(tail))}.</p>\n' if tail else "")
        + '<nav class="sections" aria-label="sections"><a href="#categories">Categories</a> '
          '<a href="#findings">Findings</a> <a href="#files">Files</a>'
        + (' <a href="#suppressed">Suppressed</a>' if review.suppressed else "")
        + (' <a href="#diagnostics">Diagnostics</a>' if review.all_diagnostics else "")
        + (' <a href="#second-opinion">Second opinion</a>' if review.second_opinion is not None else "")
        + ' <a href="#rules">Rules</a></nav>\n</header>\n'
    )


def _categories(review: Review) -> str:
    rows = []
    found = Counter(f.pillar for f in review.findings)
    for verdict in review.verdicts:
        detail, n = esc(verdict.summary), found[verdict.pillar]
        if n:
            detail += (f' <a href="#findings" data-show-pillar="{esc(verdict.pillar)}">'
                       f"show {'it' if n == 1 else f'these {n:,}'}</a>")
        rows.append(f'<tr><td>{_cwe_link(verdict.pillar, pillar_title(verdict.pillar))}</td>'
                    f'<td class="status-{esc(verdict.status)}">{esc(verdict.status)}</td><td>{detail}</td></tr>')
    return ('<section id="categories">\n<h2>The ten CWE-1000 categories</h2>\n'
            "<table><thead><tr><th>category</th><th>status</th><th>what the review found or saw</th></tr></thead>\n"
            f"<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n</section>\n")


def _filters(review: Review) -> str:
    """The filter controls, each choice with its count of findings (suppressed ones can be chosen too)."""
    findings, suppressed = review.findings, review.suppressed
    severities = Counter(f.severity for f in findings)
    boxes = "".join(f'<label><input type="checkbox" name="sev" value="{int(s)}" checked> {s.label} '
                    f'({severities[s]:,})</label>' for s in sorted(Severity, reverse=True))
    pillars = Counter(f.pillar for f in findings)
    pillars.update({f.pillar: 0 for f in suppressed})
    pillar_options = "".join(f'<option value="{esc(p)}">{esc(pillar_title(p))} ({n:,})</option>'
                             for p, n in sorted(pillars.items()))
    rules = Counter(f.rule_id for f in findings)
    rules.update({f.rule_id: 0 for f in suppressed})
    rule_options = "".join(f'<option value="{esc(r)}">{esc(r)} ({n:,})</option>' for r, n in sorted(rules.items()))
    return (
        '<form id="filters" class="filters" role="search" aria-label="filter findings" autocomplete="off">\n'
        f"<fieldset><legend>Severity</legend>{boxes}</fieldset>\n"
        f'<label>Category <select name="pillar"><option value="">all categories</option>{pillar_options}</select></label>\n'
        f'<label>Rule <select name="rule"><option value="">all rules</option>{rule_options}</select></label>\n'
        '<label>File <input type="search" name="file" list="file-names" placeholder="path contains…"></label>\n'
        '<datalist id="file-names"></datalist>\n<button type="reset">clear</button>\n</form>\n'
    )


_NO_SCRIPT = ('<noscript><p class="muted">The lists below are drawn by the page\'s own script, which is off '
              "here; the summary, categories, diagnostics and rules above and below are complete without it "
              "(<code>--format text</code> or <code>json</code> lists every finding).</p></noscript>\n")


def _lists(review: Review) -> str:
    out = ['<section id="findings">\n<h2>Findings</h2>\n', _filters(review), _NO_SCRIPT,
           '<p id="findings-status" class="muted" aria-live="polite"></p>\n<div id="findings-list"></div>\n</section>\n']
    if review.suppressed:
        out.append('<section id="suppressed">\n<h2>Suppressed findings</h2>\n'
                   '<p class="muted">Waived in the code with <code># secreview: ignore[…]</code> or '
                   "<code># nosec</code>, each with its reason; the filters above apply.</p>\n"
                   '<p id="suppressed-status" class="muted" aria-live="polite"></p>\n'
                   '<div id="suppressed-list"></div>\n</section>\n')
    out.append('<section id="files">\n<h2>Files</h2>\n<p class="muted">Each reviewed file with its verdict for '
               "every category (open a file to read them); the file filter above applies.</p>\n"
               '<p id="files-status" class="muted" aria-live="polite"></p>\n<div id="files-list"></div>\n</section>\n')
    return "".join(out)


def _diagnostics(review: Review) -> str:
    diagnostics = review.all_diagnostics
    if not diagnostics:
        return ""
    rows = "\n".join(f'<tr><td class="path">{esc(d.path)}{f":{d.line}" if d.line else ""}</td>'
                     f'<td class="diagnostic-kind">{esc(d.kind.value)}</td><td>{esc(d.message)}</td></tr>'
                     for d in diagnostics)
    return ('<section id="diagnostics">\n<h2>Diagnostics: files not or not fully reviewed</h2>\n'
            f"<table><thead><tr><th>file</th><th>kind</th><th>message</th></tr></thead>\n<tbody>\n{rows}\n"
            "</tbody></table>\n</section>\n")


def _second_opinion(review: Review) -> str:
    opinion = review.second_opinion
    if opinion is None:
        return ""
    items = "".join(f"<li>{esc(disagreement_text(d))}</li>" for d in opinion.disagreements)
    return ('<section id="second-opinion">\n'
            f"<h2>{esc(second_opinion_heading(opinion))}</h2>\n"
            + (f"<p>Listed for a human to judge; no static finding is ever removed.</p>\n<ul>{items}</ul>\n"
               if items else "")
            + f'<p class="muted">{esc(usage_text(opinion))}</p>\n</section>\n')


def _doc(text: str) -> str:
    """A rule's documentation (a few markdown headings, paragraphs and fenced code) as HTML."""
    out: list[str] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_rich(' '.join(paragraph))}</p>")
            paragraph.clear()

    for line in text.splitlines():
        if code is not None:
            if line.strip().startswith("```"):
                out.append(f"<pre><code>{esc(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(line)
        elif line.strip().startswith("```"):
            flush()
            code = []
        elif line.startswith("#"):
            flush()
            out.append(f"<h4>{esc(line.lstrip('#').strip())}</h4>")
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
    flush()
    if code:
        out.append(f"<pre><code>{esc(chr(10).join(code))}</code></pre>")
    return "\n".join(out)


def _rules(review: Review) -> str:
    used = sorted({f.rule_id for f in (*review.findings, *review.suppressed)})
    articles = []
    for rule_id in used:
        rule = REGISTRY.get(rule_id)
        if rule is None:  # e.g. a second opinion's finding: it has no documentation of its own
            continue
        articles.append(
            f'<article class="rule-doc" id="rule-{esc(rule.id)}" data-rule="{esc(rule.id)}">\n'
            f'<h3><span class="rule">{esc(rule.id)}</span>: {esc(rule.name)}</h3>\n'
            f'<p>{_cwe_link(rule.cwe, cwe_title(rule.cwe))}, in the category '
            f"{_cwe_link(rule.pillar, pillar_title(rule.pillar))}; severity {rule.severity.label}, "
            f"confidence {rule.confidence.label}.</p>\n{_doc(rule.doc)}\n"
            f"<p><strong>Fix:</strong> {_rich(rule.fix)}</p>\n</article>")
    body = "\n".join(articles) if articles else '<p class="muted">No rule reported anything.</p>'
    return ('<section id="rules">\n<h2>Rules that reported</h2>\n'
            f"<p class=\"muted\">{count_words(len(articles), 'rule')}, as <code>secreview explain RULE</code> prints "
            f"them.</p>\n{body}\n</section>\n")


# -- the page -------------------------------------------------------------------------------------


def _data_block(value: Any) -> str:
    """JSON for a `<script type="application/json">` block: no `<` at all, so nothing can close it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render(review: Review, *, sources: Mapping[str, str] | None = None, **_: Any) -> str:
    """The review as one self-contained HTML page.

    Code around each finding is read from `sources` (path -> text) when given,
    else from the reviewed files on disk now (see `source_lines`).
    """
    style, script = _asset("report.css"), _asset("report.js")
    policy = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; "
              "img-src 'none'; base-uri 'none'; form-action 'none'")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>secreview: {esc(review.verdict)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        + _header(review) + _categories(review) + _lists(review) + _diagnostics(review)
        + _second_opinion(review) + _rules(review)
        + f'<script type="application/json" id="secreview-data">{_data_block(payload(review, sources))}</script>\n'
        + f"<script>{script}</script>\n</body>\n</html>\n"
    )
    try:
        page.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from undecodable file names: shown as \udcXX escapes
        page = page.encode("utf-8", "backslashreplace").decode("utf-8")
    return page
