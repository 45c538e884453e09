"""Each language reads as itself: Korean dates, ranges and terms on the Korean site, no Korean on English pages.

Checked on the real site as built (every page of both languages), on the Korean theme catalogue, and on
the date formatters themselves.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import ROOT, soup
from ssc_forum import timeformat

CATALOGUE = ROOT / "theme" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"
SEOUL = ZoneInfo("Asia/Seoul")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Full names anywhere; abbreviations only where a date puts them (next to a day number).
ENGLISH_DATE = re.compile(
    r"\b(?:" + "|".join(MONTHS + WEEKDAYS) + r")\b"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,4}\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b"
    r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2}\b"
)
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
KOREAN_WEEKDAY = "월화수목금토일"


def html_pages(site: Path, lang: str) -> list[Path]:
    """Every page of one language site (the search bundle aside)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        parts = path.relative_to(site).parts
        if "pagefind" in parts:
            continue
        if (parts[0] == "en") == (lang == "en"):
            pages.append(path)
    return pages


def flat(tag) -> str:
    """A tag's text as read: whitespace runs made one space."""
    return " ".join(tag.get_text().split())


def text_outside(doc: BeautifulSoup, other_lang: str) -> list[str]:
    """The page's readable text (title and body) with every element marked as `other_lang` left out."""
    body = doc.body
    for tag in body.find_all(["script", "style", "template"]):
        tag.decompose()
    for tag in body.find_all(attrs={"lang": other_lang}):
        tag.decompose()
    title = doc.title.get_text() if doc.title else ""
    return [title, *(s for s in body.stripped_strings)]


def test_korean_pages_have_no_english_dates(site):
    pages = html_pages(site, "ko")
    assert len(pages) > 30, "the Korean site was not found"
    found = []
    for path in pages:
        for line in text_outside(soup(path), "en"):
            if match := ENGLISH_DATE.search(line):
                found.append(f"{path.relative_to(site)}: {match.group(0)!r} in {line[:80]!r}")
    assert found == [], "English month or weekday names on Korean pages:\n" + "\n".join(found)


def test_english_pages_have_hangul_only_inside_korean_elements(site):
    pages = html_pages(site, "en")
    assert len(pages) > 30, "the English site was not found"
    found = []
    for path in pages:
        for line in text_outside(soup(path), "ko"):
            if HANGUL.search(line):
                found.append(f"{path.relative_to(site)}: {line[:80]!r}")
    assert found == [], "Korean text on English pages outside lang=\"ko\":\n" + "\n".join(found)


def test_korean_ranges_and_weekdays_read_correctly(site):
    problems = []
    for path in html_pages(site, "ko"):
        doc = soup(path)
        for block in doc.body.find_all(["p", "li", "dd", "th", "td", "h1", "h2", "h3", "caption", "figcaption"]):
            text = block.get_text("", strip=True)
            # "2016년부터 해마다" is good Korean; a clock time that starts a range needs its end.
            if re.search(r"\d{1,2}:\d{2}\s*부터", text) and "까지" not in text:
                problems.append(f"{path.relative_to(site)}: '부터' without '까지': {text[:80]!r}")
            if re.search(rf"\s\([{KOREAN_WEEKDAY}]\)", text):
                problems.append(f"{path.relative_to(site)}: a space before the weekday: {text[:80]!r}")
            if re.search(r"\d{1,2}:\d{2}\s*[–-]\s*\d{1,2}:\d{2}", text):
                problems.append(f"{path.relative_to(site)}: an English dash in a Korean range: {text[:80]!r}")
    assert problems == [], "\n".join(problems)


def test_time_ranges_are_one_pattern_per_language(site):
    keynote = {lang: soup(site / prefix / "sessions" / "keynote" / "index.html")
               for lang, prefix in (("ko", ""), ("en", "en"))}
    # The session has no published time of its own: the range is its day's block ("… 16:00~19:00 중").
    assert keynote["ko"].select_one(".time-span").get_text("", strip=True) == "16:00~19:00KST"
    assert keynote["en"].select_one(".time-span").get_text("", strip=True) == "16:00–19:00KST"


def test_the_dates_of_the_forum_are_one_range_on_the_home_pages(site):
    ko = soup(site / "index.html").find("main").get_text(" ", strip=True)
    en = soup(site / "en" / "index.html").find("main").get_text(" ", strip=True)
    assert "2020년 9월 22일(화)~23일(수)" in ko
    assert "22–23 September 2020" in en


def test_one_term_for_the_zone_on_every_korean_page(site):
    for path in html_pages(site, "ko"):
        text = path.read_text(encoding="utf-8")
        assert "대한민국 표준시" not in text, path.relative_to(site)
    footer = flat(soup(site / "index.html").select_one(".tz-note"))
    assert footer == "모든 시각은 한국 표준시(KST, UTC+09:00) 기준입니다."


def test_404_pages_link_to_each_other(site):
    for page, other, lang in (("404.html", "/en/404.html", "en"), ("en/404.html", "/404.html", "ko")):
        switch = soup(site / page).select_one(f".lang-switch a[hreflang='{lang}']")
        assert switch is not None and switch["href"] == other, page


def test_a_day_without_times_is_a_running_order(site):
    for prefix, block in (("", "16:00~18:00KST"), ("en", "16:00–18:00KST")):
        doc = soup(site / prefix / "timetable" / "index.html")
        assert doc.select(".timetable table") == [], "a table of one cell adds nothing"
        day = doc.select_one("#day-1")
        assert "agenda-day" in day["class"]
        spans = day.select(".time-span")
        assert [s.get_text("", strip=True) for s in spans] == [block], "the day's block of time, said once"
        items = day.select("ol.agenda > li")
        assert len(items) == 2 and all(item.select_one("a[href*='/sessions/']") for item in items)


