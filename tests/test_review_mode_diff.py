"""Parsing diffs into changed files and added lines, for the shapes git and other tools produce."""

from __future__ import annotations

import pytest

from secreview.sources.diff import ChangedFile, ChangeError, parse_diff, unquote
from secreview.sources.git import new_side

GIT_DIFF = """\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,3 +1,4 @@
 import os
-x = 1
+x = 2
+y = 3
 z = 4
@@ -10,3 +11,2 @@ def f():
     a = 1
-    b = 2
     c = 3
diff --git a/old/name.py b/new/name.py
similarity index 100%
rename from old/name.py
rename to new/name.py
diff --git a/moved.py b/pkg/moved.py
similarity index 80%
rename from moved.py
rename to pkg/moved.py
index 3333333..4444444 100644
--- a/moved.py
+++ b/pkg/moved.py
@@ -2 +2 @@
-old
+new
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 5555555..0000000
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a = 1
-b = 2
diff --git a/fresh.py b/fresh.py
new file mode 100644
index 0000000..6666666
--- /dev/null
+++ b/fresh.py
@@ -0,0 +1,2 @@
+a = 1
+b = 2
diff --git a/empty.py b/empty.py
new file mode 100644
index 0000000..e69de29
diff --git a/logo.png b/logo.png
index 7777777..8888888 100644
Binary files a/logo.png and b/logo.png differ
diff --git "a/caf\\303\\251 \\"x\\".py" "b/caf\\303\\251 \\"x\\".py"
index 9999999..aaaaaaa 100644
--- "a/caf\\303\\251 \\"x\\".py"
+++ "b/caf\\303\\251 \\"x\\".py"
@@ -1 +1 @@
-a
+b
"""


def test_git_diff_files_statuses_and_added_lines() -> None:
    files = parse_diff(GIT_DIFF)
    assert files == [
        ChangedFile("app.py", "modified", frozenset({2, 3})),
        ChangedFile("new/name.py", "renamed", frozenset(), old_path="old/name.py"),
        ChangedFile("pkg/moved.py", "renamed", frozenset({2}), old_path="moved.py"),
        ChangedFile("gone.py", "deleted"),
        ChangedFile("fresh.py", "added", frozenset({1, 2})),
        ChangedFile("empty.py", "added", frozenset()),
        ChangedFile("logo.png", "modified", frozenset(), binary=True),
        ChangedFile('café "x".py', "modified", frozenset({1})),
    ]


def test_diffs_without_git_prefixes() -> None:
    plain = "--- app.py\t2024-01-01\n+++ app.py\t2024-01-02\n@@ -1 +1,2 @@\n a\n+b\n"
    assert parse_diff(plain) == [ChangedFile("app.py", "modified", frozenset({2}))]
    no_prefix = "diff --git app.py app.py\n--- app.py\n+++ app.py\n@@ -3 +3 @@\n-a\n+b\n"
    assert parse_diff(no_prefix) == [ChangedFile("app.py", "modified", frozenset({3}))]


def test_empty_diff_and_garbage() -> None:
    assert parse_diff("") == []
    with pytest.raises(ChangeError, match="not a unified diff"):
        parse_diff("Hello, reviewer!\n")
    with pytest.raises(ChangeError, match="cannot parse"):
        parse_diff("--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n")  # the hunk ends early
    with pytest.raises(ChangeError) as raised:  # the input quoted in the message cannot drive a terminal
        parse_diff("--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n\x1b[2J\n")
    assert "\x1b" not in str(raised.value)


def test_unquote_follows_git_c_quoting() -> None:
    assert unquote("plain.py") == "plain.py"
    assert unquote('"tab\\there.py"') == "tab\there.py"
    assert unquote('"caf\\303\\251.py"') == "café.py"
    assert unquote('"back\\\\slash.py"') == "back\\slash.py"


@pytest.mark.parametrize("rev_range, end", [
    ("origin/main...HEAD", "HEAD"),
    ("main..feature", "feature"),
    ("main...", "HEAD"),
    ("HEAD~1", None),
    ("abc123", None),
])
def test_which_side_a_range_reads(rev_range: str, end: str | None) -> None:
    assert new_side(rev_range) == end
