"""Every kind of page, in both languages, at the root and under /ssc2020/, in Chromium.

One visit per page checks what must hold on every page: it is the language it claims,
it asks no host but 127.0.0.1 for anything, every resource it asks for exists, no
script error, at most 50 KiB of HTML+CSS+JS, and axe-core finds no WCAG 2.2 A/AA or
best-practice violation.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from .browser_support import (
    LANGS,
    PAGE_KINDS,
    VARIANTS,
    WEIGHT_LIMIT,
    OpenPage,
    Site,
    axe_violations,
    describe_violations,
    page_url,
)

CASES = [(variant, lang, kind) for variant in VARIANTS for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("variant", "lang", "kind"), CASES, ids=["-".join(c) for c in CASES])
def test_page_in_browser(variant: str, lang: str, kind: str, sites: dict[str, Site], shared_visit: OpenPage) -> None:
    """The page loads cleanly, privately, lightly, and axe finds no violation.

    Loaded into a kept page (`shared_visit`, its HTTP cache off): a first visit's requests, each time.
    """
    site = sites[variant]
    visit = shared_visit(site.url(PAGE_KINDS[kind], lang), settle=True)
    page = visit.page
    problems: list[str] = []

    if (found := page.evaluate("document.documentElement.lang")) != lang:
        problems.append(f"<html lang> is {found!r}, not {lang!r}")
    if outside := visit.outside_requests():
        problems.append("requests to other hosts before any click:\n    " + "\n    ".join(outside))
    if visit.failures:
        problems.append("failed requests:\n    " + "\n    ".join(visit.failures))
    if visit.console_errors:
        problems.append("console errors:\n    " + "\n    ".join(visit.console_errors))
    sizes = visit.weight()
    if (total := sum(sizes.values())) > WEIGHT_LIMIT:
        listing = "\n    ".join(f"{size:>7} {url}" for url, size in sizes.items())
        problems.append(f"HTML+CSS+JS is {total} bytes, over {WEIGHT_LIMIT}:\n    {listing}")
    if violations := axe_violations(page):
        problems.append("axe violations:\n" + describe_violations(violations))

    assert not problems, f"{page.url}\n  " + "\n  ".join(problems)


def _local_file(site: Site, url: str) -> Path | None:
    """The file a same-site URL (path only) is served from, or None outside the site."""
    path = urlsplit(url).path
    if urlsplit(url).netloc or not path.startswith(site.prefix + "/"):
        return None
    target = site.output / path[len(site.prefix) + 1 :]
    return target / "index.html" if path.endswith("/") else target


_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?([^\"')\s]+)")


def test_every_page_within_weight(subpath_site: Site) -> None:
    """Each published page's own HTML plus the CSS and scripts it links stays within 50 KiB.

    The browser visits only one page of each kind; this reads every page from disk.
    """
    heavy = []
    for path in subpath_site.html_files():
        url = page_url(subpath_site, path)
        tree = lxml_html.fromstring(path.read_bytes())
        assets = {
            urljoin(url, href)
            for href in tree.xpath(
                "//link[contains(concat(' ', @rel, ' '), ' stylesheet ')]/@href"
                " | //link[@rel='modulepreload']/@href | //script/@src"
            )
        }
        total = path.stat().st_size
        seen: set[str] = set()
        while assets:
            asset = assets.pop()
            if asset in seen:
                continue
            seen.add(asset)
            file = _local_file(subpath_site, asset)
            assert file is not None and file.is_file(), f"{url} links {asset}, which is not in the site"
            total += file.stat().st_size
            if file.suffix == ".css":
                assets |= {urljoin(asset, imported) for imported in _CSS_IMPORT.findall(file.read_text("utf-8"))}
        if total > WEIGHT_LIMIT:
            heavy.append(f"{total:>7} {url}")
    assert not heavy, f"pages over {WEIGHT_LIMIT} bytes of HTML+CSS+JS:\n" + "\n".join(heavy)
