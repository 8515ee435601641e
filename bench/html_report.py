"""How big the HTML report gets and how fast it opens, on real code and on a 100,000-finding review.

    python bench/html_report.py                        # the CPython standard library, --min-severity low
    python bench/html_report.py --findings 100000      # and the same files with 100,000 findings

Reviews the tree (the result cache is used), writes the HTML report to
--workdir, then opens it in headless Chromium (tests/browser.py) and prints:
the Python render time, the file size, when the first page of findings was
drawn (ms after navigation), the load event, the time to apply a severity
filter and to turn a page, and the script's heap. The large review is made
from the real one: the same files, with findings copied from real ones onto
evenly spaced lines (each message made distinct, as real ones mostly are), so
every excerpt is read from the files as in a real run.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser

from secreview import review_paths
from secreview.core.model import Location, Review, Severity
from secreview.report.html import render
from secreview.report.source_lines import read_text, split_lines
from secreview.run.cache import open_cache
from secreview.settings.config import Config

STDLIB = "/root/.pyenv/versions/3.11.7/lib/python3.11"


def scaled(review: Review, total: int) -> Review:
    """`review` with about `total` findings: real findings copied onto evenly spaced lines of its files."""
    templates = itertools.cycle(review.findings)
    readable = [fr for fr in review.files if fr.reviewed and fr.lines]
    step = max(1, sum(fr.lines for fr in readable) // total)
    files = []
    for fr in readable:
        text = read_text(fr.path)
        lines = split_lines(text) if text is not None else []
        made = [replace(template, location=Location(fr.path, n, 0, n, 0), source_line=lines[n - 1].strip(),
                        message=f"{template.message} (copied to line {n})")  # messages are mostly distinct
                for n, template in zip(range(step, len(lines) + 1, step), templates)]
        files.append(replace(fr, findings=tuple(made)))
    return replace(review, files=tuple(files))


def measure(path: Path) -> dict[str, float]:
    """Open the report in headless Chromium; times in ms."""
    driver, profile = browser.start()
    try:
        started = time.perf_counter()
        driver.get(path.as_uri())
        loaded = (time.perf_counter() - started) * 1000
        ready = float(driver.execute_script("return document.documentElement.dataset.ready"))
        load_event = driver.execute_script(
            "const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd;")
        filtered = _timed(driver, "document.querySelector('input[name=sev][value=\"1\"]').click()", "filtered")
        times = {"get() returned": loaded, "first page drawn": ready, "load event": load_event,
                 "severity filter": filtered}
        if not driver.execute_script("return document.querySelector('#findings [data-go=next]').disabled"):
            times["next page"] = _timed(driver, "document.querySelector('#findings [data-go=next]').click()", None)
        heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0")
        return {**times, "JS heap MB": heap / 2**20}
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _timed(driver, action: str, flag: str | None) -> float:
    """ms from `action` until the list is redrawn (the flag changes) and the browser has painted."""
    return driver.execute_async_script(f"""
        const done = arguments[arguments.length - 1], root = document.documentElement;
        const before = root.dataset.filtered, list = document.getElementById('findings-list').firstChild;
        const start = performance.now();
        {action};
        (function wait() {{
            const changed = {'root.dataset.filtered !== before' if flag else 'document.getElementById("findings-list").firstChild !== list'};
            if (changed) requestAnimationFrame(() => done(performance.now() - start)); else setTimeout(wait, 1);
        }})();""")


def report(label: str, review: Review, workdir: Path) -> None:
    started = time.perf_counter()
    page = render(review)
    rendered = time.perf_counter() - started
    out = workdir / f"{label}.html"
    out.write_text(page, encoding="utf-8")
    print(f"{label}: {len(review.findings):,} findings in {len(review.files):,} files; "
          f"render {rendered:.2f} s; {out.stat().st_size / 2**20:.1f} MiB")
    for name, value in measure(out).items():
        print(f"  {name}: {value:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=STDLIB)
    parser.add_argument("--findings", type=int, default=0, help="also measure a review scaled to this many findings")
    parser.add_argument("--workdir", default="/tmp/secreview-html-bench")
    args = parser.parse_args()
    if (reason := browser.missing()) is not None:
        sys.exit(f"no browser: {reason}")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    config = Config(exclude=("site-packages/",), min_severity=Severity.LOW, gitignore=False)
    cache, _ = open_cache(None, config, [args.corpus])
    try:
        review = review_paths([args.corpus], config, jobs=0, cache=cache)
    finally:
        if cache is not None:
            cache.close()
    report("real", review, workdir)
    if args.findings:
        report("scaled", scaled(review, args.findings), workdir)


if __name__ == "__main__":
    main()
