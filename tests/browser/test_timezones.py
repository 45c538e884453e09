"""In a real browser: switching times to the visitor's zone and back, live state, the video facade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from .browser_support import SUBPATH, Site, build_site, serve


def times_of(page, selector: str = "#day-1 tbody th.slot time") -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_switching_to_the_visitor_zone_and_back(root_site, open_page):
    # Honolulu is 19 hours behind Seoul: 16:00 on 22 September in Seoul is 21:00 on the 21st there,
    # so every time of the first day wraps to the day before and must say so.
    visit = open_page(root_site.url("/timetable/", "en"), timezone_id="Pacific/Honolulu", locale="en-GB")
    page = visit.page
    assert times_of(page) == ["16:00", "18:00"]
    status = page.locator("[data-tz-status]").first
    assert "Korean Standard Time (KST, UTC+09:00)" in status.inner_text()
    button = page.locator("[data-tz-switch] button").first
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"

    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert times_of(page) == ["Mon 21 Sept 21:00", "Mon 21 Sept 23:00"]
    assert "Hawaii" in status.inner_text() and "Pacific/Honolulu" in status.inner_text()
    assert page.locator("#day-1 tbody th.slot [data-tz-abbr]").first.inner_text() in ("HST", "GMT-10")

    page.reload()
    assert times_of(page) == ["Mon 21 Sept 21:00", "Mon 21 Sept 23:00"], "the choice is remembered"

    page.locator("[data-tz-switch] button").first.click()
    assert times_of(page) == ["16:00", "18:00"]
    assert page.locator("#day-1 tbody th.slot [data-tz-abbr]").first.inner_text() == "KST"
    assert visit.console_errors == []


def test_korean_page_in_a_zone_east_of_seoul(root_site, open_page):
    visit = open_page(root_site.url("/sessions/keynote/", "ko"), timezone_id="Pacific/Auckland", locale="ko-KR")
    page = visit.page
    page.locator("[data-tz-switch] button").first.click()
    # 16:00 KST on 23 September is 19:00 NZST the same day: the long date form keeps the day.
    when = page.locator(".facts dd time").first.inner_text()
    assert when.startswith("2020년 9월 23일") and when.endswith("19:00")


@pytest.fixture(scope="module")
def before_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture programme built before the event (streams and live state, no recordings)."""
    from fixture_site import write_fixture_site

    base = tmp_path_factory.mktemp("before-site")
    content = write_fixture_site(base)
    output = base / "output"
    build_site(output, SUBPATH, PATH=str(content),
               FORUM={"phase": "before", "home_url": "https://example.org/forum", "programme": "programme.toml"},
               PLUGINS=["pelican.plugins.i18n_subsites", "ssc_forum"])
    server, origin = serve(output, SUBPATH)
    try:
        yield Site(name="before", output=output, origin=origin, prefix=SUBPATH)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2020, 9, 22, 6, 0, tzinfo=UTC), "Starts in 1 hour"),
    (datetime(2020, 9, 22, 7, 5, tzinfo=UTC), "Live now"),
    (datetime(2020, 9, 25, 0, 0, tzinfo=UTC), None),
])
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