def test_a_day_with_times_keeps_its_grid(fixture_site):
    doc = soup(fixture_site / "en" / "timetable" / "index.html")
    tables = doc.select(".timetable-day table.grid")
    assert len(tables) == 2 and doc.select(".agenda") == []
    assert len(tables[0].select("tbody td")) > 2
    caption = flat(tables[0].caption)
    assert caption == "Programme of Tuesday 22 September 2020, Leaders Seminar, in Korean Standard Time."
    zone = tables[0].caption.select_one("[data-tz-name]")
    assert zone["data-tz-name"] == "name" and zone["data-tz-ref"] == "2020-09-22T16:00+09:00"


# --- the catalogue ------------------------------------------------------------------------

def catalogue():
    with CATALOGUE.open("rb") as po:
        return [m for m in read_po(po, locale="ko") if m.id]


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize(("wrong", "why"), [
    ("달력", "the term is 캘린더"),
    ("쓸 수 없", "사용할 수 없습니다"),
    ("대한민국 표준시", "one term: 한국 표준시"),
    ("이 사람", "impolite; say what is missing"),
    ("녹화 영상", "the term is 다시 보기"),
    ("처음으로", "KRDS says 홈"),
])
def test_catalogue_uses_the_agreed_terms(wrong, why):
    bad = [m.id for m in catalogue() for s in strings(m) if wrong in s]
    assert bad == [], f"{wrong!r} ({why}) in: {bad}"


def test_catalogue_ranges_and_parentheses_read_as_korean():
    for message in catalogue():
        for text in strings(message):
            assert not ("부터" in text and "까지" not in text), f"{message.id!r}: {text!r}"  # theme strings: no ranges
            assert not re.search(r"[가-힣\w] \((?!%)", text), f"a space before a parenthesis: {text!r}"
    ranges = {m.id: m.string for m in catalogue() if m.id == "%(start)s–%(end)s"}
    assert ranges == {"%(start)s–%(end)s": "%(start)s~%(end)s"}


def test_catalogue_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    for message in catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(set(placeholder.findall(ids[-1])))
        for text in strings(message):
            assert text, f"untranslated: {message.id!r}"
            assert sorted(set(placeholder.findall(text))) == wanted, f"{message.id!r}: {text!r}"


# --- the formatters -----------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "ko", "en"), [
    (date(2020, 9, 22), date(2020, 9, 23), "2020년 9월 22일(화)~23일(수)", "22–23 September 2020"),
    (date(2020, 9, 30), date(2020, 10, 1), "2020년 9월 30일(수)~10월 1일(목)", "30 September – 1 October 2020"),
    (date(2020, 12, 31), date(2021, 1, 1), "2020년 12월 31일(목)~2021년 1월 1일(금)",
     "31 December 2020 – 1 January 2021"),
    (date(2020, 9, 22), date(2020, 9, 22), "2020년 9월 22일(화)", "Tuesday 22 September 2020"),
])
def test_date_ranges_say_the_shared_year_and_month_once(start, end, ko, en):
    assert timeformat.date_range_label(start, end, "ko") == ko
    assert timeformat.date_range_label(start, end, "en") == en


def test_zone_and_day_labels_per_language():
    when = datetime(2020, 9, 22, 16, 0, tzinfo=SEOUL)
    assert timeformat.day_label(when, "ko") == "2020년 9월 22일(화)"
    assert timeformat.short_day_label(when, "ko") == "9월 22일(화)"
    assert timeformat.zone_label(when, "ko") == "한국 표준시(KST, UTC+09:00)"
    assert timeformat.zone_label(when, "en") == "Korean Standard Time (KST, UTC+09:00)"
    london = datetime(2020, 9, 22, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    assert timeformat.zone_name(london, "en") == "British Summer Time"


@pytest.mark.parametrize("lang", [None, "", "de"])
def test_a_page_without_its_language_fails_instead_of_printing_english(lang):
    with pytest.raises(ValueError, match="no date format for language"):
        timeformat.day_label(date(2020, 9, 22), lang)


# --- marking Korean on English pages --------------------------------------------------------

def test_korean_runs_on_english_pages_are_marked_and_nothing_else_changes():
    from ssc_forum.langmark import mark_korean

    page = ('<!DOCTYPE html><html lang="en"><head><title>Seoul On (서울온)</title>'
            '<script type="application/ld+json">{"name": "서울온"}</script></head><body>'
            '<p class=x>At Seoul On (서울온) &amp; the sentence “포용적 스마트시티는 ○○○다.”<br>'
            '<a href="/" lang="ko">한국어</a><img alt="서울" src="a.png"></p><!-- 주석 --></body></html>')
    marked, count = mark_korean(page)
    assert count == 2
    assert marked == page.replace(
        "(서울온) &amp;", '(<span lang="ko">서울온</span>) &amp;').replace(
        "“포용적 스마트시티는 ○○○다.”", '“<span lang="ko">포용적 스마트시티는 ○○○다</span>.”')


def test_english_pages_mark_the_korean_they_quote(site):
    venue = soup(site / "en" / "venue" / "index.html")
    assert "서울온" in [span.get_text() for span in venue.select('main span[lang="ko"]')]
    assert soup(site / "venue" / "index.html").select('main span[lang="ko"]') == [], "Korean pages are left alone"
