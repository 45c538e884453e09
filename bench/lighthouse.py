#!/usr/bin/env python3
"""Lighthouse scores of the home, programme, session, speaker and sources pages, both languages, mobile and desktop.

    .venv/bin/python bench/lighthouse.py [--form-factor mobile|desktop|both]

Builds the site as it is published, with absolute addresses under /ssc2020/ (as
publishconf.py does, but on http://127.0.0.1:PORT instead of the public host, which
cannot be reached from here), into bench/out/site, serves it there and runs
Lighthouse 12.2.3 with the system's Chromium on each page. Prints one line per page
with the four category scores, then every audit that kept a category below 100.
The JSON reports are kept in bench/out/lighthouse/.

Lighthouse is installed on first use into bench/node_modules (`npm install --no-save`),
apart from the project's package.json: the quality gate does not need it, and its
dependency tree is large. It is not part of CI (about 15 s a page).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# tests/ itself, not the project root: pywb installs a top-level package named `tests`, which
# would win over our folder of the same name (a namespace package) on any path.
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "plugins")]

from browser.browser_support import (  # noqa: E402 - needs tests/ on the path
    LANG_PREFIX,
    PAGE_KINDS,
    SUBPATH,
    build_site,
    serve,
)

from ssc_deploy.screenshots import CHROMIUM  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"  # 12.8 cannot be installed from a lock; 13 needs a newer node
LIGHTHOUSE_CLI = BENCH / "node_modules" / "lighthouse" / "cli" / "index.js"
OUT = BENCH / "out"
KINDS = ("home", "timetable", "session", "speaker", "archive")
# The sources page is a page like any other for the browser tests; here it is measured for its long lists of links.
PATHS = {**PAGE_KINDS, "archive": "/archive/"}
FORM_FACTORS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse into bench/node_modules unless it is already there."""
    manifest = LIGHTHOUSE_CLI.parent.parent / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("lighthouse.py: npm is needed to install Lighthouse")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "CHROMEDRIVER_SKIP_DOWNLOAD": "true"}
    subprocess.run(
        [
            npm,
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(BENCH),
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
        env=env,
    )


def run_lighthouse(url: str, report: Path, form_factor: str = "mobile") -> dict:
    """Run Lighthouse on `url` (mobile, or its desktop preset; default throttling); returns the parsed JSON report."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE_CLI),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            *(["--preset=desktop"] if form_factor == "desktop" else []),
        ],
        check=True,
        env=env,
    )
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(result: dict) -> list[str]:
    """The audits that cost points: weighted audits of a category below 100 that did not pass."""
    lines = []
    for category_id in CATEGORIES:
        category = result["categories"][category_id]
        if category["score"] is None or category["score"] >= 1:
            continue
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lines.append(f"{category_id}: {audit['title']}{value} [score {audit['score']:.2f}]")
    return lines


def main() -> int:
    """Build, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form-factor", choices=(*FORM_FACTORS, "both"), default="both")
    args = parser.parse_args()
    form_factors = FORM_FACTORS if args.form_factor == "both" else (args.form_factor,)
    ensure_lighthouse()
    site = OUT / "site"
    shutil.rmtree(site, ignore_errors=True)
    reports = OUT / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    # The server comes first: the build needs its address. Lighthouse's SEO audits want
    # canonical and hreflang addresses absolute, as the published build has them.
    server, origin = serve(site, SUBPATH)
    try:
        build_site(site, origin + SUBPATH, FEED_DOMAIN=origin + SUBPATH)
        print(f"{'page':<24} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        notes: dict[str, list[str]] = {}
        for form_factor in form_factors:
            for lang in ("ko", "en"):
                for kind in KINDS:
                    name = f"{lang}-{kind}-{form_factor}"
                    url = f"{origin}{SUBPATH}{LANG_PREFIX[lang]}{PATHS[kind]}"
                    result = run_lighthouse(url, reports / f"{name}.json", form_factor)
                    scores = [result["categories"][c]["score"] for c in CATEGORIES]
                    print(
                        f"{name:<24} " + " ".join(f"{'n/a' if s is None else round(s * 100):>14}" for s in scores),
                        flush=True,
                    )
                    if found := shortfalls(result):
                        notes[name] = found
    finally:
        server.shutdown()
        server.server_close()
    for name, found in notes.items():
        print(f"\n{name} below 100 because of:")
        for line in found:
            print(f"  - {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
