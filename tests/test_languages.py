"""The site's languages come from one table in the settings (`LANGUAGES`): checked, and read by the theme."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from conftest import ROOT, build, run_pelican, soup, use_real_languages
from fixture_site import THREE, three_languages, write_fixture_site
from ssc_forum import languages

KO = {"code": "ko", "name": "한국어", "locale": "ko_KR", "prefix": "", "dir": "ltr"}
EN = {"code": "en", "name": "English", "locale": "en_GB", "prefix": "en", "dir": "ltr"}

# (the table given with -e, the one line the build must print) — each a mistake in pelicanconf.py.
MISTAKES = {
    "a sub-site missing": (
        [KO],
        "pelicanconf.py: field 'LANGUAGES': lists ko, but the site is in ko with the "
        "sub-sites en (DEFAULT_LANG, I18N_SUBSITES)",
    ),
    "direction": ([KO, {**EN, "dir": "up"}], "pelicanconf.py: field 'LANGUAGES[1]': dir 'up' is not one of ltr, rtl"),
    "locale": (
        [KO, {**EN, "locale": "xx_YY"}],
        "pelicanconf.py: field 'LANGUAGES[1]': locale 'xx_YY' is not a locale Babel knows",
    ),
    "main language with a folder": (
        [{**KO, "prefix": "ko"}, EN],
        "pelicanconf.py: field 'LANGUAGES': the main language (the first) has the prefix \"\"",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_wrong_language_table_stops_the_build_with_one_line(tmp_path, case):
    table, expected = MISTAKES[case]
    output = tmp_path / "output"
    result = run_pelican(ROOT / "content", output, "-e", "LANGUAGES=" + json.dumps(table, ensure_ascii=False))
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert expected in log, log
    assert "Traceback" not in log
    assert not output.exists() or not any(output.iterdir()), "something was written"


def test_the_real_table_is_consistent_with_the_sub_sites() -> None:
    from pelican.settings import read_settings

    for name in ("pelicanconf.py", "publishconf.py"):
        settings = read_settings(str(ROOT / name))
        assert languages.problems(settings) == [], name
        assert tuple(lang.code for lang in languages.from_settings(settings)) == ("ko", "en")


def test_the_language_switch_links_every_other_language_of_the_table() -> None:
    # A third language (and one written right to left) is a row of the table: the switch links each
    # language but the page's own, named in its own language, with its direction where it is not ltr.
    table = languages.from_settings(
        {
            "LANGUAGES": [KO, EN, {"code": "ar", "name": "العربية", "locale": "ar", "prefix": "ar", "dir": "rtl"}],
            "DEFAULT_LANG": "ko",
            "I18N_SUBSITES": {"en": {}, "ar": {}},
        }
    )
    env = Environment(
        loader=FileSystemLoader(ROOT / "theme" / "templates"), trim_blocks=True, lstrip_blocks=True, autoescape=True
    )
    urls = {"ko": "", "en": "/en", "ar": "/ar"}
    for lang, expected in (("ko", ["en", "ar"]), ("ar", ["ko", "en"])):
        html = env.get_template("partials/lang_switch.html").render(
            LANGUAGES=table, lang=lang, lang_siteurls=urls, rel_url="speakers/", page_kind="speakers"
        )
        links = BeautifulSoup(html, "html.parser").select("a")
        assert [a["hreflang"] for a in links] == expected
        assert [a["href"] for a in links] == [f"{urls[code]}/speakers/" for code in expected]
        names = {row.code: row.name for row in table}
        assert [a.get_text() for a in links] == [names[code] for code in expected]
        assert [a.get("dir") for a in links] == [("rtl" if code == "ar" else None) for code in expected]


def test_dates_are_written_in_the_locale_of_the_table(real_languages) -> None:
    # The patterns are the catalogues' (Korean writes the weekday in parentheses); the locale a language's
    # dates are formatted in is the table's.
    from pelican.settings import read_settings

    from ssc_forum import timeformat

    for row in languages.from_settings(read_settings(str(ROOT / "pelicanconf.py"))):
        assert timeformat.locale_of(row.code) == row.locale, row.code


def test_korean_is_marked_on_the_pages_of_every_other_language(tmp_path) -> None:
    # Not only on the English site: a Japanese sub-site's pages get their Korean names marked too (WCAG 3.1.2).
    from ssc_forum import langmark

    page = '<!DOCTYPE html><html lang="{lang}"><body><p>Speaker: 이정훈</p></body></html>'
    for lang, marked in (("ja", True), ("en", True), ("ko", False)):
        path = tmp_path / f"{lang}.html"
        path.write_text(page.format(lang=lang), encoding="utf-8")
        langmark.on_content_written(str(path), {"DEFAULT_LANG": lang})
        found = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select('p span[lang="ko"]')
        assert [s.get_text() for s in found] == (["이정훈"] if marked else []), lang


# --- a third language: settings, a catalogue and content --------------------------------------------------

FOLDERS = {"ko": "", "en": "en", "ja": "ja"}


@pytest.fixture(scope="module")
def ja_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture forum in Korean, English and Japanese, built after the event."""
    base = tmp_path_factory.mktemp("three-languages")
    content = write_fixture_site(base, THREE)
    output = build(
        base / "output",
        PATH=str(content),
        FORUM={"phase": "after", "home_url": "https://example.org/forum"},
        **three_languages(base),
    )
    use_real_languages()  # the build configured the formatters for its catalogues: back to the real site's
    return output


