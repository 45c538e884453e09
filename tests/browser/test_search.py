"""Search: Pagefind indexes both languages at build time, Korean with Kiwi's analysis; the search
page finds what readers type (the query set of search_queries.py), says what each result is, and
says what to do when nothing is found or search cannot load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser_support import LANG_PREFIX, LANGS, PAGE_KINDS, VARIANTS, OpenPage, SharedPage, Site, url_path
from .search_queries import QUERIES, TOP, run_queries, top_results

PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

SESSION_QUERIES = [
    ("ko", "빅데이터", "session-1-big-data"),
    ("en", "citizen participation", "session-2-citizen-participation"),
]
SEARCH_CASES = [(variant, *query) for variant in VARIANTS for query in SESSION_QUERIES]


def test_index_has_both_languages(subpath_site: Site) -> None:
    """The build wrote one Pagefind index per language, each with pages in it."""
    entry = json.loads((subpath_site.output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    languages = entry["languages"]
    assert set(languages) >= {"ko", "en"}, f"indexed languages: {sorted(languages)}"
    for lang in ("ko", "en"):
        assert languages[lang]["page_count"] > 10, f"the {lang} index has {languages[lang]['page_count']} pages"


@pytest.mark.parametrize(
    ("variant", "lang", "word", "slug"), SEARCH_CASES, ids=[f"{c[0]}-{c[1]}" for c in SEARCH_CASES]
)
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


@pytest.mark.parametrize("lang", LANGS)
def test_query_set_finds_each_page_among_the_first_five(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """Every query of the set (particles, compounds, spacing, names in both scripts, romanised
    names, one-letter typos) lists its page among the first five results."""
    assert len(QUERIES[lang]) >= 40
    visit = open_page(subpath_site.url(PAGE_KINDS["search"], lang))
    prefix = f"{subpath_site.prefix}{LANG_PREFIX[lang]}"
    missed = [
        f"{query!r} -> {expected}: got {found}"
        for query, expected, found in run_queries(visit.page, prefix, lang)
        if expected not in found
    ]
    assert not missed, f"not among the first {TOP}:\n" + "\n".join(missed)
    assert not visit.outside_requests(), visit.outside_requests()
    assert not visit.console_errors, visit.console_errors


@pytest.mark.parametrize(
    ("lang", "query", "kind", "excerpt_word"),
    [
        ("ko", "데이터", "세션", "빅데이터"),
        ("ko", "이정훈", "연사", "이정훈"),
        ("ko", "헬싱키의", "도시 사례", "헬싱키"),
        ("en", "keynote", "Session", "Keynote"),
        ("en", "Rhee", "Speaker", "Rhee"),
        ("en", "test-beds", "City case", "test-beds"),
    ],
)
def test_results_show_kind_and_highlighted_content(
    lang: str, query: str, kind: str, excerpt_word: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """Each result says what it is; its excerpt is the page's content, the word the query found
    in it highlighted whole (a compound for its part), without the index-only words or furniture."""
    page = shared_page(subpath_site.url(PAGE_KINDS["search"], lang))
    top_results(page, query)
    items = page.locator("#search-results li")
    assert items.count() >= 1
    kinds = items.locator(".search-result-kind").all_inner_texts()
    assert len(kinds) == items.count() and all(kinds), "a result does not say what it is"
    assert kind in kinds[:3], f"no {kind} among the first results: {kinds}"
    text = page.locator("#search-results").inner_text()
    assert not PRIVATE_USE.search(text), "index-only words shown in the results"
    marks = items.locator("mark").all_inner_texts()
    assert any(excerpt_word.lower() in m.lower() for m in marks), f"{excerpt_word!r} not highlighted: {marks}"
    # The labels of the facts box, the eyebrow and the page's frame (words as generic as "When"
    # also occur in the text itself).
    furniture = {
        "ko": ["발표 도시·기관", "진행 방식", "본문 바로가기", "1일 차:", "2일 차:"],
        "en": ["Presented by", "Format", "Skip to", "Day 1:", "Day 2:"],
    }[lang]
    excerpts = " ".join(items.locator(".search-result-excerpt").all_inner_texts())
    assert not [w for w in furniture if w in excerpts], excerpts


FIRST_CASES = [
    ("ko", "이정훈", "/speakers/jung-hoon-lee/"),
    ("ko", "잉롱", "/speakers/ying-long/"),
    ("ko", "박인권", "/speakers/in-kwon-park/"),
    ("ko", "빅데이터 활용", "/sessions/session-1-big-data/"),
    ("ko", "시민 참여", "/sessions/session-2-citizen-participation/"),
    ("ko", "기조연설", "/sessions/keynote/"),
    ("ko", "헬싱키", "/cases/helsinki/"),
    ("en", "Sokwoo Rhee", "/speakers/sokwoo-rhee/"),
    ("en", "Ying Long", "/speakers/ying-long/"),
    ("en", "citizen participation", "/sessions/session-2-citizen-participation/"),
    ("en", "talk concert", "/sessions/seminar-part-2-talk-concert/"),
    ("en", "Helsinki", "/cases/helsinki/"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_page_about_a_thing_comes_first(lang: str, subpath_site: Site, shared_page: SharedPage) -> None:
    """A speaker's own page comes first for their name, a session's or case's for its title words,
    before the pages that only mention them."""
    page = shared_page(subpath_site.url(PAGE_KINDS["search"], lang))
    prefix = f"{subpath_site.prefix}{LANG_PREFIX[lang]}"
    wrong = [
        (query, path, found[:2])
        for code, query, path in FIRST_CASES
        if code == lang
        for found in [top_results(page, query)]
        if not found or found[0] != prefix + path
    ]
    assert not wrong, wrong


def test_search_from_address(subpath_site: Site, open_page: OpenPage) -> None:
    """A results address (?q=…), as the form submits it, shows the results directly."""
    page = open_page(subpath_site.url(PAGE_KINDS["search"], "ko") + "?q=%EB%B9%85%EB%8D%B0%EC%9D%B4%ED%84%B0").page
    page.locator("#search-results a[href$='/sessions/session-1-big-data/']").first.wait_for()
    assert page.input_value("input[name='q']") == "빅데이터"


@pytest.mark.parametrize("lang", LANGS)
def test_search_without_results(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """A word that is nowhere says so, lists nothing, and offers the programme, speakers and cases."""
    visit = open_page(subpath_site.url(PAGE_KINDS["search"], lang))
    page = visit.page
    assert page.locator("#search-help").is_hidden()
    top_results(page, "xylophonequartz")
    assert "xylophonequartz" in page.locator("[role=status]").inner_text()
    assert page.locator("#search-results li").count() == 0
    help_box = page.locator("#search-help")
    assert help_box.is_visible()
    hrefs = help_box.locator("a").evaluate_all("links => links.map(a => a.pathname)")
    base = f"{subpath_site.prefix}{LANG_PREFIX[lang]}"
    for path in (
        "/timetable/",
        "/speakers/",
        "/cases/",
        "/sessions/session-1-big-data/",
        "/speakers/sokwoo-rhee/",
        "/cases/helsinki/",
    ):
        assert base + path in hrefs, f"{path} not offered when nothing is found"
    assert not visit.console_errors, visit.console_errors


@pytest.mark.parametrize(
    ("lang", "typo", "word", "slug"),
    [
        ("ko", "헬싱기", "헬싱키", "/cases/helsinki/"),
        ("en", "Helsinky", "helsinki", "/cases/helsinki/"),
    ],
)
def test_typo_shows_the_nearest_word(
    lang: str, typo: str, word: str, slug: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """A word the index does not know is answered with the nearest word it knows, said so."""
    page = shared_page(subpath_site.url(PAGE_KINDS["search"], lang))
    found = top_results(page, typo)
    status = page.locator("[role=status]").inner_text()
    assert typo in status and word in status.lower(), status
    assert f"{subpath_site.prefix}{LANG_PREFIX[lang]}{slug}" in found


@pytest.mark.parametrize("lang", LANGS)
def test_load_failure_says_search_could_not_be_loaded(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """When the index cannot be loaded the page says so, not that JavaScript is off, and offers the lists."""
    visit = open_page(subpath_site.url(PAGE_KINDS["search"], lang))
    page = visit.page
    page.route("**/pagefind/**", lambda route: route.abort())
    top_results(page, "forum")
    status = page.locator("[role=status]").inner_text()
    expected = "검색 기능을 불러오지 못했습니다" if lang == "ko" else "Search could not be loaded"
    assert status.startswith(expected), status
    assert page.locator("#search-nojs").is_hidden(), "the page claims JavaScript is off"
    assert page.locator("#search-help").is_visible()


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
