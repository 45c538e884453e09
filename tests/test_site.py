"""The real site: every item in both languages, cross-links, alternates, languages, dates, hosts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, build, copy_content, soup

LANG_ROOT = {"ko": "", "en": "en/"}
FOLDERS = {"sessions": "sessions/{}/", "speakers": "speakers/{}/", "cases": "cases/{}/", "pages": "{}/"}


def slugs(folder: str) -> list[str]:
    """Slugs of a content folder, read from the file names (independently of the plugin)."""
    return sorted({p.name.split(".")[0] for p in (ROOT / "content" / folder).glob("*.md")})


def page(site: Path, lang: str, rel: str) -> Path:
    return site / LANG_ROOT[lang] / rel / "index.html" if not rel.endswith(".html") else site / LANG_ROOT[lang] / rel


def all_html(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_real_content_has_the_whole_programme():
    assert len(slugs("sessions")) == 5
    assert len(slugs("speakers")) == 8
    assert slugs("cases") == sorted(["the-hague", "los-angeles", "helsinki", "seongdong-gu", "sh-corporation", "seoul"])
    assert {"about", "venue", "comment-event", "history", "organisers"} <= set(slugs("pages"))


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_item_exists_in_both_languages(site, folder, lang):
    for slug in slugs(folder):
        rel = FOLDERS[folder].format(slug)
        path = page(site, lang, rel)
        assert path.is_file(), f"{lang} {rel} missing"
        doc = soup(path)
        assert doc.html["lang"] == lang
        assert doc.find("h1").get_text(strip=True)


def test_every_page_has_the_right_lang_and_one_h1(site):
    pages = all_html(site)
    assert len(pages) > 60
    for path in pages:
        doc = soup(path)
        expected = "en" if path.relative_to(site).parts[0] == "en" else "ko"
        assert doc.html.get("lang") == expected, path
        assert len(doc.find_all("h1")) == 1, path
        assert doc.find("main", id="main") and doc.select_one("a.skip-link[href='#main']"), path


def test_hreflang_alternates_point_both_ways(site):
    for path in all_html(site):
        rel = path.relative_to(site).as_posix()
        if rel.endswith("404.html"):
            continue
        doc = soup(path)
        alternates = {link["hreflang"]: link["href"] for link in doc.find_all("link", rel="alternate", hreflang=True)}
        assert set(alternates) == {"ko", "en", "x-default"}, rel
        own = "en" if rel.startswith("en/") else "ko"
        other = "ko" if own == "en" else "en"
        twin = site / alternates[other].lstrip("/") / "index.html"
        assert twin.is_file(), f"{rel}: twin {alternates[other]} missing"
        back = {link["hreflang"]: link["href"] for link in soup(twin).find_all("link", rel="alternate", hreflang=True)}
        assert back[own] == alternates[own], rel
        assert alternates["x-default"] == alternates["ko"]
        switch = doc.select_one(".lang-switch a")
        assert switch["href"] == alternates[other] and switch["hreflang"] == other and switch["lang"] == other


def test_session_lists_speakers_and_cases_and_they_link_back(site):
    doc = soup(page(site, "en", "sessions/seminar-part-1-city-cases/"))
    case_links = [a["href"] for a in doc.select("#cases-heading + .card-grid .card-title a")]
    assert case_links == [
        f"/en/cases/{c}/" for c in ["the-hague", "los-angeles", "helsinki", "seongdong-gu", "sh-corporation", "seoul"]
    ]
    case = soup(page(site, "en", "cases/helsinki/"))
    assert case.select_one(".facts a")["href"] == "/en/sessions/seminar-part-1-city-cases/"

    # Speakers are listed once, as cards under their own heading.
    session = soup(page(site, "ko", "sessions/session-2-citizen-participation/"))
    people = [a["href"] for a in session.select("#people-heading + .card-grid .card-title a")]
    assert people == ["/speakers/in-kwon-park/", "/speakers/fernando-vilarino/", "/speakers/iwan-rudiarto/"]
    speaker = soup(page(site, "ko", "speakers/fernando-vilarino/"))
    assert "/sessions/session-2-citizen-participation/" in [a["href"] for a in speaker.select(".session-list a")]

    concert = soup(page(site, "en", "sessions/seminar-part-2-talk-concert/"))
    host = concert.select_one("#people-heading + .card-grid .card-person:has(.badge)").get_text(" ", strip=True)
    assert "Host" in host and "Jeong Cheol-gyu" in host
    assert not concert.select(".facts a[href*='/speakers/']"), "speakers are listed twice"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ko", "2020년 9월 23일(수) · 2일 차 첫 번째 순서, 16:00~19:00 KST 중"),
        ("en", "Wednesday 23 September 2020 · Day 2, first in the running order, within 16:00–19:00 KST"),
    ],
)
def test_dates_are_formatted_per_language_with_the_zone_named(site, lang, expected):
    """A session without published times: its day, its place in the running order and the day's block."""
    doc = soup(page(site, lang, "sessions/keynote/"))
    when = doc.select_one(".facts dd")
    assert expected == " ".join(when.get_text().split())  # the text as read, whatever elements hold its parts
    assert when.find("time")["datetime"] == "2020-09-23T16:00+09:00"
    assert "UTC+09:00" in doc.select_one(".tz-note").get_text()


