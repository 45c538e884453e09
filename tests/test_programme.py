"""The forum plugin on the fixture programme: timetable, streams, recordings, phases, shortcodes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import build, run_pelican, soup
from fixture_site import SESSIONS, TRICKY_TITLE_EN, write_fixture_site

SEOUL = ZoneInfo("Asia/Seoul")


def grid_rows(doc, day_index: int):
    table = doc.select_one(f"#day-{day_index} table")
    return table, table.select("tbody tr")


def test_timetable_is_a_real_table_with_rooms_as_columns(fixture_site):
    doc = soup(fixture_site / "en/timetable/index.html")
    table, rows = grid_rows(doc, 1)
    assert table.caption.get_text(strip=True).startswith("Programme of Tuesday 22 September 2020")
    head = [th.get_text(strip=True) for th in table.select("thead th")]
    assert head == ["Time", "Main stage", "Side room"]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    # Rows are the time boundaries of the day: 16:00, 16:20, 16:30, 17:00, 17:10.
    starts = [row.th.find("time")["datetime"][11:16] for row in rows]
    assert starts == ["16:00", "16:20", "16:30", "17:00", "17:10"]
    assert all(row.th["scope"] == "row" for row in rows)
    # city-cases (16:20-17:10) spans three rows in the main room; the side-room lab sits beside it.
    cell = next(td for td in table.select("td") if td.find("a", href="/en/sessions/city-cases/"))
    assert cell["rowspan"] == "3"
    lab_row = rows[2]
    cells = lab_row.find_all("td")
    assert len(cells) == 1 and cells[0].find("a", href="/en/sessions/smart-seoul-lab/")
    # Each session repeats its own time inside its cell, for screen readers and narrow screens.
    assert [t["datetime"][11:16] for t in cell.select(".tt-when time")] == ["16:20", "17:10"]


def test_every_session_is_linked_from_the_timetable_in_both_languages(fixture_site):
    for prefix in ("", "en/"):
        doc = soup(fixture_site / prefix / "timetable/index.html")
        hrefs = {a["href"] for a in doc.select(".timetable a")}
        for s in SESSIONS:
            assert f"/{prefix}sessions/{s['slug']}/" in hrefs


def test_a_session_without_published_times_shows_its_block_and_order(fixture_site):
    doc = soup(fixture_site / "en/timetable/index.html")
    _, rows = grid_rows(doc, 2)
    block = rows[-1]  # closing comes last in its day, so its block row follows the timed rows
    assert "block-row" in block["class"]
    assert [t["datetime"] for t in block.th.select("time")] == ["2020-09-23T16:00+09:00", "2020-09-23T19:00+09:00"]
    assert block.find("a", href="/en/sessions/closing/")
    assert "not published" in block.get_text()
    page = soup(fixture_site / "en/sessions/closing/index.html")
    when = page.select_one(".facts dd")
    # The day's block of time; that the running order is all that is known is said once, about the archive.
    # Its day, its place in the day's running order, within the day's block of time.
    assert [t["datetime"] for t in when.select(".time-span time")] == [
        "2020-09-23T16:00+09:00",
        "2020-09-23T19:00+09:00",
    ]
    assert "in the running order, within" in when.get_text()
    assert "not published" not in when.get_text()


def test_titles_with_markup_characters_are_escaped_in_the_timetable(fixture_site):
    raw = (fixture_site / "en/timetable/index.html").read_text(encoding="utf-8")
    assert "Cities &lt;for&gt; all &amp; &#34;everyone&#34;" in raw
    assert soup(fixture_site / "en/sessions/keynote/index.html").h1.get_text() == TRICKY_TITLE_EN


def test_after_the_event_a_recording_shows_at_its_offset(fixture_site):
    doc = soup(fixture_site / "en/sessions/talk-concert/index.html")
    facade = doc.select_one(".session-media .video-facade")
    assert facade["data-embed"] == "https://www.youtube-nocookie.com/embed/BBBBBBBBBBB?autoplay=1&start=3723"
    link = facade.select_one("figcaption a")
    assert link["href"] == "https://www.youtube.com/watch?v=BBBBBBBBBBB&t=3723s"
    assert "1:02:03" in facade.get_text()
    button = facade.select_one("button.video-play")
    assert button.has_attr("hidden") and "Play video: Smart citizen talk concert" in button.get_text(" ", strip=True)
    assert not doc.find("iframe"), "no iframe before a click"
    assert doc.select_one(".session-media h2").get_text() == "Recording"


def test_after_the_event_without_a_recording_says_nothing_of_it(fixture_site):
    # What was not published is said once (the archive's sources page), not on every session page.
    for prefix in ("en/", ""):
        doc = soup(fixture_site / prefix / "sessions/opening/index.html")
        assert not doc.select(".no-recording") and not doc.select(".session-media")
        assert not doc.select(".live-state"), "an archived page has no live badge"


@pytest.fixture(scope="module")
def before_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("before")
    content = write_fixture_site(base)
    (content / "pages" / "watch.en.md").write_text(
        "Title: Watch\nSlug: watch\nLang: en\n\n## Day two\n\n[[timetable day=2020-09-23]]\n\n"
        "[[stream youtube:DDDDDDDDDDD]]\n\n[[stream link:https://tv.example.org/live]]\n",
        encoding="utf-8",
    )
    (content / "pages" / "watch.ko.md").write_text(
        "Title: 시청\nSlug: watch\nLang: ko\n\n[[timetable]]\n", encoding="utf-8"
    )
    return build(base / "output", PATH=str(content), FORUM={"phase": "before"})


def test_before_the_event_streams_show_with_a_hidden_live_state(before_site):
    doc = soup(before_site / "en/sessions/opening/index.html")
    state = doc.select_one(".session-media .live-state")
    assert state.has_attr("hidden"), "hidden by default: the browser decides from the baked times"
    assert (state["data-start"], state["data-end"]) == ("2020-09-22T16:00+09:00", "2020-09-22T16:20+09:00")
    facade = doc.select_one(".session-media .video-facade")
    assert facade["data-embed"].startswith("https://www.youtube-nocookie.com/embed/AAAAAAAAAAA?")
    assert doc.select_one(".session-media h2").get_text() == "Live stream"
    # A session without its own stream uses its room's.
    lab = soup(before_site / "en/sessions/smart-seoul-lab/index.html")
    assert lab.select_one(".video-facade")["data-embed"].startswith(
        "https://www.youtube-nocookie.com/embed/CCCCCCCCCCC"
    )


def test_shortcodes_place_a_day_of_the_timetable_and_streams_in_a_page(before_site):
    doc = soup(before_site / "en/watch/index.html")
    days = [section["id"] for section in doc.select(".body .timetable-day")]
    assert days == ["day-2"]
    embeds = [f["data-embed"] for f in doc.select(".body .video-facade")]
    assert embeds == ["https://www.youtube-nocookie.com/embed/DDDDDDDDDDD?autoplay=1"]
    link = doc.select_one(".body .media-link a")
    assert link["href"] == "https://tv.example.org/live"
    assert "[[" not in doc.get_text()
    ko = soup(before_site / "watch/index.html")
    assert [s["id"] for s in ko.select(".body .timetable-day")] == ["day-1", "day-2"]
    assert ko.select_one(".body table caption").get_text(strip=True).startswith("2020년 9월 22일(화)")


def test_a_timetable_shortcode_for_a_missing_day_stops_the_build(tmp_path):
    content = write_fixture_site(tmp_path)
    page = content / "pages" / "about.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[[timetable day=2021-01-01]]\n", encoding="utf-8")
    result = run_pelican(content, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(
        r"content/pages/about\.en\.md:\d+: \[\[timetable day=2021-01-01\]\]: no such day in the "
        r"programme \(2020-09-22, 2020-09-23\)",
        result.stderr,
    ), result.stderr


def test_phase_follows_the_clock_unless_forced():
    from ssc_forum.model import decide_phase

    start = datetime(2020, 9, 22, 16, tzinfo=SEOUL)
    end = datetime(2020, 9, 23, 19, tzinfo=SEOUL)
    assert decide_phase(start, end, datetime(2020, 9, 22, 6, 59, tzinfo=ZoneInfo("UTC")), None) == "before"
    assert decide_phase(start, end, datetime(2020, 9, 22, 7, 0, tzinfo=ZoneInfo("UTC")), None) == "during"
    assert decide_phase(start, end, datetime(2020, 9, 23, 10, 0, tzinfo=ZoneInfo("UTC")), None) == "after"
    assert decide_phase(start, end, datetime(2030, 1, 1, tzinfo=SEOUL), "before") == "before"


def test_phase_during_is_decided_from_the_clock_setting(tmp_path):
    content = write_fixture_site(tmp_path)
    during = datetime(2020, 9, 22, 16, 30, tzinfo=SEOUL)
    out = build(tmp_path / "out", PATH=str(content), FORUM={"now": during})
    doc = soup(out / "en/sessions/talk-concert/index.html")
    assert doc.select_one(".session-media h2").get_text() == "Live stream"
    assert doc.select_one(".live-state").has_attr("hidden")


def test_media_values_are_parsed_and_checked():
    from ssc_forum.streams import MediaError, parse_media

    rec = parse_media("youtube:BBBBBBBBBBB@1h02m03s", recording=True)
    assert (rec.id, rec.start) == ("BBBBBBBBBBB", 3723)
    assert parse_media("youtube:BBBBBBBBBBB@90", recording=True).start == 90
    assert parse_media("link:https://tv.seoul.go.kr/x").watch_url == "https://tv.seoul.go.kr/x"
    for bad, message in (
        ("youtube:abc", "is not a YouTube video id"),
        ("vimeo:123", "unknown provider"),
        ("link:http://insecure.example", "is not an https:// address"),
        ("youtube:BBBBBBBBBBB@1h02m03s", "only a recording"),
        ("AAAAAAAAAAA", "provider:id"),
    ):
        with pytest.raises(MediaError, match=message):
            parse_media(bad)


def test_times_carry_their_instant_and_the_zone_is_named(fixture_site):
    doc = soup(fixture_site / "timetable/index.html")
    times = doc.select("time[data-tz]")
    assert times and all(t["datetime"].endswith("+09:00") for t in times if t["data-tz"] != "day")
    status = doc.select_one("[data-tz-status]").get_text(strip=True)
    assert status.startswith("모든 시각은 행사 기준 시간대인 한국 표준시(KST")
    switch = doc.select_one("[data-tz-switch]")
    assert switch.has_attr("hidden"), "the switch needs JavaScript, so it starts hidden"
