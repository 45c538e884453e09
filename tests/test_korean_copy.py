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

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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
    assert found == [], 'Korean text on English pages outside lang="ko":\n' + "\n".join(found)


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
    keynote = {
        lang: soup(site / prefix / "sessions" / "keynote" / "index.html") for lang, prefix in (("ko", ""), ("en", "en"))
    }
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
    assert caption == "Programme of Tuesday 22 September 2020, Leaders Seminar, in Korea Standard Time."
    zone = tables[0].caption.select_one("[data-tz-name]")
    assert zone["data-tz-name"] == "name" and zone["data-tz-ref"] == "2020-09-22T16:00+09:00"


# --- the catalogue ------------------------------------------------------------------------


def catalogue():
    with CATALOGUE.open("rb") as po:
        return [m for m in read_po(po, locale="ko") if m.id]


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize(
    ("wrong", "why"),
    [
        ("달력", "the term is 캘린더"),
        ("쓸 수 없", "사용할 수 없습니다"),
        ("대한민국 표준시", "one term: 한국 표준시"),
        ("이 사람", "impolite; say what is missing"),
        ("녹화 영상", "the term is 다시 보기"),
        ("처음으로", "KRDS says 홈"),
        ("서울 시각", "the term is 한국 표준시"),
        ("한국 시각", "the term is 한국 표준시"),
        ("기록 보관", "the site is 아카이브"),
        ("누리집", "a homepage is 홈페이지"),
    ],
)
def test_catalogue_uses_the_agreed_terms(wrong, why):
    bad = [m.id for m in catalogue() for s in strings(m) if wrong in s]
    assert bad == [], f"{wrong!r} ({why}) in: {bad}"


def test_catalogue_tells_the_city_cases_as_announced():
    # The cases were Day 1's, known only from the announcement: the list says what was to be presented.
    messages = {m.id: m.string for m in catalogue()}
    assert (
        messages["Inclusive smart-city cases announced for the forum."]
        == "포럼에서 발표하기로 한 포용적 스마트도시 사례를 소개합니다."
    )
    assert [m.id for m in catalogue() for s in strings(m) if "발표된" in s] == []


def test_catalogue_says_co_hosted_where_there_were_two_hosts():
    messages = {m.id: m.string for m in catalogue()}
    assert messages["Co-hosted by"] == "공동 주최"  # the identifier's label, before both organisers
    assert not any(isinstance(i, str) and i.startswith("Hosted by") for i in messages)


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


@pytest.mark.parametrize(
    ("start", "end", "ko", "en"),
    [
        (date(2020, 9, 22), date(2020, 9, 23), "2020년 9월 22일(화)~23일(수)", "22–23 September 2020"),
        (date(2020, 9, 30), date(2020, 10, 1), "2020년 9월 30일(수)~10월 1일(목)", "30 September – 1 October 2020"),
        (
            date(2020, 12, 31),
            date(2021, 1, 1),
            "2020년 12월 31일(목)~2021년 1월 1일(금)",
            "31 December 2020 – 1 January 2021",
        ),
        (date(2020, 9, 22), date(2020, 9, 22), "2020년 9월 22일(화)", "Tuesday 22 September 2020"),
    ],
)
def test_date_ranges_say_the_shared_year_and_month_once(real_languages, start, end, ko, en):
    assert timeformat.date_range_label(start, end, "ko") == ko
    assert timeformat.date_range_label(start, end, "en") == en