def _pages(output: Path, lang: str) -> set[str]:
    """The HTML pages of one language's site, relative to its folder (the others' folders left out)."""
    root = output / FOLDERS[lang]
    others = {FOLDERS[code] for code in THREE if FOLDERS[code] and code != lang}
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if p.relative_to(root).parts[0] not in others | {"admin", "pagefind", "theme"}
    }


def test_every_page_of_the_main_site_has_its_japanese_twin(ja_site: Path) -> None:
    korean, japanese = _pages(ja_site, "ko"), _pages(ja_site, "ja")
    kinds = {"index.html", "timetable/index.html", "sessions/index.html", "speakers/index.html", "cases/index.html"}
    kinds |= {"sessions/keynote/index.html", "speakers/chen-wei/index.html", "cases/helsinki/index.html"}
    kinds |= {"about/index.html", "news/index.html", "news/fixture-news/index.html", "search/index.html", "404.html"}
    assert kinds <= korean, sorted(kinds - korean)
    assert japanese == korean == _pages(ja_site, "en"), sorted(korean ^ japanese)
    for rel in sorted(japanese):
        doc = soup(ja_site / "ja" / rel)
        assert doc.html["lang"] == "ja", rel
        assert doc.find("meta", property="og:locale")["content"] == "ja_JP", rel


def test_japanese_pages_speak_japanese_from_the_catalogue_and_babel(ja_site: Path) -> None:
    session = soup(ja_site / "ja" / "sessions" / "opening" / "index.html")
    assert session.h1.get_text(strip=True) == "開会式"
    # The catalogue's patterns and separator, Babel's Japanese weekday.
    assert session.select_one('time[data-tz="datetime"]').get_text() == "2020年9月22日(火) 16:00"
    home = soup(ja_site / "ja" / "index.html")
    assert "2020年9月22日(火)～23日(水)" in home.get_text(), "the forum's dates, one span"
    assert "プログラム" in home.header.get_text(), "the catalogue's word in the menu"
    # The zone: the catalogue has no Japanese for "Korea Standard Time", so CLDR's name stays.
    assert "韓国標準時（KST、UTC+09:00）" in session.get_text()
    switch = session.select_one("[data-tz-switch]")
    assert (switch["data-locale"], switch["data-day"], switch["data-zone-label"]) == (
        "ja-JP",
        "y年M月d日(E)",
        "{name}（{abbr}、{offset}）",
    )
    # What the catalogue does not translate stays as the templates write it, in English.
    assert soup(ja_site / "ja" / "speakers" / "index.html").h1.get_text(strip=True) == "登壇者"


def test_the_language_switch_of_every_page_links_the_two_other_languages(ja_site: Path) -> None:
    names = {"ko": "한국어", "en": "English", "ja": "日本語"}
    for lang in THREE:
        for rel in sorted(_pages(ja_site, lang)):
            links = soup(ja_site / FOLDERS[lang] / rel).select(".lang-switch a")
            others = [code for code in THREE if code != lang]
            assert [a["hreflang"] for a in links] == others, (lang, rel)
            assert [a.get_text() for a in links] == [names[code] for code in others], (lang, rel)
            target = "404.html" if rel.endswith("404.html") else rel.removesuffix("index.html")
            prefixes = {code: f"/{FOLDERS[code]}" if FOLDERS[code] else "" for code in others}
            assert [a["href"] for a in links] == [f"{prefixes[code]}/{target}" for code in others], (lang, rel)


def test_alternates_name_all_three_languages(ja_site: Path) -> None:
    for lang in THREE:
        doc = soup(ja_site / FOLDERS[lang] / "sessions" / "keynote" / "index.html")
        alternates = {link["hreflang"]: link["href"] for link in doc.select('link[rel="alternate"][hreflang]')}
        assert alternates == {
            "ko": "/sessions/keynote/",
            "en": "/en/sessions/keynote/",
            "ja": "/ja/sessions/keynote/",
            "x-default": "/sessions/keynote/",
        }, lang


