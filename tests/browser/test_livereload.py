"""The live preview in Chromium: a save reloads the open page; a saved mistake is a dialog over the last good page.

The preview runs as an editor starts it (`invoke livereload`, its own process) on a copy of the
real content, with an editor's environment (no locale set: the messages are in Korean); the tests
save files in that copy while a page is open.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from preview_helpers import PreviewProcess, copy_content, editor_environment, started

from .browser_support import OpenPage, axe_violations, describe_violations

SESSION = Path("sessions") / "keynote.ko.md"
SESSION_URL = "/sessions/keynote/"
EVENTS = "/__preview/events"
TITLE = {"ko": "저장한 내용에 문제가 있습니다", "en": "What you saved has a problem"}
WRONG_DAY = {
    "ko": "항목 'day': '2020.09.23'은(는) 날짜 형식이 아닙니다. 2020-09-23처럼 연-월-일로 쓰세요",
    "en": "field 'day': '2020.09.23' is not a date written YYYY-MM-DD",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewProcess]:
    """A preview of a copy of the content, its first build done."""
    work = tmp_path_factory.mktemp("livereload-browser")
    preview, events = started(copy_content(work / "content"), work / "output", env=editor_environment())
    events.close()
    # The terminal speaks the editor's language too, the reason of the build included.
    preview.wait_for_line(r"^사이트 전체를 다시 만들었습니다\([\d.]+초, 파일 \d+개 기록\) \(처음 만들기\)\.$")
    yield preview
    preview.stop()


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _wrong_day(text: str, day: str) -> str:
    return re.sub(r"(?m)^Day: .*$", f"Day: {day}", text)


def test_a_save_reloads_the_open_page_with_the_edit(live: PreviewProcess, open_page: OpenPage) -> None:
    page = open_page(live.origin + SESSION_URL).page
    page.evaluate("window.notReloaded = true")
    path = live.content / SESSION
    _save(path, path.read_text(encoding="utf-8") + "\n브라우저가 다시 읽은 문단입니다.\n")
    expect(page.locator("main")).to_contain_text("브라우저가 다시 읽은 문단입니다.", timeout=10_000)
    assert page.evaluate("window.notReloaded === undefined")  # a new page, not a patched one


def test_a_saved_mistake_is_a_dialog_over_the_last_good_page_until_fixed(
    live: PreviewProcess, open_page: OpenPage
) -> None:
    path = live.content / SESSION
    good = path.read_text(encoding="utf-8")
    day_line = next(n for n, line in enumerate(good.splitlines(), 1) if line.startswith("Day:"))
    visit = open_page(live.origin + SESSION_URL)
    page = visit.page
    heading = page.locator("h1").inner_text()
    page.evaluate("window.notReloaded = true")
    try:
        _save(path, _wrong_day(good, "2020.09.23"))
        dialog = page.get_by_role("dialog", name=TITLE["ko"])
        expect(dialog).to_be_visible(timeout=10_000)
        expect(dialog.get_by_role("heading", level=2)).to_have_text(TITLE["ko"])
        expect(dialog.locator("li")).to_have_count(1)
        expect(dialog.locator("li code")).to_have_text(f"content/sessions/keynote.ko.md:{day_line}")
        expect(dialog.locator("li code")).to_have_attribute(
            "aria-label", f"content/sessions/keynote.ko.md, {day_line}번째 줄"
        )
        expect(dialog.locator("li .ssc-preview__message")).to_have_text(WRONG_DAY["ko"])
        expect(dialog).to_have_attribute("lang", "ko")
        live.wait_for_line(r"^다시 만들지 않았습니다: 문제가 1건 있습니다\. 문제가 없던 마지막 페이지를 계속 보여 주고")
        # Focus is in the dialog, which is modal: the page behind is the last good one, not reloaded.
        assert page.evaluate("document.activeElement.closest('dialog.ssc-preview') !== null")
        assert page.evaluate("window.notReloaded === true")
        expect(page.locator("h1")).to_have_text(heading)
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)

        # Escape dismisses it, and the same problems do not come back on their own.
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        page.wait_for_timeout(300)
        expect(dialog).to_be_hidden()

        # Another mistake: shown again; its Close button (reached by keyboard) dismisses it too.
        _save(path, _wrong_day(good, "2020-13-45"))
        expect(dialog).to_be_visible(timeout=10_000)
        expect(dialog.locator("li")).to_contain_text("2020-13-45")
        close = dialog.get_by_role("button", name="닫기")
        close.focus()
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()

        # A page opened while the mistake stands shows it at once, in the editor's language (the
        # language of the problems and of the terminal), marked as such on the English page.
        other = open_page(live.origin + "/en" + SESSION_URL).page
        expect(other.get_by_role("dialog", name=TITLE["ko"])).to_be_visible(timeout=10_000)
        expect(other.locator("dialog.ssc-preview")).to_have_attribute("lang", "ko")
        expect(other.get_by_role("button", name="닫기")).to_be_visible()

        # Fixed with a change: both pages reload, show it, and the dialog is gone.
        _save(path, good + "\n고친 뒤에 덧붙인 문단입니다.\n")
        expect(page.locator("main")).to_contain_text("고친 뒤에 덧붙인 문단입니다.", timeout=10_000)
        expect(page.locator("dialog.ssc-preview")).to_have_count(0)
        assert page.evaluate("window.notReloaded === undefined")
        expect(other.locator("dialog.ssc-preview")).to_have_count(0, timeout=10_000)
    finally:
        _save(path, good)
    assert not visit.console_errors, visit.console_errors


def test_a_mistake_undone_removes_the_dialog_without_a_reload(live: PreviewProcess, open_page: OpenPage) -> None:
    path = live.content / SESSION
    good = path.read_text(encoding="utf-8")
    page = open_page(live.origin + SESSION_URL).page
    page.evaluate("window.notReloaded = true")
    try:
        _save(path, _wrong_day(good, "23 September"))
        dialog = page.get_by_role("dialog", name=TITLE["ko"])
        expect(dialog).to_be_visible(timeout=10_000)
        # Another mistake replaces it; the first, back again, is shown again (only the reader dismisses).
        _save(path, _wrong_day(good, "24 September"))
        expect(dialog.locator("li")).to_contain_text("24 September", timeout=10_000)
        _save(path, _wrong_day(good, "23 September"))
        expect(dialog.locator("li")).to_contain_text("23 September", timeout=10_000)
        expect(page.locator("dialog.ssc-preview")).to_have_count(1)
    finally:
        _save(path, good)  # as it was: nothing to rebuild, only the problems go
    expect(page.locator("dialog.ssc-preview")).to_have_count(0, timeout=10_000)
    assert page.evaluate("window.notReloaded === true")


def test_an_open_page_reconnects_to_a_restarted_preview_and_reloads_and_its_dialog_speaks_english(
    tmp_path: Path, open_page: OpenPage
) -> None:
    """As after changed plugin code: the preview stops and starts again on its port; the page follows it.

    The preview is started again by an editor whose locale is English (`LANG=en_GB.UTF-8`): the
    dialog's words and the problem in it are then English, and it goes once the file is fixed.
    (One restarted preview serves both checks: each preview costs a full first build.)
    """
    content = copy_content(tmp_path / "content")
    first, events = started(content, tmp_path / "output")
    events.close()
    port = int(first.origin.rsplit(":", 1)[1])
    visit = open_page(first.origin + SESSION_URL)
    page = visit.page
    page.evaluate("window.notReloaded = true")
    refused_before = len(visit.failures)
    assert first.stop() == 0
    # The page asks for its stream again meanwhile, and is refused (waited for, not slept on).
    deadline = time.monotonic() + 10
    while not any(
        "ERR_CONNECTION_REFUSED" in failure and EVENTS in failure for failure in visit.failures[refused_before:]
    ):
        assert time.monotonic() < deadline, f"the page did not ask for its stream again: {visit.failures}"
        page.wait_for_timeout(20)
    path = content / SESSION
    good = path.read_text(encoding="utf-8") + "\n다시 시작한 뒤의 문단입니다.\n"
    _save(path, good)
    again = PreviewProcess(content, tmp_path / "output", port=port, environ=editor_environment(LANG="en_GB.UTF-8"))
    try:
        expect(page.locator("main")).to_contain_text("다시 시작한 뒤의 문단입니다.", timeout=60_000)
        assert page.evaluate("window.notReloaded === undefined")

        _save(path, _wrong_day(good, "2020.09.23"))
        dialog = page.get_by_role("dialog", name=TITLE["en"])
        expect(dialog).to_be_visible(timeout=10_000)
        expect(dialog).to_have_attribute("lang", "en")
        expect(dialog.locator("li .ssc-preview__message")).to_have_text(WRONG_DAY["en"])
        expect(dialog.get_by_role("button", name="Close")).to_be_visible()
        again.wait_for_line(r"^Not rebuilt: 1 problem\(s\); the last good build is served")
        _save(path, good)
        expect(page.locator("dialog.ssc-preview")).to_have_count(0, timeout=10_000)
    finally:
        again.stop()
