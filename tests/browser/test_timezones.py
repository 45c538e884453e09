"""In a real browser: switching times to the visitor's zone and back, live state, the video facade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from .browser_support import SUBPATH, Site, build_site, serve


def times_of(page, selector: str = "#day-1 .agenda-when time") -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def main_text(page) -> str:
    """What the page shows (the switch's own button label aside, which names the event's zone on purpose)."""
    return page.evaluate("""() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('[data-tz-switch] button, script').forEach(el => el.remove());
        return clone.innerText;
    }""")


def test_switching_to_the_visitor_zone_and_back(root_site, open_page):
    # Honolulu is 19 hours behind Seoul: 16:00 on 22 September in Seoul is 21:00 on the 21st there,
    # so every time of the first day wraps to the day before and must say so.
    visit = open_page(root_site.url("/timetable/", "en"), timezone_id="Pacific/Honolulu", locale="en-GB")
    page = visit.page
    assert times_of(page) == ["16:00", "18:00"]
    status = page.locator("[data-tz-status]").first
    assert "Korea Standard Time (KST, UTC+09:00)" in status.inner_text()
    button = page.locator("[data-tz-switch] button").first
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"

    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert times_of(page) == ["Mon 21 Sept 21:00", "Mon 21 Sept 23:00"]
    assert page.locator("#day-1 .day-date time").inner_text() == "Monday 21 September 2020"
    assert "Hawaii" in status.inner_text() and "Pacific/Honolulu" in status.inner_text()
    assert page.locator("#day-1 .agenda-when [data-tz-abbr]").first.inner_text() in ("HST", "GMT-10")

    page.reload()
    assert times_of(page) == ["Mon 21 Sept 21:00", "Mon 21 Sept 23:00"], "the choice is remembered"

    page.locator("[data-tz-switch] button").first.click()
    assert times_of(page) == ["16:00", "18:00"]
    assert page.locator("#day-1 .agenda-when [data-tz-abbr]").first.inner_text() == "KST"
    assert visit.console_errors == []


@pytest.mark.parametrize(
    ("lang", "zone", "locale", "long_name", "short_names"),
    [
        # September 2020 was summer time in London and New York, whatever today's date is.
        ("en", "Europe/London", "en-GB", "British Summer Time", ("BST", "GMT+1")),
        ("ko", "Europe/London", "ko-KR", "영국 하계 표준시", ("GMT+1",)),
        ("en", "America/New_York", "en-GB", "Eastern Daylight Time", ("EDT", "GMT-4")),
        ("ko", "America/New_York", "ko-KR", "북미 동부 하계 표준시", ("GMT-4", "EDT")),
    ],
)
def test_the_zone_is_named_as_it_was_on_the_date_shown(
    root_site, open_page, lang, zone, locale, long_name, short_names
):
    visit = open_page(root_site.url("/timetable/", lang), timezone_id=zone, locale=locale)
    page = visit.page
    event_footer = page.locator(".tz-note").inner_text()
    page.locator("[data-tz-switch] button").first.click()
    status = page.locator("[data-tz-status]").first.inner_text()
    assert long_name in status and zone in status, status
    assert any(f"{short}, {zone})" in status for short in short_names), status
    # Every caption, label and footer line agrees with the zone in use: nothing says KST any more.
    shown = main_text(page)
    for event_word in ("KST", "Korea Standard Time", "한국 표준시", "UTC+09:00"):
        assert event_word not in shown, f"{event_word!r} still shown after switching to {zone}"
    assert long_name in page.locator(".tz-note").inner_text()
    abbrs = page.locator("[data-tz-abbr]").all_inner_texts()
    assert abbrs and all(a in short_names for a in abbrs), abbrs
    page.locator("[data-tz-switch] button").first.click()
    assert page.locator(".tz-note").inner_text() == event_footer, "switching back restores the event's zone"
    assert visit.console_errors == []


def test_a_session_page_names_one_zone_after_switching(root_site, open_page):
    visit = open_page(root_site.url("/sessions/keynote/", "en"), timezone_id="Europe/London", locale="en-GB")
    page = visit.page
    page.locator("[data-tz-switch] button").first.click()
    # The session has no time of its own: its day, then the day's block, both in the visitor's zone.
    assert page.locator(".facts dd time").first.inner_text() == "Wednesday 23 September 2020"
    assert page.locator(".facts dd .time-span time").first.inner_text() == "08:00"
    shown = main_text(page)
    assert "KST" not in shown and "Korea Standard Time" not in shown
    assert shown.count("British Summer Time") >= 2, "the status line and the footer"


def test_the_grid_caption_follows_the_zone(video_site, open_page):
    visit = open_page(video_site.url("/timetable/", "en"), timezone_id="Europe/London", locale="en-GB")
    page = visit.page
    caption = page.locator("#day-1 table caption")
    assert caption.inner_text().endswith("in Korea Standard Time.")
    page.locator("[data-tz-switch] button").first.click()
    assert caption.inner_text().endswith("in British Summer Time.")
    assert page.locator("#day-1 tbody th.slot time").first.inner_text() == "08:00"
    page.locator("[data-tz-switch] button").first.click()
    assert caption.inner_text().endswith("in Korea Standard Time.")


def test_a_visitor_in_seoul_stays_in_korea_standard_time(root_site, open_page):
    # Asia/Seoul has had no summer time since 1988: the visitor's zone is the event's.
    visit = open_page(root_site.url("/timetable/", "en"), timezone_id="Asia/Seoul", locale="en-GB")
    page = visit.page
    page.locator("[data-tz-switch] button").first.click()
    assert times_of(page) == ["16:00", "18:00"]
    assert page.locator("#day-1 .agenda-when [data-tz-abbr]").first.inner_text() == "KST"
    assert "Korea Standard Time (KST, UTC+09:00)" in page.locator(".tz-note").inner_text()


def test_korean_dates_keep_the_weekday_in_parentheses(root_site, open_page):
    visit = open_page(root_site.url("/timetable/", "ko"), timezone_id="Pacific/Honolulu", locale="ko-KR")
    page = visit.page
    page.locator("[data-tz-switch] button").first.click()
    assert page.locator("#day-1 .day-date time").inner_text() == "2020년 9월 21일(월)"
    assert times_of(page) == ["9월 21일(월) 21:00", "9월 21일(월) 23:00"]


def test_korean_page_in_a_zone_east_of_seoul(root_site, open_page):
    visit = open_page(root_site.url("/sessions/keynote/", "ko"), timezone_id="Pacific/Auckland", locale="ko-KR")
    page = visit.page
    page.locator("[data-tz-switch] button").first.click()
    # 16:00 KST on 23 September is 19:00 NZST the same day: the long date form keeps the day.
    assert page.locator(".facts dd time").first.inner_text() == "2020년 9월 23일(수)"
    assert page.locator(".facts dd .time-span time").first.inner_text() == "19:00"


@pytest.fixture(scope="module")
def before_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture programme built before the event (streams and live state, no recordings)."""
    from fixture_site import write_fixture_site

    base = tmp_path_factory.mktemp("before-site")
    content = write_fixture_site(base)
    output = base / "output"
    build_site(
        output,
        SUBPATH,
        PATH=str(content),
        FORUM={"phase": "before", "home_url": "https://example.org/forum", "programme": "programme.toml"},
        PLUGINS=["pelican.plugins.i18n_subsites", "ssc_forum"],
    )
    server, origin = serve(output, SUBPATH)
    try:
        yield Site(name="before", output=output, origin=origin, prefix=SUBPATH)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2020, 9, 22, 6, 0, tzinfo=UTC), "Starts in 1 hour"),
        (datetime(2020, 9, 22, 7, 5, tzinfo=UTC), "Live now"),
        (datetime(2020, 9, 25, 0, 0, tzinfo=UTC), None),
    ],
)
def test_live_state_is_computed_in_the_browser(before_site, browser, now, expected):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.clock.install(time=now)
        page.goto(before_site.url("/sessions/opening/", "en"))
        state = page.locator(".session-media .live-state")
        if expected is None:
            assert state.is_hidden(), "after the session the badge stays hidden"
        else:
            assert state.is_visible()
            assert state.inner_text() == expected
    finally:
        context.close()


