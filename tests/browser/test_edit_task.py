"""`make.py edit` end to end: the task's own processes, the editor in Chromium, the preview beside it.

The task runs as staff start it (`invoke edit`, its own process: decap-server on 127.0.0.1 and the
live preview, each on a free port) over a git copy of the real content. A member of staff corrects
a speaker's affiliation in the editor's Korean interface and saves: exactly that line of that file
changes (git diff), and the preview serves the corrected page seconds later. Mistakes the editor
lets through (a required field left empty in the English twin, a speaker's slug changed under the
sessions that name it) reach the preview's Korean dialog and the content check, naming file and line.
Stopping the task ends both processes, leaving none behind.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from preview_helpers import ROOT, PreviewProcess, copy_content

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="the editor's local backend needs node"),
    pytest.mark.skipif(shutil.which("git") is None, reason="the changes are read with git"),
    # The three tests share one running task, in this order (the last one stops it).
    pytest.mark.xdist_group("edit-task"),
]

SPEAKER = "jung-hoon-lee"
OLD, NEW = "연세대학교", "연세대학교 도시공학과"
DIALOG = "저장한 내용에 문제가 있습니다"


EDITORS_ENV = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "SSC_LANG")}
"""The environment without the test run's language: the editors' default, Korean."""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Staff", "-c", "user.email=staff@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _children(pid: int) -> dict[int, str]:
    """Every process below `pid` (children, theirs, …), with its command line."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                try:
                    found[child] = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent to read it does not run)."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class EditTask:
    """The running task, its git copy of the content and the addresses it printed."""

    def __init__(self, tmp: Path) -> None:
        self.repo = tmp / "repo"
        copy_content(self.repo / "content")
        _git(self.repo, "init", "-q")
        _git(self.repo, "add", "-A")
        _git(self.repo, "commit", "-q", "-m", "content as published")
        self.task = PreviewProcess(
            self.repo / "content",
            tmp / "output",
            task="edit",
            options=("--backend-port", "0"),
            environ=EDITORS_ENV,
        )
        try:
            # The task speaks the editors' language, Korean, as it would to staff.
            found = self.task.wait_for_line(
                r"^편집기 주소: (http://127\.0\.0\.1:\d+/admin/)\. 저장한 내용은 (http://\S+) 서버"
            )
            self.admin, self.backend = found.group(1), found.group(2)
            self.task.wait_for_line(r"^사이트 전체를 다시 만들었습니다\(")
        except BaseException:
            self.task.stop()
            raise

    def get(self, path: str) -> str:
        """A page of the preview, as text."""
        status, _, body = self.task.get(path)
        assert status == 200, path
        return body.decode("utf-8")


@pytest.fixture(scope="module")
def editing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EditTask]:
    """`invoke edit` over a git copy of the content, its first build served."""
    running = EditTask(tmp_path_factory.mktemp("edit-task"))
    try:
        yield running
    finally:
        running.task.stop()


@pytest.fixture
def editor(browser: Browser, editing: EditTask) -> Iterator[Page]:
    """The editor, opened from the preview and signed in to the local backend (no password)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(editing.admin)
    page.get_by_role("button", name="로그인").click()
    yield page
    context.close()
    assert errors == []


def _field(page: Page, name: str, lang: str) -> Locator:
    """The input of field `name` on the Korean (left) or English (right) side of the editor."""
    return page.locator(f'[id^="{name}-field-"]').nth(0 if lang == "ko" else 1)


def _open(page: Page, editing: EditTask, collection: str, slug: str) -> None:
    """From the collection's list, as staff go: 연사 → the person (listed as "title (slug)")."""
    page.goto(f"{editing.admin}#/collections/{collection}")
    page.get_by_role("link", name=re.compile(rf"\({re.escape(slug)}\)")).click()
    expect(_field(page, "slug", "ko")).to_have_value(slug)  # this entry's files are read


def _save(page: Page) -> None:
    """게시 → 지금 게시, as staff press them (the caller waits for the file to change)."""
    page.get_by_role("button", name="게시").first.click()
    page.get_by_text("지금 게시").click()


def _changed(path: Path, before: str, timeout: float = 15) -> float:
    """Wait until `path` no longer holds `before`; the moment it changed (time.monotonic)."""
    deadline = time.monotonic() + timeout
    while path.read_text(encoding="utf-8") == before:
        assert time.monotonic() < deadline, f"{path.name} was not written"
        time.sleep(0.02)
    return time.monotonic()


