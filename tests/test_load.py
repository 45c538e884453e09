"""bench/load.py: the load benchmark runs against the real nginx and reports what it measured."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from publish_helpers import REPO, subpath_output

from ssc_deploy import nginx

pytestmark = [
    pytest.mark.skipif(
        (shutil.which("wrk") is None or nginx.nginx_binary() is None) and not os.environ.get("CI"),
        reason="the load benchmark needs wrk and nginx (Debian packages wrk, nginx)",
    ),
    # The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
    pytest.mark.xdist_group("publish-builds"),
]


def test_quick_load_run_reports_rate_and_latency_for_both_languages() -> None:
    site = subpath_output()
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "load.py"), "--quick", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    pages = len(list(site.rglob("index.html"))) - len(list((site / "pagefind").rglob("index.html")))
    assert lines[0] == f"{pages} pages (both languages), gzip accepted, nginx on 127.0.0.1"
    rows = [re.fullmatch(r"\s*(\d+)\s+(\d+)\s+(>=)?(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)", line) for line in lines[2:4]]
    assert all(rows), lines
    assert [int(r.group(1)) for r in rows] == [1, 8]
    for r in rows:
        assert int(r.group(2)) > 0 and int(r.group(4)) > 0
        assert float(r.group(5)) <= float(r.group(6))  # p50 <= p99
        assert r.group(7) == "0"  # every answer was a 200


def test_the_mix_is_every_page_of_both_languages() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import load
    finally:
        sys.path.remove(str(REPO / "bench"))
    paths = load.page_paths(subpath_output())
    assert "/ssc2020/" in paths and "/ssc2020/en/" in paths
    assert any(p.startswith("/ssc2020/en/sessions/") for p in paths)
    assert any(p.startswith("/ssc2020/sessions/") for p in paths)
    assert not any("pagefind" in p for p in paths)
