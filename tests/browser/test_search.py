"""Search: Pagefind indexes both languages at build time; the search page finds sessions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser_support import PAGE_KINDS, VARIANTS, OpenPage, Site, url_path

QUERIES = [
    ("ko", "빅데이터", "session-1-big-data"),
    ("en", "citizen participation", "session-2-citizen-participation"),
]
SEARCH_CASES = [(variant, *query) for variant in VARIANTS for query in QUERIES]


def test_index_has_both_languages(subpath_site: Site) -> None:
    """The build wrote one Pagefind index per language, each with pages in it."""
    entry = json.loads((subpath_site.output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    languages = entry["languages"]
    assert set(languages) >= {"ko", "en"}, f"indexed languages: {sorted(languages)}"
    for lang in ("ko", "en"):
        assert languages[lang]["page_count"] > 10, f"the {lang} index has {languages[lang]['page_count']} pages"


@pytest.mark.parametrize(("variant", "lang", "word", "slug"), SEARCH_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in SEARCH_CASES])
def test_search_finds_the_session(
    variant: str, lang: str, word: str, slug: str, sites: dict[str, Site], open_page: OpenPage
) -> None:
    """Typing a word lists the right session with its title and day, and says how many were found."""
    site = sites[variant]
    visit = open_page(site.url(PAGE_KINDS["search"], lang))
    page = visit.page
    page.fill("input[name='q']", word)
    target = site.url(f"/sessions/{slug}/", lang)
    result = page.locator("#search-results li").filter(has=page.locator(f"a[href='{url_path(target)}']")).first
    result.wait_for()
    title = page.evaluate(
        "url => fetch(url).then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html')"
        ".querySelector('main h1').textContent.trim())",
        target,
    )
    assert result.locator("a").first.inner_text().strip() == title, "the result is not titled as the page"
    day = result.locator(".search-result-day")
    assert day.count() == 1 and day.inner_text().strip(), "the result does not show the session's day"
    status = page.locator("[role=status]").inner_text()
    shown = page.locator("#search-results li").count()
    counts = [int(n) for n in re.findall(r"\d+", status)]
    assert counts and counts[0] >= shown, f"status {status!r} does not give the count ({shown} listed)"
    assert page.get_attribute("html", "lang") == lang
    # Results are only of the page's own language.
    hrefs = page.locator("#search-results a").evaluate_all("links => links.map(a => a.pathname)")
    en_prefix = f"{site.prefix}/en/"
    assert all(h.startswith(en_prefix) == (lang == "en") for h in hrefs), f"results of the other language: {hrefs}"
    assert not visit.outside_requests(), visit.outside_requests()
    assert not visit.console_errors, visit.console_errors


def test_search_from_address(subpath_site: Site, open_page: OpenPage) -> None:
    """A results address (?q=…), as the form submits it, shows the results directly."""
    page = open_page(subpath_site.url(PAGE_KINDS["search"], "ko") + "?q=%EB%B9%85%EB%8D%B0%EC%9D%B4%ED%84%B0").page
    page.locator("#search-results a[href$='/sessions/session-1-big-data/']").first.wait_for()
    assert page.input_value("input[name='q']") == "빅데이터"


def test_search_without_results(subpath_site: Site, open_page: OpenPage) -> None:
    """A word that is nowhere says so in the status, and lists nothing."""
    page = open_page(subpath_site.url(PAGE_KINDS["search"], "en")).page
    page.fill("input[name='q']", "xylophonequartz")
    page.press("input[name='q']", "Enter")
    page.wait_for_function("document.querySelector('[role=status]').textContent.startsWith('No results')")
    assert "xylophonequartz" in page.locator("[role=status]").inner_text()
    assert page.locator("#search-results li").count() == 0


def test_index_failure_fails_the_build(tmp_path: Path) -> None:
    """When Pagefind cannot index (here: no page at all), the plugin raises, so the build fails."""
    from ssc_search.indexing import SearchIndexError, build_index

    with pytest.raises(SearchIndexError, match="Pagefind"):
        build_index(tmp_path)


def test_index_waits_for_the_main_site() -> None:
    """Only the main (Korean) site's `finalized` indexes: the English sub-site finishes first."""
    from ssc_forum.settings import is_main_site

    subsites = {"en": {"SITEURL": "/en"}}
    assert is_main_site({"DEFAULT_LANG": "ko", "I18N_SUBSITES": subsites})
    assert not is_main_site({"DEFAULT_LANG": "en", "I18N_SUBSITES": subsites})
    assert is_main_site({"DEFAULT_LANG": "ko"})  # a site without sub-sites indexes itself
