"""In the published build every address a search engine, a feed reader or a sharing card reads is absolute."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from publish_helpers import SITE_URL, html_pages, own_url, published

# The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("publish-builds")

ATOM = "{http://www.w3.org/2005/Atom}"


@cache
def _head(page: Path) -> BeautifulSoup:
    html = page.read_text(encoding="utf-8")
    return BeautifulSoup(html[: html.find("</head>")], "html.parser")


def _pages() -> list[Path]:
    return html_pages(published().live)


def _meta(head: BeautifulSoup, key: str) -> str | None:
    tag = head.find("meta", attrs={"property": key}) or head.find("meta", attrs={"name": key})
    return tag.get("content") if tag else None


def _resolves(url: str) -> bool:
    rel = url.removeprefix(SITE_URL + "/").split("#")[0]
    live = published().live
    return (live / rel).is_file() or (live / rel / "index.html").is_file()


def _each_page(check) -> list[str]:
    """Run `check(page, head)` on every page; collect what it reports, one line per problem."""
    problems = []
    for page in _pages():
        rel = page.relative_to(published().live).as_posix()
        problems.extend(f"{rel}: {problem}" for problem in check(page, _head(page)))
    return problems


def test_canonical_and_alternates_are_absolute() -> None:
    def check(page: Path, head: BeautifulSoup) -> list[str]:
        canonical = head.find("link", rel="canonical")
        if canonical is None:
            return ["no canonical link"]
        found = []
        if canonical["href"] != own_url(published().live, page):
            found.append(f"canonical {canonical['href']!r} is not the page's own address")
        alternates = {
            link["hreflang"]: link["href"] for link in head.find_all("link", rel="alternate") if link.get("hreflang")
        }
        if not {"ko", "en", "x-default"} <= set(alternates):
            found.append(f"hreflang alternates {sorted(alternates)} lack ko, en or x-default")
        found += [
            f"alternate {href!r} is not absolute or leads to nothing"
            for href in alternates.values()
            if not (href.startswith(SITE_URL + "/") and _resolves(href))
        ]
        return found

    assert _each_page(check) == []


def test_open_graph_and_twitter_card_tags_are_complete_and_absolute() -> None:
    def check(page: Path, head: BeautifulSoup) -> list[str]:
        found = [
            f"no {key}"
            for key in ("og:title", "og:type", "og:url", "og:site_name", "twitter:card")
            if not _meta(head, key)
        ]
        if _meta(head, "og:url") != own_url(published().live, page):
            found.append(f"og:url {_meta(head, 'og:url')!r} is not the page's own address")
        for key in ("og:image", "twitter:image", "og:video", "og:audio"):
            value = _meta(head, key)
            if value and not value.startswith((SITE_URL + "/", "https://")):
                found.append(f"{key} {value!r} is not absolute")
            elif value and value.startswith(SITE_URL + "/") and not _resolves(value):
                found.append(f"{key} {value!r} leads to nothing")
        return found

    assert _each_page(check) == []


@pytest.mark.parametrize("feed", ["feeds/news.atom.xml", "en/feeds/news.atom.xml"])
def test_feeds_link_absolutely_to_their_own_language(feed: str) -> None:
    root = ET.parse(published().live / feed).getroot()
    base = SITE_URL + ("/en/" if feed.startswith("en/") else "/")
    self_link = next(link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link == f"{SITE_URL}/{feed}"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(base) and _resolves(href), href
        if base.endswith("/ssc2020/"):
            assert not href.startswith(SITE_URL + "/en/"), f"English item {href} in the Korean feed"


def test_feed_links_in_pages_are_absolute() -> None:
    for page in _pages():
        for link in _head(page).find_all("link", type="application/atom+xml"):
            assert link["href"].startswith(SITE_URL + "/") and _resolves(link["href"]), page


def test_the_sharing_image_is_drawn_at_build_in_the_sites_type_and_colours(tmp_path, real_languages) -> None:
    """theme/img/share.png is what ssc_theme.sharing draws from the settings, the programme and the site's fonts:
    1200x630 as the tags say, on KRDS's primary 5, the theme in primary 60; new words make a new image."""
    from PIL import Image, ImageChops
    from ssc_theme import sharing

    live = published().live
    with Image.open(live / "theme" / "img" / "share.png") as built:
        assert built.format == "PNG" and built.size == (1200, 630)
        shown = built.convert("RGB")
    settings = {
        "SITENAME": "2020 서울 스마트시티 리더스 포럼",
        "SITESUBTITLE": "포용적 스마트도시",
        "THEME": "theme",
        "ORGANISERS": [{"name": "서울특별시"}, {"name": "서울디지털재단"}],
        "LANGUAGES": [{"code": "ko"}, {"code": "en"}],
        "I18N_SUBSITES": {
            "en": {
                "SITENAME": "Seoul Smart City Leaders Forum 2020",
                "SITESUBTITLE": "Inclusive Smart Cities for Sustainable Growth",
            }
        },
    }
    root = Path(__file__).resolve().parent.parent
    days = sharing.forum_days(root / "content" / "programme.toml")
    drawn = sharing.draw({**settings, "THEME": str(root / "theme")}, root / "theme" / "fonts", days)
    assert ImageChops.difference(drawn, shown).getbbox() is None, "the built image is not the one drawn"
    assert shown.getpixel((5, 5)) == (0xEC, 0xF2, 0xFE)
    colours = {colour for _, colour in shown.crop((64, 196, 700, 300)).getcolors(1 << 16)}
    assert (0x0B, 0x50, 0xD0) in colours, "the theme is not written in KRDS primary 60"
    other = sharing.draw({**settings, "SITESUBTITLE": "다른 주제"}, root / "theme" / "fonts", days)
    assert ImageChops.difference(drawn, other).getbbox() is not None
    # The languages come from the table: the same names with the sub-site left out are drawn once.
    alone = sharing.draw({**settings, "LANGUAGES": [{"code": "ko"}]}, root / "theme" / "fonts", days)
    assert ImageChops.difference(drawn, alone).getbbox() is not None
    assert alone.crop((64, 100, 1100, 140)).getcolors(1 << 16) == [(1036 * 40, (0xEC, 0xF2, 0xFE))]
