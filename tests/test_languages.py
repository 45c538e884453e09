"""The site's languages come from one table in the settings (`LANGUAGES`): checked, and read by the theme."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from conftest import ROOT, run_pelican
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