def test_the_exports_are_written_for_japanese(ja_site: Path) -> None:
    from icalendar import Calendar

    ja = ja_site / "ja"
    for name in ("schedule.json", "schedule.xml", "schedule.ics", "sessions/closing/closing.ics"):
        assert (ja / name).is_file(), name
    schedule = json.loads((ja / "schedule.json").read_text(encoding="utf-8"))
    events = [e for day in schedule["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    titles = {e["slug"].split("-", 2)[-1]: e["title"] for e in events}
    assert titles["opening"] == "開会式"
    assert all(e["url"].startswith("https://example.org/forum/ja/") for e in events)
    (closing,) = Calendar.from_ical((ja / "sessions" / "closing" / "closing.ics").read_bytes()).walk("VEVENT")
    # The catalogue's note on times, with the day's block and CLDR's name of the zone.
    assert "その日のプログラム全体の時間（16:00～19:00、韓国標準時）" in str(closing["DESCRIPTION"])
    ld = [json.loads(s.string) for s in soup(ja / "index.html").find_all("script", type="application/ld+json")]
    (event,) = [d for d in ld if d.get("@type") == "Event"]
    assert event["inLanguage"] == "ja"
    assert [o["name"] for o in event["organizer"]] == ["ソウル特別市", "ソウルデジタル財団"], (
        "the sub-site's ORGANISERS"
    )


def test_the_content_check_takes_its_languages_from_the_table(tmp_path: Path) -> None:
    from pelican.settings import read_settings

    from ssc_forum.content import find_problems

    content = write_fixture_site(tmp_path, THREE)
    three = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **three_languages(tmp_path)})
    assert [str(p) for p in find_problems(three)] == []
    # With the real table (ko, en) the Japanese files are refused, each with one line naming file and line.
    two = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    found = [str(p) for p in find_problems(two)]
    assert "content/sessions/opening.ja.md:3: field 'lang': 'ja' is not one of: ko, en" in found, found
    assert all(".ja.md:" in line or "programme.toml" in line for line in found), found
    # And a Japanese twin missing is named, as the Korean or English one would be.
    (content / "speakers" / "chen-wei.ja.md").unlink()
    missing = [str(p) for p in find_problems(three)]
    assert missing[0] == (
        "content/speakers/chen-wei.ko.md:3: field 'lang': has no translation twin in 'ja' "
        "(a file with Slug: chen-wei and Lang: ja)"
    ), missing
    # The Japanese sessions that name the speaker now name someone the Japanese site does not have.
    assert all(".ja.md:" in line and "refers to speaker 'chen-wei'" in line for line in missing[1:]), missing


def test_each_twin_is_held_to_the_main_language_s_shared_fields(tmp_path: Path) -> None:
    # Three twins: the Japanese file disagreeing with the other two on a shared field is named once.
    from pelican.settings import read_settings

    from ssc_forum.content import find_problems

    content = write_fixture_site(tmp_path, THREE)
    ja = content / "sessions" / "opening.ja.md"
    ja.write_text(ja.read_text(encoding="utf-8").replace("Order: 1", "Order: 2"), encoding="utf-8")
    os.utime(ja, ns=(ja.stat().st_atime_ns, ja.stat().st_mtime_ns + 10**9))  # saved last
    three = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **three_languages(tmp_path)})
    found = [str(p) for p in find_problems(three) if "in its twin" in str(p)]
    assert len(found) == 1 and found[0].startswith("content/sessions/opening.ja.md:6: field 'order': is 2"), found
    assert "in its twin content/sessions/opening.ko.md" in found[0], found


def test_a_page_is_indexed_with_the_titles_of_all_its_twins(ja_site: Path) -> None:
    import re

    from ssc_search.indexing import AFTER, PagePreparer

    rel = Path("ja/sessions/opening/index.html")
    html = PagePreparer(ja_site)(rel, (ja_site / rel).read_text(encoding="utf-8"))
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert h1.startswith("開会式") and f"{AFTER}개회식" in h1 and f"{AFTER}Opening {AFTER}ceremony" in h1, h1


def test_a_language_without_its_catalogue_stops_the_build_with_one_line(tmp_path) -> None:
    from pelican.settings import read_settings

    from fixture_site import JA_LANGUAGE, JA_SUBSITE

    real = read_settings(str(ROOT / "pelicanconf.py"))
    table = json.dumps([*real["LANGUAGES"], JA_LANGUAGE], ensure_ascii=False)
    subsites = json.dumps({**real["I18N_SUBSITES"], "ja": JA_SUBSITE}, ensure_ascii=False)
    output = tmp_path / "output"
    result = run_pelican(ROOT / "content", output, "-e", f"LANGUAGES={table}", f"I18N_SUBSITES={subsites}")
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "pelicanconf.py: field 'LANGUAGES[2]': ja has no catalogue of the theme (" in log, log
    assert "`python3 make.py translations` starts one" in log, log
    assert "Traceback" not in log
    assert not output.exists() or not any(output.iterdir()), "something was written"


def test_the_scripts_hold_no_language() -> None:
    # Their words and date patterns come from data-* attributes the templates write from the catalogues.
    import re

    # search.js is left out: it drops Korean particles from Korean query words, an analysis of the language
    # Korean (as the index's Kiwi is), not words of the interface; its messages come from data-* too.
    for name in ("forum.js", "search-results.js"):
        script = (ROOT / "theme" / "static" / "js" / name).read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)  # comments may show examples
        assert not re.search(r"[\uac00-\ud7a3]", code), f"{name}: Korean text in the code"
        assert not re.search(r"""["'](ko|en|ko-KR|en-GB|en-US)["']""", code), f"{name}: a language named in the code"