def test_zone_and_day_labels_per_language(real_languages):
    when = datetime(2020, 9, 22, 16, 0, tzinfo=SEOUL)
    assert timeformat.day_label(when, "ko") == "2020년 9월 22일(화)"
    assert timeformat.short_day_label(when, "ko") == "9월 22일(화)"
    assert timeformat.zone_label(when, "ko") == "한국 표준시(KST, UTC+09:00)"
    assert timeformat.zone_label(when, "en") == "Korea Standard Time (KST, UTC+09:00)"
    assert timeformat.datetime_label(when, "ko") == "2020년 9월 22일(화) 16:00"
    assert timeformat.datetime_label(when, "en") == "Tuesday 22 September 2020, 16:00"
    london = datetime(2020, 9, 22, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    assert timeformat.zone_name(london, "en") == "British Summer Time"


@pytest.mark.parametrize("lang", [None, "", "de"])
def test_a_page_without_its_language_fails_instead_of_printing_english(real_languages, lang):
    with pytest.raises(ValueError, match="no locale for language"):
        timeformat.day_label(date(2020, 9, 22), lang)


# --- marking Korean on English pages --------------------------------------------------------


def test_korean_runs_on_english_pages_are_marked_and_nothing_else_changes():
    from ssc_forum.langmark import mark_korean

    page = (
        '<!DOCTYPE html><html lang="en"><head><title>Seoul On (서울온)</title>'
        '<script type="application/ld+json">{"name": "서울온"}</script></head><body>'
        "<p class=x>At Seoul On (서울온) &amp; the sentence “포용적 스마트시티는 ○○○다.”<br>"
        '<a href="/" lang="ko">한국어</a><img alt="서울" src="a.png"></p><!-- 주석 --></body></html>'
    )
    marked, count = mark_korean(page)
    assert count == 2
    assert marked == page.replace("(서울온) &amp;", '(<span lang="ko">서울온</span>) &amp;').replace(
        "“포용적 스마트시티는 ○○○다.”", '“<span lang="ko">포용적 스마트시티는 ○○○다</span>.”'
    )


def test_english_pages_mark_the_korean_they_quote(site):
    venue = soup(site / "en" / "venue" / "index.html")
    assert "서울온" in [span.get_text() for span in venue.select('main span[lang="ko"]')]
    assert soup(site / "venue" / "index.html").select('main span[lang="ko"]') == [], "Korean pages are left alone"


# --- house terms, word order and quotation marks in what editors write -----------------------

CONTENT = ROOT / "content"
DOCS = ROOT / "docs"
KOREAN_CONTENT = sorted(CONTENT.rglob("*.ko.md"))
KOREAN_DOCS = sorted(DOCS.glob("*.ko.md"))
SINGLE_QUOTED = re.compile(r"‘[^’]*’")
DOUBLE_QUOTED = re.compile(r"“[^”]*”")

# Terms the Korean site settled on, with what was rejected and why (the copy review of December 2026).
REJECTED_KO = [
    ("누리집", "a homepage is 홈페이지"),
    ("기록 보관", "the site is 아카이브"),
    ("이 기록(?=[에이은의을으 ])", "the site is 아카이브"),
    ("녹화 영상", "the term is 다시 보기"),
    ("서울 시각", "the zone is 한국 표준시"),
    ("한국 시각", "the zone is 한국 표준시"),
    ("대한민국 표준시", "the zone is 한국 표준시"),
    ("UTC+9)", "written UTC+09:00, as the pages' own zone labels"),
    ("찾힙니다", "not a standard word: 검색됩니다"),
    ("해외 교포", "the official term is 재외동포"),
    ("오래살기", "띄어쓰기: 오래 살기"),
    ("교원(", "not a job title: 교수"),
]
# Names the press release spelled against the rules for foreign names: allowed only as a quotation of it.
RELEASE_SPELLINGS = ("잉롱", "이안 루디아르토")
# Organisation and position in English order ("교수, 연세대학교") or city before country ("로스앤젤레스, 미국").
ENGLISH_ORDER = re.compile(
    r"(?:교수|부국장|국장|의장|원장|연구원|위원장|책임자|강사), [가-힣A-Z]"
    r"|[가-힣)], (?:대한민국|미국|중국|핀란드|네덜란드|인도네시아|영국|태국)(?![가-힣])"
    r"|(?:대학교|연구소)\((?:중국|미국|인도네시아)\)"
)
# The event's own name is set in 「 」, never in ‘ ’ or bare (a quotation in “ ” keeps its speaker's words).
EVENT_NAME = re.compile(r"(?:20\d\d )?(?:서울 스마트시티 리더스 포럼|서울디지털서밋|서울 스마트시티 서밋)")
# A particle written apart from the word it belongs to (맞춤법 제41항): `invoke check` 는, README 에, Enter 를.
DETACHED_PARTICLE = re.compile(
    r"(?:`|\b[A-Za-z][A-Za-z0-9.+-]*) (?:은|는|이|가|을|를|에|에서|에는|으로|로|와|과|의|처럼|만)(?=[\s,.)]|$)", re.M
)
SPACE_BEFORE_PAREN = re.compile(r"[가-힣`] \((?=[^)]*[가-힣])")


def prose(path: Path) -> str:
    """A Markdown file's words: the front matter's values and the text, without code and addresses."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not prose
    return text


def korean_text(site: Path, path: Path) -> str:
    """A Korean page's main text as read, English runs left out."""
    main = soup(path).find("main")
    for tag in main.find_all(attrs={"lang": "en"}):
        tag.decompose()
    return flat(main)


@pytest.mark.parametrize(("wrong", "why"), REJECTED_KO)
def test_korean_pages_and_guides_keep_the_house_terms(site, wrong, why):
    term = re.compile(wrong if wrong.startswith("이 기록") else re.escape(wrong))
    found = [str(p.relative_to(site)) for p in html_pages(site, "ko") if term.search(korean_text(site, p))]
    found += [
        str(p.relative_to(ROOT)) for p in KOREAN_CONTENT + KOREAN_DOCS if term.search(SINGLE_QUOTED.sub("", prose(p)))
    ]
    assert found == [], f"{wrong!r} ({why}) in: {found}"


def test_the_release_s_misspelt_names_appear_only_as_quotations_of_it(site):
    found = []
    for path in html_pages(site, "ko"):
        text = SINGLE_QUOTED.sub("", korean_text(site, path))
        found += [f"{path.relative_to(site)}: {name}" for name in RELEASE_SPELLINGS if name in text]
    assert found == [], found
    archive = korean_text(site, site / "archive" / "index.html")
    assert "‘잉롱’은 ‘룽잉’으로" in archive and "‘이안 루디아르토’는 ‘이완 루디아르토’로" in archive, "say it once"


def test_korean_affiliations_read_in_korean_order(site):
    assert flat(soup(site / "speakers" / "jung-hoon-lee" / "index.html").select_one(".lead")) == "연세대학교 교수"
    assert flat(soup(site / "en" / "speakers" / "jung-hoon-lee" / "index.html").select_one(".lead")) == (
        "Professor, Yonsei University"
    )
    assert flat(soup(site / "speakers" / "ying-long" / "index.html").select_one(".lead")) == "중국 칭화대학교 교수"
    cards = [flat(c) for c in soup(site / "speakers" / "index.html").select(".card-text")]
    assert "미국 국립표준기술연구소(NIST) 부국장" in cards, cards
    presented = {
        lang: flat(soup(site / prefix / "cases" / "los-angeles" / "index.html").select_one(".facts dd"))
        for lang, prefix in (("ko", ""), ("en", "en"))
    }
    assert presented == {"ko": "미국 로스앤젤레스(LA)", "en": "Los Angeles, United States"}
    found = []
    for path in html_pages(site, "ko"):
        # Where the templates put a person's or a case's affiliation: leads, cards and the facts box.
        for tag in soup(path).select("main .lead, main .card-text, main .card-meta, main .facts dd"):
            found += [f"{path.relative_to(site)}: {m.group(0)!r}" for m in ENGLISH_ORDER.finditer(flat(tag))]
    assert found == [], "English order on Korean pages:\n" + "\n".join(found)


def test_the_event_name_is_set_in_corner_brackets():
    found = []
    for path in KOREAN_CONTENT:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = DOUBLE_QUOTED.sub("", re.sub(r"\]\([^)]*\)", "]", line))
            for m in EVENT_NAME.finditer(line):
                if line[m.start() - 1 : m.start()] != "「" or line[m.end() : m.end() + 1] != "」":
                    found.append(f"{path.relative_to(ROOT)}:{number}: {m.group(0)!r}")
            found += [
                f"{path.relative_to(ROOT)}:{number}: {q!r}" for q in SINGLE_QUOTED.findall(line) if EVENT_NAME.search(q)
            ]
    assert found == [], "the event's name outside 「 」:\n" + "\n".join(found)


@pytest.mark.parametrize("path", KOREAN_CONTENT + KOREAN_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_korean_particles_and_parentheses_are_attached(path):
    text = prose(path)
    text = re.sub(r"^    .*$", "", text, flags=re.M)  # indented code
    found = [m.group(0) for m in DETACHED_PARTICLE.finditer(text)]
    found += [m.group(0) for m in SPACE_BEFORE_PAREN.finditer(text)]
    assert found == [], f"{path.relative_to(ROOT)}: {found}"


# A paragraph of prose ends as a sentence ends; one that stops on a particle was cut off in editing.
SENTENCE_END = re.compile(r"[.?!:)」”’]$|다\.?$|니다$|\]\]$")


def paragraphs(path: Path) -> list[tuple[int, str]]:
    """A Markdown file's body paragraphs (not headings, lists, quotes or tables) with their first line's number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("") + 1  # after the header lines
    found, block, first = [], [], 0
    for number, line in enumerate([*lines[start:], ""], start + 1):
        if line.strip():
            if not block:
                first = number
            block.append(line.strip())
            continue
        if block and not re.match(r"[#>|\-*]|\d+\.|    ", block[0]):
            found.append((first, " ".join(block)))
        block = []
    return found


@pytest.mark.parametrize("path", KOREAN_CONTENT, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_korean_paragraph_ends_a_sentence(path):
    cut = [
        f"{path.relative_to(ROOT)}:{n}: …{text[-30:]!r}"
        for n, text in paragraphs(path)
        if not SENTENCE_END.search(text)
    ]
    assert cut == [], "a paragraph that stops mid-sentence:\n" + "\n".join(cut)


def test_a_cut_off_paragraph_is_caught(tmp_path):
    page = tmp_path / "page.ko.md"
    page.write_text(
        "Title: 예\n\n연사는 보도자료에 적힌 순서로 소개했습니다. 실제 발표 순서와\n\n## 제목\n\n끝난 문장입니다.\n"
    )
    assert [n for n, text in paragraphs(page) if not SENTENCE_END.search(text)] == [3]


def test_a_detached_particle_and_a_spaced_parenthesis_are_caught():
    for wrong in ("설치 방법은 README 에 있습니다", "`invoke check` 는 같은 검사를 합니다", "Enter 를 누르세요"):
        assert DETACHED_PARTICLE.search(wrong), wrong
    assert SPACE_BEFORE_PAREN.search("파일이 있는 날 (content/programme.toml의 날짜)")
    assert not DETACHED_PARTICLE.search("README에 있습니다. Enter를 누르세요. 이 파일은 `a`와 `b`입니다.")


# --- English house terms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wrong", "why"),
    [
        ("Korean Standard Time", "the zone is Korea Standard Time"),
        ("Hosted by", "there were two co-hosts: Co-hosted by"),
        ("Korean speakers", "ambiguous: speakers based in Korea"),
        ("media hub", "the Seoul Metropolitan Government's Media Hub"),
        ("Seoul time", "the zone is Korea Standard Time"),
    ],
)
def test_english_pages_keep_the_house_terms(site, wrong, why):
    found = [str(p.relative_to(site)) for p in html_pages(site, "en") if wrong in flat(soup(p).body)]
    assert found == [], f"{wrong!r} ({why}) in: {found}"


def test_the_footer_names_both_co_hosts(site):
    # The KRDS identifier: the label, then each organiser (its name, or its logo with the name as alt text).
    en = soup(site / "en" / "index.html").find("footer").find(class_="identifier")
    ko = soup(site / "index.html").find("footer").find(class_="identifier")
    assert " ".join(en.get_text(" ").split()) == "Co-hosted by Seoul Metropolitan Government · Seoul Digital Foundation"
    assert " ".join(ko.get_text(" ").split()) == "공동 주최 서울특별시 · 서울디지털재단"


# --- facts: what the sources support, and where they are --------------------------------------

PRESS_RELEASE = "https://smartcity.go.kr/2020/09/18/"
SOURCES = (
    PRESS_RELEASE,
    "http://english.seoul.go.kr/seoul-hosts-2020-seoul-smart-city-leaders-forum/",
    "http://english.seoul.go.kr/seoul-hosts-the-smart-city-summit-conference-2019-to-seek-development/",
    "http://english.seoul.go.kr/2021-seoul-smart-city-week-to-envision-seouls-future-with-digital-leaders/",
    "https://mediahub.seoul.go.kr/archives/1297011",
    "https://www.etnews.com/20200925000101",
    "https://www.newsis.com/view/?id=NISX20200916_0001168186",
    "https://www.asiae.co.kr/article/2020091709503869903",
    "https://www.nist.gov/blogs/taking-measure/improving-quality-life-through-smart-cities-and-internet-things-innovation",
    "https://parkik.snu.ac.kr/?p=2714",
    "https://www.beijingcitylab.com/",
    "https://ft.undip.ac.id/",
)
# A secondary source named on a page is linked on that page: (how a page names it, where its link goes).
CITED = {
    "ko": [
        (re.compile("전자신문"), "https://www.etnews.com/"),
        (re.compile("미디어허브"), "https://mediahub.seoul.go.kr/"),
        (re.compile("뉴시스"), "https://www.newsis.com/"),
        (re.compile("보도자료에 따르면|보도자료에서"), PRESS_RELEASE),
    ],
    "en": [
        (re.compile("etnews"), "https://www.etnews.com/"),
        (re.compile("Media Hub"), "https://mediahub.seoul.go.kr/"),
        (re.compile("Newsis"), "https://www.newsis.com/"),
        (re.compile("According to the press release|in its press release", re.I), PRESS_RELEASE),
    ],
}
# Day one is known only from the announcement: its pages say what was planned, never what happened.
DAY_ONE = (
    "sessions/seminar-part-1-city-cases",
    "sessions/seminar-part-2-talk-concert",
    "cases/the-hague",
    "cases/los-angeles",
    "cases/helsinki",
    "cases/seongdong-gu",
    "cases/sh-corporation",
    "cases/seoul",
    "speakers/jeong-cheol-gyu",
    "speakers/jo-won-hee",
)
EYEWITNESS = {
    "ko": re.compile(
        r"(?:발표|공유|소개|시작|진행|참여|참석|함께)(?:했|하였|되었)습니다"
        r"|맡았습니다|나누었습니다|짚었습니다|꾸며졌습니다"
    ),
    "en": re.compile(r"\b(?:presented|shared|opened|hosted|gave|joined|talked|took part)\b"),
}
UNSUPPORTED = [
    "동료 연구자",
    "collaborators",
    "open to all",
    "도시나 자치구가 아닌",
    "neither a city nor",
    "only one that",
    "a smart-city expert in the United States",
]


def body_of(path: Path) -> BeautifulSoup:
    """The text an editor wrote for a page: its Markdown body, as built (lists have none)."""
    return soup(path).select_one("main .body") or BeautifulSoup("", "html.parser")


def test_the_sources_page_lists_every_source_with_its_address(site):
    outside = {}
    for prefix in ("", "en"):
        links = [a["href"] for a in soup(site / prefix / "archive" / "index.html").select("main a[href]")]
        missing = [s for s in SOURCES if not any(h.startswith(s) for h in links)]
        assert missing == [], f"{prefix or 'ko'} archive page lacks {missing}"
        outside[prefix or "ko"] = sorted(h for h in links if h.startswith("http"))
    assert outside["ko"] == outside["en"], "both languages list the same sources"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_page_that_names_a_source_links_it(site, lang):
    found, bodies = [], 0
    for path in html_pages(site, lang):
        body = body_of(path)
        text = flat(body)
        bodies += bool(text)
        hrefs = [a["href"] for a in body.select("a[href]")]
        for mention, target in CITED[lang]:
            if mention.search(text) and not any(h.startswith(target) for h in hrefs):
                found.append(f"{path.relative_to(site)}: names {mention.pattern!r} without a link to {target}")
    assert bodies > 25, "the pages' bodies were not found"
    assert found == [], "\n".join(found)


def test_the_media_hub_article_is_named_a_student_reporter_s(site):
    for lang, word in (("ko", "학생기자"), ("en", "student reporter")):
        for path in html_pages(site, lang):
            for link in body_of(path).select("a[href^='https://mediahub.seoul.go.kr/archives/1297011']"):
                context = flat(link.find_parent(["p", "li"]))
                assert word in context, f"{path.relative_to(site)}: {context[:120]!r}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_day_one_is_written_as_planned_not_as_seen(site, lang):
    found = []
    for page in DAY_ONE:
        path = site / ("en" if lang == "en" else "") / page / "index.html"
        text = flat(body_of(path))
        assert text, f"{page}: no body found"
        found += [f"{page}: {m.group(0)!r}" for m in EYEWITNESS[lang].finditer(text)]
    assert found == [], "Day one told as an eyewitness account:\n" + "\n".join(found)


def test_no_unsupported_claim_is_made(site):
    found = []
    for lang in ("ko", "en"):
        for path in html_pages(site, lang):
            text = flat(soup(path).find("main"))
            found += [f"{path.relative_to(site)}: {claim!r}" for claim in UNSUPPORTED if claim in text]
    assert found == [], found


def test_no_session_body_gives_a_time_that_was_not_published():
    times = re.compile(r"\b\d{1,2}:\d{2}\b")
    found = []
    for folder in ("sessions", "speakers", "cases"):
        for path in sorted((CONTENT / folder).glob("*.md")):
            body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in times.finditer(body)]
    assert found == [], found


def test_the_2019_edition_is_given_both_names(site):
    for prefix, names in (
        ("", ("서울디지털서밋", "2019 서울 스마트시티 서밋")),
        ("en", ("Seoul Digital Summit", "Seoul Smart City Summit & Conference 2019")),
    ):
        text = flat(soup(site / prefix / "history" / "index.html").find("main"))
        assert all(name in text for name in names), prefix
