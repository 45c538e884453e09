"""The web editor in Chromium against its local backend (decap-server) over a copy of content/.

An editor creates a speaker and a session in both languages and saves; the twin files appear
in the copy, in our `Field: value` format, pass the content check and build into pages. A
mistake the editor cannot see (a day the programme does not have) is caught by the check, in
Korean, naming the file and its line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from conftest import ROOT, build, soup
from ssc_deploy.devserver import make_server
from ssc_deploy.nginx import free_port
from ssc_editor.local import LocalBackend
from ssc_editor.plugin import write_admin
from ssc_forum import messages

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the editor's local backend needs node")


def _settings(**editor: Any) -> dict[str, Any]:
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return {**settings, "EDITOR": {**settings["EDITOR"], **editor}}


@pytest.fixture
def editing(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The editor served on 127.0.0.1 and its local backend writing into a copy of content/."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "content", repo / "content")
    port = free_port()
    write_admin(tmp_path / "site", _settings(local_backend_port=port))
    server = make_server(tmp_path / "site", prefix="", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with LocalBackend(repo, port=port, origin=f"http://127.0.0.1:{server.server_port}"):
            yield f"http://127.0.0.1:{server.server_port}/admin/", repo
    finally:
        server.shutdown()
        server.server_close()


def _field(page: Page, name: str, lang: str) -> Any:
    """The input of field `name` on the Korean (left) or English (right) side of the editor."""
    return page.locator(f'[id^="{name}-field-"]').nth(0 if lang == "ko" else 1)


def _body(page: Page, lang: str, text: str) -> None:
    editor = page.locator('[data-slate-editor="true"]').nth(0 if lang == "ko" else 1)
    editor.click()
    page.keyboard.type(text)


def _choose(page: Page, name: str, option: str, typed: str = "") -> None:
    """Pick `option` in the select or relation field `name` (shared by both languages: the Korean side)."""
    box = _field(page, name, "ko")
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def _publish(page: Page) -> None:
    page.get_by_role("button", name="게시").first.click()
    page.get_by_text("지금 게시").click()
    # Once saved, the editor moves from the new entry to the saved one: only then is it safe to leave.
    page.wait_for_function("() => !location.hash.endsWith('/new')")


def _wait_for(*paths: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not all(p.is_file() for p in paths):
        assert time.monotonic() < deadline, f"not written: {[str(p) for p in paths if not p.is_file()]}"
        time.sleep(0.1)


def _check(content: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "SSC_LANG")}
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_speaker_and_a_session_made_in_the_editor_pass_the_check_and_build(
    browser: Browser, editing: tuple[str, Path], tmp_path: Path
) -> None:
    url, repo = editing
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.get_by_role("button", name="로그인").click()

    page.goto(url + "#/collections/speakers/new")
    _field(page, "title", "ko").fill("시험 연사")
    _field(page, "slug", "ko").fill("test-speaker")
    _field(page, "affiliation", "ko").fill("시험 기관")
    _field(page, "title", "en").fill("Test Speaker")
    _field(page, "affiliation", "en").fill("Test Organisation")
    _body(page, "ko", "시험 연사의 소개입니다.")
    _body(page, "en", "A test speaker's biography.")
    assert _field(page, "lang", "ko").inner_text() == "한국어 (ko)"
    _publish(page)
    speaker = repo / "content" / "speakers"
    _wait_for(speaker / "test-speaker.ko.md", speaker / "test-speaker.en.md")
    assert (speaker / "test-speaker.ko.md").read_text(encoding="utf-8") == (
        "Title: 시험 연사\nSlug: test-speaker\nLang: ko\nAffiliation: 시험 기관\n\n시험 연사의 소개입니다.\n"
    )
    assert (speaker / "test-speaker.en.md").read_text(encoding="utf-8") == (
        "Title: Test Speaker\nSlug: test-speaker\nLang: en\nAffiliation: Test Organisation\n\n"
        "A test speaker's biography.\n"
    )

    page.goto(url + "#/collections/sessions/new")
    _field(page, "title", "ko").fill("시험 세션")
    _field(page, "slug", "ko").fill("test-session")
    _field(page, "title", "en").fill("Test session")
    _field(page, "day", "ko").fill("2020-09-23")
    _field(page, "order", "ko").fill("9")
    _choose(page, "kind", "session")
    _choose(page, "speakers", "시험 연사", typed="test")
    _publish(page)
    session = repo / "content" / "sessions"
    _wait_for(session / "test-session.ko.md", session / "test-session.en.md")
    assert (session / "test-session.en.md").read_text(encoding="utf-8") == (
        "Title: Test session\nSlug: test-session\nLang: en\nDay: 2020-09-23\nOrder: 9\nKind: session\n"
        "Speakers: test-speaker\n"
    )
    assert errors == []
    context.close()

    done = _check(repo / "content")
    assert done.returncode == 0, done.stdout + done.stderr
    # Built into pages (the forum's pages in both languages; search and fonts are not needed here).
    out = build(
        tmp_path / "out",
        PATH=str(repo / "content"),
        PLUGINS=["pelican.plugins.i18n_subsites", "ssc_forum", "ssc_publish"],
        EDITOR=False,
    )
    ko = soup(out / "sessions" / "test-session" / "index.html")
    en = soup(out / "en" / "sessions" / "test-session" / "index.html")
    assert "시험 세션" in ko.h1.get_text() and "Test session" in en.h1.get_text()
    assert ko.find("a", href=lambda h: h and "speakers/test-speaker/" in h), "the session links its speaker"
    speaker = soup(out / "en" / "speakers" / "test-speaker" / "index.html")
    assert "Test Organisation" in speaker.get_text()


def test_mistakes_the_editor_lets_through_are_caught_by_the_check_naming_file_and_line(
    browser: Browser, editing: tuple[str, Path]
) -> None:
    url, repo = editing
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="로그인").click()
    # The date field takes any date; only the check knows the forum's days (content/programme.toml).
    page.goto(url + "#/collections/sessions/new")
    _field(page, "title", "ko").fill("없는 날의 세션")
    _field(page, "slug", "ko").fill("wrong-day")
    _field(page, "title", "en").fill("A session on no day of the forum")
    _field(page, "day", "ko").fill("2020-09-30")
    _field(page, "order", "ko").fill("1")
    _choose(page, "kind", "keynote")
    _publish(page)
    written = repo / "content" / "sessions" / "wrong-day.ko.md"
    _wait_for(written)
    # Required fields are checked on the Korean side only: an English twin left empty is saved.
    page.goto(url + "#/collections/speakers/new")
    _field(page, "title", "ko").fill("영문 없는 연사")
    _field(page, "slug", "ko").fill("no-english")
    _field(page, "affiliation", "ko").fill("시험 기관")
    _publish(page)
    twin = repo / "content" / "speakers" / "no-english.en.md"
    _wait_for(twin)
    assert twin.read_text(encoding="utf-8") == "Slug: no-english\nLang: en\n"
    context.close()
    done = _check(repo / "content")
    assert done.returncode != 0
    line = next(
        n for n, text in enumerate(written.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("Day:")
    )
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if f"wrong-day.ko.md:{line}:" in ln]
    assert lines, done.stdout + done.stderr
    assert "2020-09-30" in lines[0] and "day" in lines[0].lower(), lines[0]
    if (messages.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{messages.DOMAIN}.po").is_file():
        assert re.search("[가-힣]", lines[0]), f"not in Korean: {lines[0]}"  # the editors' language by default
    assert "Traceback" not in done.stdout + done.stderr
    missing = [ln for ln in done.stdout.splitlines() if ln.startswith("content/speakers/no-english.en.md")]
    assert len(missing) == 2 and "'title'" in missing[0] and "'affiliation'" in missing[1], missing


def test_the_editor_starts_under_its_own_content_security_policy(browser: Browser, tmp_path: Path) -> None:
    """Served by nginx with deploy/editor-headers.conf, the editor reaches its GitLab sign-in with no
    policy violation: the policy is what it needs, and the public pages' stricter one is not in its way."""
    from ssc_deploy import nginx

    if nginx.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx)")
    root = tmp_path / "root"
    write_admin(
        root,
        _settings(
            backend={"name": "gitlab", "repo": "city/ssc2020", "auth_type": "pkce", "app_id": "0" * 64},
            local_backend=False,
        ),
    )
    prefix = tmp_path / "nginx"
    port = nginx.free_port()
    conf = nginx.prepare(root=root, prefix=prefix, port=port)
    process = subprocess.Popen(nginx.command(conf, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    context = browser.new_context()
    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"http://127.0.0.1:{port}/ssc2020/admin/")
        page.get_by_role("button", name="GitLab으로 로그인", exact=True).wait_for()
        assert problems == []
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=10)


def test_the_editor_refuses_a_slug_against_the_schema_s_rule_and_writes_nothing(
    browser: Browser, editing: tuple[str, Path]
) -> None:
    url, repo = editing
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="로그인").click()
    page.goto(url + "#/collections/speakers/new")
    before = sorted((repo / "content" / "speakers").iterdir())
    _field(page, "title", "ko").fill("시험 연사")
    _field(page, "slug", "ko").fill("Test_Speaker")
    _field(page, "affiliation", "ko").fill("시험 기관")
    _field(page, "title", "en").fill("Test Speaker")
    _field(page, "affiliation", "en").fill("Test Organisation")
    page.get_by_role("button", name="게시").first.click()
    page.get_by_text("지금 게시").click()
    page.get_by_text("영문 슬러그: a-z, 0-9, 하이픈 (예: session-1)").first.wait_for()
    time.sleep(0.5)
    assert sorted((repo / "content" / "speakers").iterdir()) == before
    context.close()
