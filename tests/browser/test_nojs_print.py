"""Without JavaScript every page reads completely; timetable and session pages print cleanly."""

from __future__ import annotations

import re

import pytest

from .browser_support import LANGS, PAGE_KINDS, OpenPage, SharedPage, Site, facade_pages

TIME = re.compile(r"\b(?:[01]\d|2[0-3]):[0-5]\d\b")

# What a reader gets from main: its text lines and its links. Controls and live regions
# are JavaScript's own user interface, not content, so they are left out.
_CONTENT = """() => {
  const main = document.querySelector('main');
  const ui = main.querySelectorAll('button, input, select, textarea, label, [role=status], [aria-live]');
  const saved = [...ui].map(el => [el, el.style.display]);
  saved.forEach(([el]) => { el.style.display = 'none'; });
  const lines = main.innerText.split('\\n').map(l => l.replace(/\\s+/g, ' ').trim()).filter(Boolean);
  saved.forEach(([el, display]) => { el.style.display = display; });
  const links = [...main.querySelectorAll('a[href]')].filter(a => a.checkVisibility()).map(a => a.href);
  return {lines, links};
}"""

NOJS_CASES = [(lang, kind) for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("lang", "kind"), NOJS_CASES, ids=["-".join(c) for c in NOJS_CASES])
def test_page_reads_without_javascript(
    lang: str, kind: str, subpath_site: Site, open_page: OpenPage, shared_page: SharedPage
) -> None:
    """Every line and link the page shows with JavaScript is there without it."""
    url = subpath_site.url(PAGE_KINDS[kind], lang)
    with_js = shared_page(url).evaluate(_CONTENT)
    without = open_page(url, java_script_enabled=False)
    plain = without.page.evaluate(_CONTENT)
    missing_lines = [line for line in with_js["lines"] if line not in plain["lines"]]
    missing_links = sorted(set(with_js["links"]) - set(plain["links"]))
    assert plain["lines"], f"{url}: main is empty without JavaScript"
    assert not missing_lines and not missing_links, (
        f"{url} without JavaScript lacks\n  lines: {missing_lines[:10]}\n  links: {missing_links[:10]}"
    )
    assert not without.failures, f"{url} without JavaScript: failed requests {without.failures}"


@pytest.mark.parametrize("lang", LANGS)
def test_timetable_without_javascript(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """The timetable shows its times and links every session without JavaScript."""
    sessions = open_page(subpath_site.url(PAGE_KINDS["sessions"], lang), java_script_enabled=False).page
    listed = set(
        sessions.eval_on_selector_all(
            "main a[href*='/sessions/']", "links => links.map(a => a.href).filter(h => !h.endsWith('/sessions/'))"
        )
    )
    assert listed, "the sessions index links no session"
    page = open_page(subpath_site.url(PAGE_KINDS["timetable"], lang), java_script_enabled=False).page
    text = page.inner_text("main")
    assert len(TIME.findall(text)) >= 4, f"the timetable shows almost no times without JavaScript: {text[:300]}"
    linked = set(page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"))
    assert listed <= linked, f"sessions missing from the timetable: {sorted(listed - linked)}"


def test_video_links_without_javascript(video_site: Site, open_page: OpenPage) -> None:
    """Without JavaScript a video is a plain visible link, and no play button that would do nothing."""
    pages = facade_pages(video_site)
    assert pages, "no page of the video forum has a video facade"
    for path in pages:
        page = open_page(video_site.origin + path, java_script_enabled=False).page
        for facade in page.locator(".video-facade").all():
            link = facade.locator("a[href]").first
            assert link.is_visible(), f"{path}: the video has no visible link without JavaScript"
            assert (link.get_attribute("href") or "").startswith("https://"), f"{path}: odd video link"
            assert not facade.locator("button").first.is_visible(), f"{path}: a dead play button shows"


def test_search_page_without_javascript(subpath_site: Site, open_page: OpenPage) -> None:
    """The search page says plainly that search needs JavaScript and offers the indexes."""
    for lang in LANGS:
        page = open_page(subpath_site.url(PAGE_KINDS["search"], lang), java_script_enabled=False).page
        note = page.locator("#search-nojs")
        assert note.is_visible(), "no notice that search needs JavaScript"
        hrefs = note.locator("a").evaluate_all("links => links.map(a => a.href)")
        for index in ("sessions", "speakers"):
            assert subpath_site.url(f"/{index}/", lang) in hrefs, f"the notice does not link the {index} index"
        with_js = open_page(subpath_site.url(PAGE_KINDS["search"], lang)).page
        assert not with_js.locator("#search-nojs").is_visible(), "the no-JavaScript notice shows with JavaScript"


# Everything of the page's navigation chrome, which has no place on paper.
CHROME = "nav, [role=navigation], .skip-link, .lang-switch, form, button, .site-footer, .prev-next"

_LINK_TARGETS = """() => [...document.querySelectorAll('main a[href]')]
  .filter(a => a.checkVisibility() && !a.getAttribute('href').startsWith('#'))
  .map(a => ({href: a.getAttribute('href'), text: a.innerText.trim().slice(0, 30),
              after: getComputedStyle(a, '::after').content}))"""

PRINT_CASES = [(lang, kind) for lang in LANGS for kind in ("timetable", "session")]


@pytest.mark.parametrize(("lang", "kind"), PRINT_CASES, ids=["-".join(c) for c in PRINT_CASES])
def test_prints_cleanly(lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """In print media no navigation chrome is displayed and every link shows its address."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang)).page
    page.emulate_media(media="print")
    shown = page.eval_on_selector_all(
        CHROME, "els => els.filter(el => el.checkVisibility()).map(el => el.outerHTML.slice(0, 80))"
    )
    links = page.evaluate(_LINK_TARGETS)
    unshown = [
        f"{link['text']} -> {link['href']} (::after {link['after']})"
        for link in links
        if link["href"] not in link["after"]
    ]
    assert links, "main has no links to print"
    assert not shown and not unshown, (
        f"{page.url} in print:\n  chrome still displayed: {shown}\n  links without their address: {unshown[:10]}"
    )