def test_the_video_loads_only_after_a_click(before_site, open_page):
    visit = open_page(before_site.url("/sessions/opening/", "en"), settle=True)
    page = visit.page
    assert page.locator("iframe").count() == 0
    assert visit.outside_requests() == []
    page.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_())
    button = page.locator(".video-play")
    assert button.inner_text().strip() == "Play video: Opening ceremony"
    button.focus()
    page.keyboard.press("Enter")
    frame = page.locator(".video-facade iframe")
    assert frame.count() == 1
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/AAAAAAAAAAA?autoplay=1"
    assert frame.get_attribute("title") == "Opening ceremony"
    assert frame.get_attribute("allow") == "autoplay; encrypted-media; picture-in-picture; fullscreen"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    assert [u for u in visit.outside_requests() if "youtube-nocookie.com" not in u] == []


@pytest.fixture(scope="module")
def japanese_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture programme with a third language, Japanese (tests/fixture_site.py), before the event."""
    from conftest import use_real_languages
    from fixture_site import THREE, three_languages, write_fixture_site

    base = tmp_path_factory.mktemp("japanese-site")
    content = write_fixture_site(base, THREE)
    output = base / "output"
    build_site(
        output,
        SUBPATH,
        PATH=str(content),
        FORUM={"phase": "before", "home_url": "https://example.org/forum", "programme": "programme.toml"},
        PLUGINS=["pelican.plugins.i18n_subsites", "ssc_forum"],
        **three_languages(base),
    )
    use_real_languages()  # the build configured the formatters with its catalogues
    server, origin = serve(output, SUBPATH)
    try:
        yield Site(name="japanese", output=output, origin=origin, prefix=SUBPATH)
    finally:
        server.shutdown()
        server.server_close()


def test_a_third_language_s_times_switch_with_its_own_patterns(japanese_site, open_page):
    # forum.js holds no language: the Japanese page's switch carries the catalogue's patterns and ja-JP.
    url = f"{japanese_site.origin}{SUBPATH}/ja/sessions/opening/"
    visit = open_page(url, timezone_id="Pacific/Honolulu", locale="ja-JP")
    page = visit.page
    when = page.locator('.facts dd time[data-tz="datetime"]').first
    assert when.inner_text() == "2020年9月22日(火) 16:00"
    page.locator("[data-tz-switch] button").first.click()
    assert when.inner_text() == "2020年9月21日(月) 21:00"  # Honolulu, the day before
    status = page.locator("[data-tz-status]").first.inner_text()
    assert "Pacific/Honolulu）" in status and "（" in status, status  # the catalogue's zone label
    page.locator("[data-tz-switch] button").first.click()
    assert when.inner_text() == "2020年9月22日(火) 16:00"
    # (Built without the theme's plugin, the page's fonts are missing: its console is not this test's.)
    assert not [e for e in visit.console_errors if "404" not in e]


def test_a_third_language_s_live_state_uses_its_words(japanese_site, browser):
    context = browser.new_context(locale="ja-JP")
    try:
        page = context.new_page()
        page.clock.install(time=datetime(2020, 9, 22, 6, 0, tzinfo=UTC))
        page.goto(f"{japanese_site.origin}{SUBPATH}/ja/sessions/opening/")
        state = page.locator(".session-media .live-state")
        assert state.is_visible()
        assert state.inner_text() == "開始: 1 時間後"  # the catalogue's words, Intl's Japanese
        page.clock.set_fixed_time(datetime(2020, 9, 22, 7, 5, tzinfo=UTC))
        page.clock.run_for(31_000)
        assert state.inner_text() == "ライブ配信中"
    finally:
        context.close()
