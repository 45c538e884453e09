"""The site's identity settings: the organisers as the KRDS identifier, and the licence line, set in pelicanconf.py."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, build, run_pelican, soup

# (extra settings, the one line the build must print) — each a mistake in pelicanconf.py.
MISTAKES = {
    "licence type": (
        ["-e", "KOGL_TYPE=7"],
        "pelicanconf.py: field 'KOGL_TYPE': 7 is not a Korea Open Government License type (1 to 4) or None",
    ),
    "logo from another host": (
        ["-e", "ORGANISERS=" + json.dumps([{"name": "서울특별시", "logo": "https://example.org/logo.svg"}])],
        "pelicanconf.py: field 'ORGANISERS[0]': logo 'https://example.org/logo.svg' must be a file under "
        "theme/static/, not an address or a path outside it",
    ),
    "missing logo": (
        ["-e", "ORGANISERS=" + json.dumps([{"name": "서울특별시", "logo": "img/seoul.png"}])],
        "pelicanconf.py: field 'ORGANISERS[0]': logo 'img/seoul.png' is not a file under theme/static/",
    ),
    "nameless organiser": (
        ["-e", "ORGANISERS=" + json.dumps([{"logo": None}])],
        "pelicanconf.py: field 'ORGANISERS[0]': needs a 'name'",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_wrong_identity_setting_stops_the_build_with_one_line(tmp_path, case):
    extra, expected = MISTAKES[case]
    output = tmp_path / "output"
    result = run_pelican(ROOT / "content", output, *extra)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert expected in log, log
    assert "Traceback" not in log
    assert not output.exists() or not any(output.iterdir()), "something was written"


def test_identifier_as_text_by_default_and_no_licence_until_set(site):
    for rel, names in (
        ("index.html", ["서울특별시", "서울디지털재단"]),
        ("en/index.html", ["Seoul Metropolitan Government", "Seoul Digital Foundation"]),
    ):
        doc = soup(site / rel)
        for where in ("header .identifier", "footer .identifier"):
            assert [n.get_text() for n in doc.select(f"{where} .identifier-name")] == names, where
            assert not doc.select(f"{where} img")
        assert not doc.select("footer .licence")
        assert (
            "cookies" in doc.select_one("footer .footer-privacy").get_text()
            or "쿠키" in doc.select_one("footer .footer-privacy").get_text()
        )


def test_logo_and_licence_when_set(tmp_path):
    out = build(
        tmp_path / "out",
        KOGL_TYPE=1,
        ORGANISERS=[{"name": "서울특별시", "logo": "img/mark.svg"}, {"name": "서울디지털재단", "logo": None}],
    )
    doc = soup(out / "index.html")
    logo = doc.select_one("header .identifier img")
    assert logo["alt"] == "서울특별시" and logo["src"].startswith("/theme/img/mark")
    assert [n.get_text() for n in doc.select("header .identifier-name")] == ["서울디지털재단"]
    licence = doc.select_one("footer .licence a")
    assert licence["href"] == "https://www.kogl.or.kr/info/licenseType1.do"
    assert "공공누리 제1유형(출처표시)" in licence.get_text()
    en = soup(out / "en" / "index.html").select_one("footer .licence a").get_text()
    assert "Korea Open Government License (KOGL), Type 1: attribution" in en
