"""Editors' mistakes stop the build with one line per problem, naming file and field, and write nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import build, copy_content, run_pelican


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert count == 1, f"{pattern!r} not found in {path}"
    path.write_text(new, encoding="utf-8")


def s(content: Path, slug: str, lang: str = "en") -> Path:
    return content / "sessions" / f"{slug}.{lang}.md"


CASES = {
    "missing required field": (
        lambda c: edit(s(c, "keynote"), r"^Kind: .*\n", ""),
        [
            "sessions/keynote.en.md:9: field 'kind': is required but missing: "
            "add the line 'Kind: …' above the first blank line"
        ],
    ),
    "unknown field": (
        lambda c: edit(s(c, "keynote"), r"^Kind: ", "Colour: blue\nKind: "),
        ["sessions/keynote.en.md:7: field 'colour': is not a field of this content type"],
    ),
    "reference to nothing": (
        lambda c: edit(s(c, "keynote"), r"^Speakers: .*$", "Speakers: sokwoo-rhee, nobody-here"),
        [
            "sessions/keynote.en.md:9: field 'speakers': refers to speaker 'nobody-here', which does not exist "
            "(fernando-vilarino, in-kwon-park, iwan-rudiarto, jeong-cheol-gyu, jo-won-hee, jung-hoon-lee, sokwoo-rhee, "
            "ying-long)"
        ],
    ),
    "malformed slug": (
        lambda c: edit(s(c, "keynote"), r"^Speakers: .*$", "Speakers: Sokwoo Rhee"),
        ["sessions/keynote.en.md:9: field 'speakers': 'Sokwoo Rhee' is not a slug"],
    ),
    "duplicate slug": (
        lambda c: (c / "sessions" / "keynote-copy.en.md").write_text(
            s(c, "keynote").read_text(encoding="utf-8"), encoding="utf-8"
        ),
        [
            "content/sessions/keynote.en.md:2: field 'slug': 'keynote' is already used by "
            "content/sessions/keynote-copy.en.md in the same language"
        ],
    ),
    "malformed date": (
        lambda c: edit(s(c, "keynote"), r"^Day: .*$", "Day: 23/09/2020"),
        ["sessions/keynote.en.md:5: field 'day': '23/09/2020' is not a date written YYYY-MM-DD"],
    ),
    "date that is no day of the programme": (
        lambda c: edit(s(c, "keynote"), r"^Day: .*$", "Day: 2020-09-24"),
        ["sessions/keynote.en.md:5: field 'day': 2020-09-24 is not a day of the programme (2020-09-22, 2020-09-23)"],
    ),
    "malformed time": (
        lambda c: edit(s(c, "keynote"), r"^Day: (.*)$", r"Day: \1\nStart: 4pm\nEnd: 17:00"),
        ["sessions/keynote.en.md:6: field 'start': '4pm' is not a time written HH:MM"],
    ),
    "session outside its day": (
        lambda c: edit(s(c, "keynote"), r"^Day: (.*)$", r"Day: \1\nStart: 18:30\nEnd: 19:30"),
        ["sessions/keynote.en.md:6: field 'start': 18:30-19:30 is outside its day (16:00-19:00)"],
    ),
    "overlap in the same room": (
        lambda c: (
            edit(s(c, "keynote"), r"^Day: (.*)$", r"Day: \1\nStart: 16:00\nEnd: 17:00"),
            edit(s(c, "session-1-big-data"), r"^Day: (.*)$", r"Day: \1\nStart: 16:30\nEnd: 17:30"),
        ),
        [
            "sessions/session-1-big-data.en.md:6: field 'start': overlaps content/sessions/keynote.en.md "
            "in room 'seoul-on'"
        ],
    ),
    "case and session disagree": (
        lambda c: edit(c / "cases" / "helsinki.en.md", r"^Session: .*$", "Session: keynote"),
        [
            "content/cases/helsinki.en.md:7: field 'session': names session 'keynote', but that session's Cases field "
            "does not list 'helsinki' (content/sessions/seminar-part-1-city-cases.en.md lists it)"
        ],
    ),
    "page without its translation twin": (
        lambda c: (c / "pages" / "venue.en.md").unlink(),
        ["pages/venue.ko.md:3: field 'lang': has no translation twin in 'en'"],
    ),
    "unreadable metadata": (
        lambda c: s(c, "keynote").write_bytes(b"Title: \xff\xfe broken\nSlug: keynote\n"),
        ["sessions/keynote.en.md:1: cannot be read: it is not UTF-8 text"],
    ),
    "unknown stream provider": (
        lambda c: edit(s(c, "keynote"), r"^Kind: ", "Streams: vimeo:12345\nKind: "),
        ["sessions/keynote.en.md:7: field 'streams': unknown provider 'vimeo'"],
    ),
    "malformed video id": (
        lambda c: edit(s(c, "keynote"), r"^Kind: ", "Recording: youtube:short\nKind: "),
        ["sessions/keynote.en.md:7: field 'recording': 'short' is not a YouTube video id"],
    ),
    "unknown shortcode": (
        lambda c: (c / "pages" / "about.en.md").write_text(
            (c / "pages" / "about.en.md").read_text(encoding="utf-8") + "\n[[gallery]]\n", encoding="utf-8"
        ),
        ["pages/about.en.md:37: unknown shortcode [[gallery]] (known: stream, timetable)"],
    ),
    "broken programme file": (
        lambda c: (c / "programme.toml").write_text("[[days]]\ndate = 2020-09-22\nstart = '4pm'\n", encoding="utf-8"),
        [
            "programme.toml:3: field 'days[1].start': '4pm' is not a time written HH:MM",
            "programme.toml:1: field 'days[1].end': is required but missing",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mistake_stops_the_build_and_writes_nothing(tmp_path, case):
    content = copy_content(tmp_path)
    mutate, expected = CASES[case]
    mutate(content)
    output = tmp_path / "output"
    result = run_pelican(content, output)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    for line in expected:
        assert line in log, f"expected {line!r} in:\n{log}"
    assert "Traceback" not in log
    assert not output.exists() or not any(output.iterdir()), "something was written"


def test_all_problems_are_reported_at_once(tmp_path):
    content = copy_content(tmp_path)
    edit(s(content, "keynote"), r"^Kind: .*\n", "")
    edit(s(content, "session-1-big-data"), r"^Day: .*$", "Day: 2020-9-23")
    edit(content / "speakers" / "ying-long.ko.md", r"^Affiliation: ", "Website: x\nAffiliation: ")
    (content / "pages" / "venue.en.md").unlink()
    result = run_pelican(content, tmp_path / "output")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "4 problem(s) in the content; nothing was written" in log
    for line in (
        "sessions/keynote.en.md:9: field 'kind'",
        "sessions/session-1-big-data.en.md:5: field 'day'",
        "speakers/ying-long.ko.md:5: field 'website'",
        "pages/venue.ko.md:3: field 'lang'",
    ):
        assert line in log


def test_a_good_build_after_a_failed_one_in_the_same_process(tmp_path):
    from pelican import Pelican  # noqa: F401 - the in-process path used by regenerate and livereload

    from ssc_forum.problems import ContentError

    content = copy_content(tmp_path)
    edit(s(content, "keynote"), r"^Kind: .*\n", "")
    with pytest.raises(ContentError):
        build(tmp_path / "bad", PATH=str(content))
    edit(s(content, "keynote"), r"^Order: ", "Kind: keynote\nOrder: ")
    out = build(tmp_path / "good", PATH=str(content))
    assert (out / "en" / "sessions" / "keynote" / "index.html").is_file()


def test_check_content_reports_without_building(tmp_path):
    from pelican.settings import read_settings

    from conftest import ROOT
    from ssc_forum.content import check_content

    content = copy_content(tmp_path)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    assert check_content(settings) == []
    edit(s(content, "keynote"), r"^Day: .*$", "Day: tomorrow")
    assert check_content(settings) == [
        "content/sessions/keynote.en.md:5: field 'day': 'tomorrow' is not a date written YYYY-MM-DD"
    ]


def test_files_the_build_would_skip_are_reported(tmp_path):
    content = copy_content(tmp_path)
    (content / "session").mkdir()
    (content / "session" / "talk.en.md").write_text("Title: x\n", encoding="utf-8")
    (content / "sessions" / "notes.en.txt").write_text("Title: x\n", encoding="utf-8")
    (content / "keynote.en.md").write_text("Title: x\n", encoding="utf-8")
    result = run_pelican(content, tmp_path / "output")
    assert result.returncode != 0
    for line in (
        "content/session: is not a content folder, so nothing in it is published",
        "content/sessions/notes.en.txt: is not a Markdown file ending in .md",
        "content/keynote.en.md: is not in a content folder",
    ):
        assert line in result.stderr
