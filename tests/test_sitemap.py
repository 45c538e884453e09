"""sitemap.xml lists every page of both languages once, with reciprocal hreflang alternates; robots.txt names it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from publish_helpers import SITE_URL, html_pages, own_url, published, subpath_output

from ssc_publish.sitemap import SITEMAP_NS, XHTML_NS, render_robots

# The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("publish-builds")

NS = {"sm": SITEMAP_NS, "xhtml": XHTML_NS}


def _entries(root: Path) -> dict[str, dict[str, str]]:
    tree = ET.parse(root / "sitemap.xml")
    assert tree.getroot().tag == f"{{{SITEMAP_NS}}}urlset"
    entries: dict[str, dict[str, str]] = {}
    for url in tree.getroot().findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in entries, f"{loc} is listed twice"
        links = url.findall("xhtml:link", NS)
        assert all(link.get("rel") == "alternate" and link.get("href") for link in links), loc
        entries[loc] = {link.get("hreflang"): link.get("href") for link in links}
    return entries


def _noindex(page: Path) -> bool:
    robots = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("meta", attrs={"name": "robots"})
    return robots is not None and "noindex" in robots.get("content", "")


@pytest.fixture(scope="module")
def entries() -> dict[str, dict[str, str]]:
    return _entries(published().live)


def test_every_page_of_both_languages_is_listed_once(entries: dict[str, dict[str, str]]) -> None:
    live = published().live
    expected = {own_url(live, page) for page in html_pages(live) if not _noindex(page)}
    assert set(entries) == expected
    assert any("/en/" in loc for loc in entries) and any("/en/" not in loc for loc in entries)
    assert list(entries) == sorted(entries), "a stable order keeps the file the same between builds"


def test_addresses_are_absolute_and_lead_to_pages(entries: dict[str, dict[str, str]]) -> None:
    live = published().live
    for loc, alternates in entries.items():
        for url in [loc, *alternates.values()]:
            assert url.startswith(SITE_URL + "/"), url
            rel = url.removeprefix(SITE_URL + "/")
            assert (live / rel / "index.html").is_file() or (live / rel).is_file(), url


def test_alternates_name_both_languages_and_a_default(entries: dict[str, dict[str, str]]) -> None:
    for loc, alternates in entries.items():
        assert set(alternates) == {"ko", "en", "x-default"}, loc
        own_lang = "en" if loc.startswith(SITE_URL + "/en/") else "ko"
        assert alternates[own_lang] == loc
        assert alternates["x-default"] == alternates["ko"], "the Korean main site is the default"


def test_alternates_are_reciprocal(entries: dict[str, dict[str, str]]) -> None:
    for loc, alternates in entries.items():
        for href in alternates.values():
            assert entries[href] == alternates, f"{loc} and {href} disagree about their translations"


def test_local_subpath_build_has_a_sitemap_under_the_sub_path() -> None:
    local = _entries(subpath_output())
    assert local and all(loc.startswith("/ssc2020/") for loc in local)


def test_robots_names_the_sitemap_by_its_absolute_address() -> None:
    text = (published().live / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in text.splitlines()
    assert "User-agent: *" in text
    assert "Disallow: /" not in text.splitlines()


def test_robots_of_a_local_build_names_no_relative_sitemap() -> None:
    assert not any(line.startswith("Sitemap:") for line in render_robots("/ssc2020").splitlines())