@pytest.mark.parametrize(
    ("slug", "ko", "en"),
    [
        (
            "seminar-part-2-talk-concert",
            "1일 차 두 번째 순서, 16:00~18:00 KST 중",
            "Day 1, second in the running order",
        ),
        (
            "session-2-citizen-participation",
            "2일 차 세 번째 순서",
            "Day 2, third in the running order, within 16:00–19:00",
        ),
    ],
)
def test_session_and_speaker_pages_show_the_place_in_the_running_order(site, slug, ko, en):
    """Never a time of the session's own that was not published: the day's block, said as the block."""
    for lang, expected in (("ko", ko), ("en", en)):
        text = " ".join(soup(page(site, lang, f"sessions/{slug}/")).select_one(".facts dd").get_text().split())
        assert expected in text, text
    speaker = soup(page(site, "ko", "speakers/fernando-vilarino/"))
    assert "2일 차 세 번째 순서" in speaker.select_one(".si-when").get_text(" ", strip=True)


def test_theme_strings_are_translated(site):
    ko = soup(page(site, "ko", "timetable/"))
    en = soup(page(site, "en", "timetable/"))
    assert ko.find("h1").get_text(strip=True) == "프로그램"
    assert en.find("h1").get_text(strip=True) == "Programme"
    assert ko.select_one(".skip-link").get_text(strip=True) == "본문 바로가기"


def test_unpublished_facts_are_said_plainly(site):
    # What was not published is said once, on the sources page, not on every session page.
    for lang, sentence in (("en", "no videos are shown on this site"), ("ko", "이 사이트에는 영상을 싣지 않았습니다")):
        assert not soup(page(site, lang, "sessions/keynote/")).select(".no-recording")
        assert sentence in soup(page(site, lang, "archive/")).get_text(), lang
    # No session has its own time: each day is its block of time once and its running order.
    table = soup(page(site, "en", "timetable/"))
    assert table.select(".agenda-day ol.agenda li") and not table.select(".timetable table")
    # No invented per-session time anywhere: every session shows its day's block.
    for slug in slugs("sessions"):
        times = [t["datetime"] for t in soup(page(site, "en", f"sessions/{slug}/")).select(".facts time")]
        assert times[0][-11:] == "16:00+09:00", slug


def test_no_page_loads_anything_from_another_host(site):
    for path in all_html(site):
        doc = soup(path)
        for tag in doc.find_all(["script", "link", "img", "iframe", "source", "video", "audio", "embed", "object"]):
            if tag.name == "link" and set(tag.get("rel", [])) & {"alternate", "canonical"}:
                continue  # addresses of this page, not requests
            for attr in ("src", "href", "data", "srcset"):
                value = tag.get(attr)
                if value:
                    assert not urlsplit(value).netloc, f"{path}: <{tag.name} {attr}={value}>"
        inline_css = " ".join(s.get_text() for s in doc.find_all("style"))
        assert "url(http" not in inline_css
    css = (site / "theme" / "css" / "site.css").read_text()
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css) and "@import" not in css


