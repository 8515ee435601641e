"""Scanning a framework itself: the body of a spec'd sink or sanitiser (Django's own mark_safe)
is not where a flow is reported; its caller, passing unescaped data, is."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secreview import review_paths
from secreview.settings.config import Config

FILES = {
    "django/__init__.py": "",
    "django/utils/__init__.py": "",
    "django/contrib/__init__.py": "",
    "django/utils/safestring.py": """\
        class SafeString(str):
            pass


        def mark_safe(s):
            return SafeString(s)


        def unrelated(s):
            return SafeString(s)
        """,
    "django/contrib/views.py": """\
        from django.http import HttpResponse
        from django.utils.safestring import mark_safe
        from django.utils import safestring


        def show(request):
            return HttpResponse(mark_safe(request.GET["q"]))


        def other(request):
            return HttpResponse(safestring.unrelated(request.GET["q"]))
        """,
}


def test_flow_is_reported_at_the_caller_not_inside_mark_safe(tmp_path: Path) -> None:
    for name, text in FILES.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), "utf-8")
    review = review_paths([tmp_path], Config())
    found = sorted((Path(f.location.path).name, f.location.line, f.rule_id) for f in review.findings
                   if f.rule_id == "taint-xss")
    # mark_safe's own body (safestring.py line 6) is not reported; both callers are, and so is
    # a project helper that is no spec'd sink (`unrelated`)
    assert found == [("safestring.py", 10, "taint-xss"), ("views.py", 7, "taint-xss"), ("views.py", 11, "taint-xss")]