def test_a_corrected_affiliation_changes_one_line_and_the_preview_serves_it(editing: EditTask, editor: Page) -> None:
    ko = editing.repo / "content" / "speakers" / f"{SPEAKER}.ko.md"
    before = ko.read_text(encoding="utf-8")
    assert f"Affiliation: {OLD}\n" in before
    assert NEW not in editing.get(f"/speakers/{SPEAKER}/")
    # The editor served by the preview talks to the backend the task started, on the port it chose.
    assert f"url: {editing.backend}\n" in editing.get("/admin/config.yml")

    _open(editor, editing, "speakers", SPEAKER)
    box = _field(editor, "affiliation", "ko")
    expect(box).to_have_value(OLD)
    box.fill(NEW)
    _save(editor)
    saved = _changed(ko, before)

    # Our `Field: value` file, and nothing else in the repository changed but that one line.
    assert _git(editing.repo, "status", "--porcelain") == f" M content/speakers/{SPEAKER}.ko.md\n"
    assert _git(editing.repo, "diff", "--numstat") == f"1\t1\tcontent/speakers/{SPEAKER}.ko.md\n"
    changes = [
        line
        for line in _git(editing.repo, "diff", "-U0").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changes == [f"-Affiliation: {OLD}", f"+Affiliation: {NEW}"]

    # The preview's page of that speaker serves the correction within a few seconds of the save.
    while NEW not in editing.get(f"/speakers/{SPEAKER}/"):
        assert time.monotonic() - saved < 5, "the preview did not show the correction within 5 s"
        time.sleep(0.05)
    print(f"edit-task: save_to_served_ms={(time.monotonic() - saved) * 1000:.0f}")


def test_mistakes_the_editor_lets_through_reach_the_preview_s_dialog_and_the_check(
    editing: EditTask, editor: Page, browser: Browser
) -> None:
    speakers = editing.repo / "content" / "speakers"
    # A page of the preview, open while staff work in the editor.
    context = browser.new_context()
    context.set_default_timeout(15_000)
    preview = context.new_page()
    preview.goto(editing.admin.replace("/admin/", f"/speakers/{SPEAKER}/"))

    # 1. A required field emptied in the English twin: the editor checks required fields on the Korean side only.
    en = speakers / "in-kwon-park.en.md"
    before = en.read_text(encoding="utf-8")
    _open(editor, editing, "speakers", "in-kwon-park")
    _field(editor, "affiliation", "en").fill("")
    _save(editor)
    _changed(en, before)
    dialog = preview.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible(timeout=10_000)
    # The missing field is named with the line where the header ends (where it goes).
    expect(dialog.locator("li code")).to_have_text([re.compile(r"content/speakers/in-kwon-park\.en\.md:\d+")])

    # 2. A speaker's slug changed (the pattern allows it) while the sessions still name the old one.
    ko = speakers / "ying-long.ko.md"
    before = ko.read_text(encoding="utf-8")
    _open(editor, editing, "speakers", "ying-long")
    _field(editor, "slug", "ko").fill("ying-long-china")
    _save(editor)
    _changed(ko, before)
    expect(dialog.locator("li")).to_have_count(3, timeout=10_000)  # the English twin, then both sessions' lines
    shown = dialog.locator("li code").all_inner_texts()
    messages = dialog.locator("li").all_inner_texts()
    context.close()

    # The content check says the same, in Korean (the editors' language by default), file and line.
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(editing.repo / "content")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=EDITORS_ENV,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("content/")]
    assert sorted(line.split(": ", 1)[0] for line in lines) == sorted(shown), (lines, shown)
    sessions = [line for line in lines if line.startswith("content/sessions/")]
    assert len(sessions) == 2 and all(re.match(r"content/sessions/[a-z0-9-]+\.(ko|en)\.md:\d+: ", s) for s in sessions)
    assert all("'ying-long'" in line for line in sessions), sessions
    for line in lines:
        assert re.search("[가-힣]", line.split(": ", 1)[1]), f"not in Korean: {line}"
        assert any(line.split(": ", 1)[1] in shown_text for shown_text in messages), (line, messages)


def test_stopping_the_task_ends_both_processes(editing: EditTask) -> None:
    children = _children(editing.task.process.pid)
    servers = [pid for pid, command in children.items() if "decap-server" in command]
    assert len(servers) == 1, children
    assert editing.task.stop() == 0, editing.task.printed
    port = int(editing.backend.split(":")[2].split("/")[0])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the backend still answers"
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children):
        assert time.monotonic() < deadline, {pid: children[pid] for pid in children if _alive(pid)}
        time.sleep(0.05)
    assert "Traceback" not in editing.task.printed, editing.task.printed