def test_markup_in_metadata_is_escaped(tmp_path):
    content = copy_content(tmp_path)
    session = content / "sessions" / "keynote.en.md"
    text = session.read_text(encoding="utf-8")
    text = re.sub(r"^Title: .*$", 'Title: Data & "Cities" <script>alert(1)</script>', text, count=1, flags=re.M)
    text = re.sub(r"^Summary: .*$", "Summary: Tom's <b>bold</b> & more", text, count=1, flags=re.M)
    session.write_text(text, encoding="utf-8")
    out = build(tmp_path / "out", PATH=str(content))
    raw = (out / "en/sessions/keynote/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<b>bold</b>" not in raw
    doc = soup(out / "en/sessions/keynote/index.html")
    assert doc.find("h1").get_text() == 'Data & "Cities" <script>alert(1)</script>'
    assert doc.find("meta", attrs={"name": "description"})["content"] == "Tom's <b>bold</b> & more"
    # The same title in the timetable, a speaker's list and the index pages.
    for rel in ("en/timetable/index.html", "en/sessions/index.html", "en/speakers/sokwoo-rhee/index.html"):
        listing = (out / rel).read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in listing, rel
        assert "Data &amp; &#34;Cities&#34; &lt;script&gt;" in listing, rel


def test_sub_path_build_links_stay_under_the_sub_path(subpath_build):
    out = subpath_build
    for path in all_html(out):
        doc = soup(path)
        for tag in doc.find_all(href=True) + doc.find_all(src=True):
            value = tag.get("href") or tag.get("src")
            if value.startswith("/"):
                assert value.startswith("/ssc2020/"), f"{path}: {value}"
    en = soup(out / "en/sessions/keynote/index.html")
    assert en.select_one(".lang-switch a")["href"] == "/ssc2020/sessions/keynote/"
    sheets = [link["href"] for link in en.find_all("link", rel="stylesheet")]
    assert sheets and all(href.startswith("/ssc2020/theme/css/") for href in sheets), sheets


def test_sessions_index_is_not_a_second_programme(site):
    """/sessions/ still answers, pointing to the programme and naming each session once, without numbers."""
    for lang, prefix in (("ko", "/"), ("en", "/en/")):
        doc = soup(page(site, lang, "sessions/"))
        main = doc.select_one("main")
        assert main.select_one(f"a[href='{prefix}timetable/']"), "no link to the programme"
        links = [a["href"] for a in main.select(".index-list a")]
        assert sorted(links) == sorted(f"{prefix}sessions/{slug}/" for slug in slugs("sessions"))
        assert not main.select("ol:not(nav ol)"), "a second running order"
        assert not main.select(".card-people, .si-summary, time"), "a second copy of the programme's details"


def test_menu_breadcrumb_and_no_double_numbering(site):
    """The six menu items in order; inner pages carry a KRDS breadcrumb ending in the page itself; a session's
    part label ("세션 1") is never also numbered by its list."""
    ko = soup(page(site, "ko", "sessions/keynote/"))
    assert [a.get_text(strip=True) for a in ko.select(".menu-pc a")] == [
        "소개",
        "프로그램",
        "연사",
        "도시 사례",
        "소식",
        "검색",
    ]
    assert ko.select_one(".menu-pc a.is-section")["href"] == "/timetable/"
    crumbs = ko.select("nav.breadcrumb li")
    assert [c.get_text(strip=True) for c in crumbs][:2] == ["홈", "프로그램"]
    assert crumbs[-1].select_one("[aria-current=page]").get_text() == ko.find("h1").get_text(strip=True)
    en = soup(page(site, "en", "organisers/"))
    assert [a.get_text(strip=True) for a in en.select(".menu-pc a")] == [
        "About",
        "Programme",
        "Speakers",
        "City cases",
        "News",
        "Search",
    ]
    assert en.select_one(".menu-pc a.is-section")["href"] == "/en/about/"
    assert [c.get_text(strip=True) for c in en.select("nav.breadcrumb li")][:2] == ["Home", "About"]
    # Each page of the "About" section lists the section's pages, itself marked.
    section = en.select(".section-nav a")
    assert "/en/about/" in [a["href"] for a in section]
    assert [a["href"] for a in section if a.get("aria-current") == "page"] == ["/en/organisers/"]
    assert not soup(site / "index.html").select("nav.breadcrumb")
    for lang in ("ko", "en"):
        for rel in ("", "timetable/"):
            doc = soup(site / ("en/" if lang == "en" else "") / rel / "index.html")
            for badge in doc.select("main ol > li .badge, main ol > li .part"):
                style = badge.find_parent("ol").get("class", [])
                assert set(style) & {"card-stack", "agenda"}, (rel, style)  # lists the CSS shows without numbers


def test_speakers_in_programme_order_grouped_by_session(site):
    """Keynote first, then each session in its running order, the same people in the same order in both
    languages; cards without a portrait carry no placeholder initials."""
    orders = {}
    for lang, prefix in (("ko", "/"), ("en", "/en/")):
        doc = soup(page(site, lang, "speakers/"))
        groups = doc.select(".speaker-group")
        assert groups[0].select_one("h2 a")["href"] == f"{prefix}sessions/keynote/"
        orders[lang] = [a["href"].removeprefix(prefix) for a in doc.select(".card-person .card-title a")]
        assert not doc.select(".monogram")
        home = soup(site / prefix.lstrip("/") / "index.html")
        assert [
            a["href"].removeprefix(prefix) for a in home.select("#speakers-heading + .card-grid .card-title a")
        ] == orders[lang]
    assert orders["ko"] == orders["en"]
    assert orders["ko"][:3] == ["speakers/sokwoo-rhee/", "speakers/jo-won-hee/", "speakers/jeong-cheol-gyu/"]
    assert sorted(orders["ko"]) == sorted(f"speakers/{slug}/" for slug in slugs("speakers"))
    # Korean order of the role: affiliation, then position.
    card = soup(page(site, "ko", "speakers/")).select_one("a[href='/speakers/jung-hoon-lee/']").find_parent("li")
    assert card.select_one(".card-text").get_text(strip=True) == "연세대학교 교수"
    lead = soup(page(site, "ko", "speakers/jung-hoon-lee/")).select_one(".person-head .lead").get_text(strip=True)
    assert lead == "연세대학교 교수"
    lead = soup(page(site, "en", "speakers/jung-hoon-lee/")).select_one(".person-head .lead").get_text(strip=True)
    assert lead == "Professor, Yonsei University"
    # City-case badges name the country.
    cases = soup(page(site, "en", "cases/"))
    assert [b.get_text() for b in cases.select(".card-case .badge")][:2] == ["Netherlands", "United States"]


def test_page_structure_follows_the_krds_patterns(site):
    """Every page: the skip link first inside the banner landmark, a main menu of at most six items (folded
    into a <details> for narrow screens), footer links in lists, never loose in a paragraph."""
    for path in all_html(site):
        doc = soup(path)
        rel = path.relative_to(site).as_posix()
        header = doc.select_one("body > header.site-header")
        assert header and header.find(["a", "details", "nav"]) is header.select_one("a.skip-link"), rel
        menus = header.select("nav")
        assert len(menus) == 2 and header.select_one("details > nav"), rel
        assert all(1 <= len(nav.select("li > a")) <= 6 for nav in menus), rel
        footer = doc.select_one("body > footer")
        assert footer.select("ul a") and not footer.select("p a"), rel


def test_404_pages_link_each_other(site):
    """The language switch of a 404 page goes to the other language's 404 page, not its home."""
    assert soup(site / "404.html").select_one(".lang-switch a")["href"] == "/en/404.html"
    assert soup(site / "en/404.html").select_one(".lang-switch a")["href"] == "/404.html"


def test_home_says_what_when_where_once(site):
    """The home's hero: the forum's name as the one h1, its theme, its dates as one range, its format."""
    for lang, dates, theme in (
        ("ko", "2020년 9월 22일(화)~23일(수)", "포용적 스마트도시"),
        ("en", "22–23 September 2020", "Inclusive Smart Cities for Sustainable Growth"),
    ):
        doc = soup(site / ("en/" if lang == "en" else "") / "index.html")
        assert len(doc.find_all("h1")) == 1 and doc.select_one(".hero h1")
        hero = doc.select_one(".hero").get_text(" ", strip=True)
        assert dates in hero and theme in hero, hero
        # The day's block once per day, never a per-session caveat.
        assert len(doc.select(".day-when .time-span")) == 2
        assert not doc.select(".card-session .time-span")
