"""Publishing: a bad build or check never touches the served site; a good one replaces it whole."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from invoke import Exit
from publish_helpers import (
    MARKER,
    REPO,
    SITE_URL,
    STALE,
    StepRuns,
    copy_build,
    copy_content,
    make_old_tree,
    published,
    snapshot,
    start_child_publish,
    workdir,
)

import tasks
from ssc_deploy import deploy, sanity

# The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("publish-builds")

# Skipped on a developer's machine without rsync; on CI (CI=true) a missing rsync is an error.
needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None and not os.environ.get("CI"), reason="rsync is not installed (Debian package rsync)"
)


def _staging_leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{deploy.STAGING_PREFIX}*"))


def test_good_publish_replaces_the_served_tree_and_keeps_the_old_one() -> None:
    result = published()
    live = result.live
    assert (live / "index.html").is_file()
    assert (live / "en" / "index.html").is_file()
    assert not (live / STALE).exists(), "the new tree was written over the old one instead of replacing it"
    previous = deploy.previous_path(live)
    assert snapshot(previous) == result.old, "the earlier site must be kept, byte for byte, for roll-back"
    assert not _staging_leftovers(live.parent)
    assert oct(live.stat().st_mode & 0o777) == "0o755", "the web server's user must be able to read the tree"


def test_published_tree_passes_its_own_sanity_check() -> None:
    assert sanity.check_tree(published().live, SITE_URL) == []


def test_published_tree_names_no_machine_or_local_address() -> None:
    # The folders this build ran in, and addresses that only mean something on the build machine.
    places = {str(REPO), str(published().live.parent), tempfile.gettempdir(), str(Path.home())}
    leaks = re.compile(b"|".join(re.escape(p.encode()) for p in sorted(places)) + rb"|127\.0\.0\.1|localhost|file://")
    found = []
    for path in sorted(published().live.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".ics", ".txt", ".js", ".css"}:
            match = leaks.search(path.read_bytes())
            if match:
                found.append(f"{path.relative_to(published().live)}: {match.group().decode()}")
    assert found == []


def _break_validation(content: Path) -> None:
    """A content mistake the validation catches: a session on a day the forum did not have."""
    session = sorted((content / "sessions").glob("*.ko.md"))[0]
    text = session.read_text(encoding="utf-8")
    session.write_text(re.sub(r"(?m)^Day:.*$", "Day: 2020-13-45", text), encoding="utf-8")


def _break_link(content: Path) -> None:
    """A mistake only the built site shows: valid content with a link to a page that does not exist."""
    page = content / "pages" / "about.en.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n\nSee [the lost page](/ssc2020/en/no-such-page/).\n", encoding="utf-8"
    )


@pytest.mark.parametrize("breakage", [_break_validation, _break_link], ids=["invalid-content", "broken-link"])
def test_failed_publish_leaves_the_served_tree_byte_identical(breakage) -> None:
    name = breakage.__name__.strip("_")
    content = copy_content(name)
    breakage(content)
    live = workdir() / name / "served" / "ssc2020"
    before = make_old_tree(live)
    with pytest.raises(Exit):
        tasks.publish_site(target=live, rsync=None, content=content)
    assert snapshot(live) == before
    assert not deploy.previous_path(live).exists()
    assert not _staging_leftovers(live.parent), "a failed publish must clean up its staging folder"


def test_publish_target_comes_from_options_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSC_PUBLISH_DIR", str(tmp_path / "from-env"))
    monkeypatch.delenv("SSC_PUBLISH_RSYNC", raising=False)
    assert tasks._publish_target(None, None) == (tmp_path / "from-env", None)
    assert tasks._publish_target(str(tmp_path / "option"), None) == (tmp_path / "option", None)
    monkeypatch.delenv("SSC_PUBLISH_DIR")
    monkeypatch.setenv("SSC_PUBLISH_RSYNC", "deploy@example.org:/srv/ssc2020")
    assert tasks._publish_target(None, None) == (None, "deploy@example.org:/srv/ssc2020")
    monkeypatch.delenv("SSC_PUBLISH_RSYNC")
    with pytest.raises(Exit):  # publishconf.py names no target: say so rather than guess
        tasks._publish_target(None, None)


def test_rollback_swaps_back_and_forth(tmp_path: Path) -> None:
    live = tmp_path / "ssc2020"
    shutil.copytree(published().live, live)
    shutil.copytree(deploy.previous_path(published().live), deploy.previous_path(live))
    new, old = snapshot(live), snapshot(deploy.previous_path(live))
    tasks.rollback(tasks.Context(), target=str(live))
    assert snapshot(live) == old and snapshot(deploy.previous_path(live)) == new
    tasks.rollback(tasks.Context(), target=str(live))
    assert snapshot(live) == new


def test_rollback_without_previous_fails(tmp_path: Path) -> None:
    (tmp_path / "ssc2020").mkdir()
    with pytest.raises(Exit):
        tasks.rollback(tasks.Context(), target=str(tmp_path / "ssc2020"))


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "two-renames"])
def test_exchange_swaps_two_trees(tmp_path: Path, atomic: bool) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("A")
    (b / "f").write_text("B")
    deploy.exchange(a, b, atomic=atomic)
    assert (a / "f").read_text() == "B" and (b / "f").read_text() == "A"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


@needs_rsync
def test_rsync_target_switches_current_and_rolls_back(tmp_path: Path) -> None:
    tree = published().live
    root = tmp_path / "srv"
    first = deploy.rsync_release(tree, str(root), release="20200922T000000Z-aaaa")
    assert Path(first) == root / "releases" / "20200922T000000Z-aaaa"
    assert snapshot(root / "current") == snapshot(tree)
    assert not (root / "previous").exists()

    second_tree = tmp_path / "second"
    shutil.copytree(tree, second_tree)
    (second_tree / "index.html").write_text("<!DOCTYPE html><title>second</title>", encoding="utf-8")
    deploy.rsync_release(second_tree, str(root), release="20200923T000000Z-bbbb")
    assert (root / "current").resolve() == (root / "releases" / "20200923T000000Z-bbbb").resolve()
    assert (root / "previous").resolve() == (root / "releases" / "20200922T000000Z-aaaa").resolve()
    assert snapshot(root / "current") == snapshot(second_tree)
    # Unchanged files are hard links to the release before: a release costs only what changed.
    assert (root / "current" / "404.html").stat().st_ino == (root / "previous" / "404.html").stat().st_ino

    with pytest.raises(deploy.PublishError):  # never into an existing release, least of all the live one
        deploy.rsync_release(tree, str(root), release="20200923T000000Z-bbbb")
    assert snapshot(root / "current") == snapshot(second_tree)

    deploy.rollback_release(str(root))
    assert snapshot(root / "current") == snapshot(tree)
    assert (root / "previous").resolve().name == "20200923T000000Z-bbbb"


@needs_rsync
def test_rsync_target_prunes_old_releases_but_not_current_or_previous(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "index.html").write_text("x")
    root = tmp_path / "srv"
    names = [f"2020092{i}T000000Z" for i in range(5)]
    for name in names:
        deploy.rsync_release(tree, str(root), release=name, keep=2)
    assert sorted(p.name for p in (root / "releases").iterdir()) == names[-2:]
    assert (root / "current").resolve().name == names[-1]
    assert (root / "previous").resolve().name == names[-2]


def test_sanity_check_finds_broken_links_and_pages(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    shutil.copytree(published().live, tree)
    shutil.rmtree(tree / "about")
    (tree / "en" / "venue" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><div><p id="x">a</div>'
        '<section><div></section><a href="#nowhere">b</a><span id="x"></span></body></html>',
        encoding="utf-8",
    )
    (tree / "theme" / "extra.css").write_text("body { background: url(../img/missing.png); }", encoding="utf-8")
    problems = "\n".join(sanity.check_tree(tree, SITE_URL))
    assert "leads to nothing (no about/index.html)" in problems
    assert "<p> closed by" not in problems  # HTML lets a paragraph end without </p>
    assert "en/venue/index.html: <div> closed by </section>" in problems
    assert "en/venue/index.html: id 'x' used twice" in problems
    assert "en/venue/index.html: link to #nowhere" in problems
    assert "theme/extra.css: link '../img/missing.png' leads to nothing" in problems


def test_sanity_check_catches_links_that_escape_the_sub_path(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    (tree / "en").mkdir(parents=True)
    (tree / "index.html").write_text(
        '<!DOCTYPE html><html lang="ko"><head><title>t</title><link rel="stylesheet" href="/theme/site.css">'
        '</head><body><a href="/ssc2020/en/">en</a></body></html>',
        encoding="utf-8",
    )
    (tree / "en" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body></body></html>', encoding="utf-8"
    )
    assert sanity.check_tree(tree, "/ssc2020") == ["index.html: link '/theme/site.css' leaves the site's path /ssc2020"]


def test_publishconf_is_the_local_settings_with_the_public_address() -> None:
    from pelican.settings import read_settings

    base = read_settings(str(REPO / "pelicanconf.py"))
    pub = read_settings(str(REPO / "publishconf.py"))
    assert base["SITEURL"] == ""
    assert pub["SITEURL"] == SITE_URL
    assert pub["PLUGINS"] == base["PLUGINS"]
    assert pub["I18N_SUBSITES"]["en"]["FEED_DOMAIN"] == f"{SITE_URL}/en"


# --- what a published tree may hold ------------------------------------------------------------


def test_built_tree_check_refuses_links_devices_and_hidden_files(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    shutil.copytree(published().live, tree)
    (tree / "theme" / "env.txt").symlink_to("/proc/self/environ")
    (tree / "theme" / "home").symlink_to(Path.home(), target_is_directory=True)
    (tree / "en" / "about.html").symlink_to("../about/index.html")  # even a link that stays inside
    os.mkfifo(tree / "theme" / "pipe")
    (tree / ".env").write_text("TOKEN=secret", encoding="utf-8")
    (tree / "theme" / ".git").mkdir()
    (tree / "theme" / ".git" / "config").write_text("[core]", encoding="utf-8")
    problems = sanity.check_tree(tree, SITE_URL)
    assert sorted(problems) == sorted(
        [
            "theme/env.txt: a symbolic link (to /proc/self/environ); a published site holds only files",
            f"theme/home: a symbolic link (to {Path.home()}); a published site holds only files",
            "en/about.html: a symbolic link (to ../about/index.html); a published site holds only files",
            "theme/pipe: not a regular file (a device, socket or pipe)",
            ".env: a hidden file or folder; a published site holds none",
            "theme/.git: a hidden file or folder; a published site holds none",
        ]
    )
    # The manifest at the top is the one hidden file allowed; the same name deeper down is not.
    for name in (".env", "theme/env.txt", "theme/home", "en/about.html", "theme/pipe", "theme/.git/config"):
        (tree / name).unlink()
    (tree / "theme" / ".git").rmdir()
    deploy.write_manifest(tree)
    assert sanity.check_tree(tree, SITE_URL) == []
    shutil.copy(tree / deploy.MANIFEST, tree / "en" / deploy.MANIFEST)
    assert sanity.check_tree(tree, SITE_URL) == [
        f"en/{deploy.MANIFEST}: a hidden file or folder; a published site holds none"
    ]


def test_a_tree_with_a_link_is_not_published(tmp_path: Path) -> None:
    live = tmp_path / "served" / "ssc2020"
    before = make_old_tree(live)

    def build_with_a_link(staging: Path) -> None:
        copy_build(published().live, "with-link")(staging)
        (staging / "theme" / "env.txt").symlink_to("/proc/self/environ")

    with pytest.raises(deploy.CheckFailed) as failed:
        deploy.publish(
            target=live,
            rsync=None,
            beside=live,
            build=build_with_a_link,
            check=lambda tree: sanity.check_tree(tree, SITE_URL),
        )
    assert failed.value.problems == [
        "theme/env.txt: a symbolic link (to /proc/self/environ); a published site holds only files"
    ]
    assert snapshot(live) == before
    assert not _staging_leftovers(live.parent)


def test_every_published_tree_carries_a_manifest_that_verifies() -> None:
    live = published().live
    assert deploy.verify_manifest(live) == []
    records = (live / deploy.MANIFEST).read_bytes().split(b"\0")
    assert records.pop() == b"", "every record ends with a NUL"
    files = sorted(p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file())
    assert [r.split(b"  ", 1)[1].decode() for r in records] == [f for f in files if f != deploy.MANIFEST]
    # The rsync rollback checks a release with the server's own tools: they agree.
    assert subprocess.run(["sh", "-c", deploy.whole_release_test(shlex.quote(str(live)))]).returncode == 0


def test_manifest_finds_missing_changed_and_extra_files(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(published().live, tree)
    (tree / "about" / "index.html").unlink()
    (tree / "en" / "index.html").write_text("changed", encoding="utf-8")
    (tree / "extra.html").write_text("extra", encoding="utf-8")
    assert deploy.verify_manifest(tree) == [
        "about/index.html is missing",
        "en/index.html has changed",
        "extra.html is not in the manifest",
    ]
    (tree / deploy.MANIFEST).unlink()
    assert deploy.verify_manifest(tree) == [f"it has no {deploy.MANIFEST} (not a tree written by publish)"]


# --- one publish per target --------------------------------------------------------------------


def test_second_lock_of_a_target_is_refused_at_once_naming_the_holder(tmp_path: Path) -> None:
    lock = deploy.lock_path(tmp_path / "ssc2020")
    assert lock == tmp_path / ".ssc2020.publish-lock"
    with deploy.publish_lock(lock):
        started = time.monotonic()
        with pytest.raises(deploy.PublishBusy) as busy, deploy.publish_lock(lock):
            pass
        assert time.monotonic() - started < 1
    assert re.fullmatch(
        rf"another publish of this target is running \(pid {os.getpid()}, "
        r"since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)",
        str(busy.value),
    )
    with deploy.publish_lock(lock):  # released with its holder
        pass
    assert lock.read_text(encoding="utf-8") == "", "a clean release leaves no owner line behind"


def test_a_refusal_never_names_a_holder_that_is_gone(tmp_path: Path) -> None:
    """Between taking the lock and writing its line, the new holder's file still holds a killed one's line."""
    import fcntl

    lock = deploy.lock_path(tmp_path / "ssc2020")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.write_text(f"pid {dead.stdout.strip()}, since 2020-09-22 07:00:00 UTC\n", encoding="utf-8")
    holder = os.open(lock, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # taken, its line not yet written
    writes = threading.Timer(0.05, lambda: os.pwrite(holder, f"pid {os.getpid()}, since now\n".encode(), 0))
    writes.start()
    try:
        with pytest.raises(deploy.PublishBusy) as busy, deploy.publish_lock(lock):
            pass
    finally:
        writes.join()
        os.close(holder)
    assert f"(pid {os.getpid()}, since now" in str(busy.value), busy.value


def _marker(tree: Path) -> str | None:
    path = tree / MARKER
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _round(live: Path, names: tuple[str, str], release: Path) -> tuple[str, str]:
    """Two publishes into `live` started together; (winner's marker, refused one's output).

    Whichever takes the lock holds it in its build until the file `release` exists, which is made
    once the other has ended (refused at once) or after 30 s: the two overlap on any machine, and
    no round waits longer than the refusal takes. Should both get the lock, both end up published.
    """
    children = {name: start_child_publish(published().live, live, name, release) for name in names}
    deadline = time.monotonic() + 30
    while all(child.poll() is None for child in children.values()) and time.monotonic() < deadline:
        time.sleep(0.005)
    release.touch()
    results = {name: (child.wait(timeout=60), child.stdout.read()) for name, child in children.items()}
    won = [name for name, (code, _out) in results.items() if code == 0]
    lost = [name for name, (code, _out) in results.items() if code != 0]
    assert len(won) == 1 and len(lost) == 1, results
    winner_pid = children[won[0]].pid
    assert re.search(
        rf"Not published: another publish of this target is running \(pid {winner_pid}, since ", results[lost[0]][1]
    ), results
    return won[0], results[lost[0]][1]


def test_two_publishes_into_one_target_one_is_refused_every_time(tmp_path: Path) -> None:
    live = tmp_path / "served" / "ssc2020"
    first = deploy.publish(
        target=live,
        rsync=None,
        beside=live,
        build=copy_build(published().live, "round-0"),
        check=lambda tree: sanity.check_tree(tree, SITE_URL),
    )
    assert first.previous is None and _marker(live) == "round-0"
    started = time.monotonic()
    rounds = 10
    for number in range(1, rounds + 1):
        served_before = _marker(live)
        winner, _refused = _round(live, (f"round-{number}a", f"round-{number}b"), tmp_path / f"release-{number}")
        assert deploy.verify_manifest(live) == [], f"round {number}: the served tree is not whole"
        assert _marker(live) == winner
        previous = deploy.previous_path(live)
        assert deploy.verify_manifest(previous) == []
        assert _marker(previous) == served_before, f"round {number}: .previous is not the site served before"
        assert not _staging_leftovers(live.parent)
    print(f"{rounds} rounds of two concurrent publishes in {time.monotonic() - started:.1f} s")


def _make_py(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(REPO / "make.py"), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_real_publish_tasks_into_one_target(tmp_path: Path) -> None:
    live = tmp_path / "served" / "ssc2020"
    shutil.copytree(published().live, live)
    before = snapshot(live)
    tasks_ = [_make_py("publish", "--target", str(live), "--content", str(REPO / "content")) for _ in range(2)]
    results = [(t.wait(timeout=120), t.stdout.read()) for t in tasks_]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(out for code, out in results if code == 1)
    assert re.search(r"Not published: another publish of this target is running \(pid \d+, since ", refused)
    assert "Traceback" not in refused
    assert deploy.verify_manifest(live) == []
    assert snapshot(deploy.previous_path(live)) == before


# --- interrupted publishes -----------------------------------------------------------------------


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(f"{proc.name}: {cmdline}")
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_to_make_py_stops_the_publish_and_changes_nothing(tmp_path: Path, signum: int) -> None:
    live = tmp_path / "served" / "ssc2020"
    shutil.copytree(published().live, live)
    shutil.copytree(deploy.previous_path(published().live), deploy.previous_path(live))
    before, previous_before = snapshot(live), snapshot(deploy.previous_path(live))
    task = _make_py("publish", "--target", str(live), "--content", str(REPO / "content"))
    deadline = time.monotonic() + 60
    while not _staging_leftovers(live.parent):  # the build has begun
        assert task.poll() is None and time.monotonic() < deadline, task.stdout.read() if task.stdout else ""
        time.sleep(0.02)
    time.sleep(0.3)
    task.send_signal(signum)
    code = task.wait(timeout=30)
    output = task.stdout.read()
    assert code == 128 + signum, output
    assert f"Not published: stopped by {signal.Signals(signum).name}; nothing that is served changed." in output
    assert "Traceback" not in output
    assert _processes_mentioning(str(tmp_path)) == [], "make.py returned while its publish was still running"
    time.sleep(2)  # a publish that went on in the background would swap its tree in about now
    assert snapshot(live) == before and snapshot(deploy.previous_path(live)) == previous_before
    assert not _staging_leftovers(live.parent)


def test_a_kill_while_the_old_tree_is_deleted_leaves_a_whole_previous_to_roll_back_to(tmp_path: Path) -> None:
    live = tmp_path / "served" / "ssc2020"
    for name in ("A", "B"):
        deploy.publish(
            target=live,
            rsync=None,
            beside=live,
            build=copy_build(published().live, name),
            check=lambda tree: sanity.check_tree(tree, SITE_URL),
        )
    assert (_marker(live), _marker(deploy.previous_path(live))) == ("B", "A")
    child = start_child_publish(published().live, live, "C", 0, mode="stop-while-deleting")
    line = child.stdout.readline()
    assert line.startswith("HALF "), line
    half = Path(line.split(" ", 1)[1].strip())
    child.kill()
    child.wait()
    # What was being deleted had been renamed away first: neither served nor kept for roll-back.
    assert half.parent == live.parent and half.name.startswith(f"{deploy.STAGING_PREFIX}trash-{child.pid}-")
    assert (_marker(live), _marker(deploy.previous_path(live))) == ("C", "B")
    assert deploy.verify_manifest(live) == [] and deploy.verify_manifest(deploy.previous_path(live)) == []
    assert deploy.stale_leftovers(live) == [half]

    tasks.rollback(tasks.Context(), target=str(live))
    assert (_marker(live), _marker(deploy.previous_path(live))) == ("B", "C")
    assert deploy.verify_manifest(live) == []

    # The next publish removes what the killed one left.
    done = deploy.publish(
        target=live,
        rsync=None,
        beside=live,
        build=copy_build(published().live, "D"),
        check=lambda tree: sanity.check_tree(tree, SITE_URL),
    )
    assert done.removed == (half,) and not half.exists()
    assert (_marker(live), _marker(deploy.previous_path(live))) == ("D", "B")


def test_rollback_refuses_a_half_tree_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    live = tmp_path / "ssc2020"
    for name in ("A", "B"):
        deploy.publish(
            target=live,
            rsync=None,
            beside=live,
            build=copy_build(published().live, name),
            check=lambda tree: sanity.check_tree(tree, SITE_URL),
        )
    previous = deploy.previous_path(live)
    shutil.rmtree(previous / "en")  # what a kill in the middle of an old-style deletion left
    served, kept = snapshot(live), snapshot(previous)
    with pytest.raises(Exit) as refused:
        tasks.rollback(tasks.Context(), target=str(live))
    assert re.match(
        rf"not rolled back: {re.escape(str(previous))} is not a whole published site: "
        r"en/\S+ is missing \(and \d+ more\)",
        str(refused.value.message),
    )
    assert snapshot(live) == served and snapshot(previous) == kept


# --- the source of an rsync release ------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def source_repo(tmp_path: Path) -> Path:
    """A git checkout holding a copy of the real content, committed."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "content", repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", "content")
    _git(repo, "commit", "-q", "-m", "content")
    return repo


@needs_rsync
def test_a_dirty_checkout_is_not_published_over_rsync_unless_allowed(source_repo: Path, tmp_path: Path) -> None:
    head = _git(source_repo, "rev-parse", "--short", "HEAD").strip()
    assert re.fullmatch(rf"\d{{8}}T\d{{6}}Z-{head}", tasks.release_for(source_repo, allow_dirty=False))
    (source_repo / "notes.txt").write_text("not part of the site", encoding="utf-8")
    assert not deploy.source_state(source_repo).dirty, "an untracked file outside the inputs changes nothing"

    page = source_repo / "content" / "pages" / "about.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAn uncommitted sentence.\n", encoding="utf-8")
    (source_repo / "content" / "news").mkdir(exist_ok=True)
    (source_repo / "content" / "news" / "draft.en.md").write_text("Title: draft\n", encoding="utf-8")
    state = deploy.source_state(source_repo)
    assert state.changes == ("M content/pages/about.en.md", "?? content/news/draft.en.md")

    (source_repo / "content" / "news" / "draft.en.md").unlink()
    root = tmp_path / "srv"
    with pytest.raises(Exit) as refused:
        tasks.publish_site(target=None, rsync=str(root), content=source_repo / "content", source=source_repo)
    assert str(refused.value.message) == (
        f"Not published: the working tree differs from commit {head} (M content/pages/about.en.md). "
        "Commit the changes, or publish anyway with --allow-dirty (the release is then named …-dirty)."
    )
    assert not root.exists(), "nothing may be uploaded before the refusal"

    where = tasks.publish_site(
        target=None, rsync=str(root), content=source_repo / "content", source=source_repo, allow_dirty=True
    )
    release = (root / "current").resolve()
    assert Path(where) == root / "releases" / release.name
    assert re.fullmatch(rf"\d{{8}}T\d{{6}}Z-{head}-dirty", release.name)
    assert "An uncommitted sentence." in (release / "en" / "about" / "index.html").read_text(encoding="utf-8")
    # version.txt says so too: `smoke --revision <commit>` cannot pass against this build.
    from ssc_publish.revision import build_revision

    assert (release / "version.txt").read_text(encoding="utf-8") == f"{build_revision(source_repo)}-dirty\n"
    assert deploy.verify_manifest(release) == []
    # Staged and locked beside the output folder of the checkout published, not of this one.
    assert [p.name for p in source_repo.glob(".rsync-*.publish-lock")] == [
        deploy.rsync_lock_path(str(root), source_repo / "output").name
    ]


@needs_rsync
def test_rsync_rollback_refuses_a_release_that_is_not_whole(tmp_path: Path) -> None:
    root = tmp_path / "srv"
    for name in ("20200922T000000Z-aaaa", "20200923T000000Z-bbbb"):
        tree = tmp_path / name
        shutil.copytree(published().live, tree)
        (tree / MARKER).write_text(name, encoding="utf-8")
        deploy.write_manifest(tree)
        deploy.rsync_release(tree, str(root), release=name)
    (root / "releases" / "20200922T000000Z-aaaa" / "index.html").unlink()
    with pytest.raises(deploy.PublishError, match="not rolled back: releases/20200922T000000Z-aaaa is not a whole"):
        deploy.rollback_release(str(root))
    assert (root / "current").resolve().name == "20200923T000000Z-bbbb"


@needs_rsync
def test_an_rsync_target_is_locked_on_the_target_itself(tmp_path: Path) -> None:
    root = tmp_path / "srv"
    lock = root / deploy.REMOTE_LOCK
    with deploy.remote_lock(str(root)):
        assert re.fullmatch(rf"pid {os.getpid()} on \S+, since .* UTC\n", (lock / "owner").read_text())
        with pytest.raises(deploy.PublishBusy) as busy, deploy.remote_lock(str(root)):
            pass
        assert str(busy.value).startswith(f"another publish of this target is running (pid {os.getpid()} on ")
        with pytest.raises(deploy.PublishBusy):  # a rollback waits its turn too
            deploy.rollback_release(str(root))
    assert not lock.exists()

    # Left by a publish from another machine: reported with the way out, never taken over.
    lock.mkdir()
    (lock / "owner").write_text("pid 4242 on ci-runner-7, since 2020-09-22 07:00:00 UTC\n")
    with pytest.raises(deploy.PublishBusy) as busy, deploy.remote_lock(str(root)):
        pass
    assert str(busy.value) == (
        "another publish of this target is running (pid 4242 on ci-runner-7, since "
        f"2020-09-22 07:00:00 UTC); if none is, remove {lock}"
    )

    # Left by a killed publish of this machine: its process is gone, so the lock is taken over.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (lock / "owner").write_text(f"pid {dead} on {socket.gethostname()}, since 2020-09-22 07:00:00 UTC\n")
    with deploy.remote_lock(str(root)):
        assert (lock / "owner").read_text().startswith(f"pid {os.getpid()} on ")
    assert not lock.exists()


# --- the release history under a kill at any instant ----------------------------------------------


def _tiny_site(folder: Path) -> Path:
    """A small stand-in for a built site: the kill tests publish it many times."""
    (folder / "en").mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><title>home</title>", encoding="utf-8")
    (folder / "en" / "index.html").write_text("<!DOCTYPE html><title>en</title>", encoding="utf-8")
    return folder


def _mark_release(tree: Path, name: str, number: int) -> None:
    """Mark `tree` as release `name` with its manifest; a time of its own, as rsync compares size and time."""
    (tree / MARKER).write_text(name, encoding="utf-8")
    deploy.write_manifest(tree)
    for changed in (tree / MARKER, tree / deploy.MANIFEST):
        os.utime(changed, (1_600_000_000 + number, 1_600_000_000 + number))


def _served_pair(live: Path) -> tuple[str | None, str | None]:
    return _marker(live), _marker(deploy.previous_path(live))


@pytest.fixture
def step_runs() -> Iterator[StepRuns]:
    """Publishes and rollbacks killed after a chosen step, each its own process (see `StepRuns`)."""
    with StepRuns() as runs:
        yield runs


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "three-renames"])
def test_a_publish_killed_at_any_step_leaves_rollback_pointing_at_the_site_served_before(
    tmp_path: Path, atomic: bool, step_runs: StepRuns
) -> None:
    tree = _tiny_site(tmp_path / "tree")
    steps = 0
    for pause_after in range(1, 200):
        live = tmp_path / f"k{pause_after}" / "ssc2020"
        for name in ("A", "B"):
            deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, name), check=lambda t: [])
        line = step_runs.run("publish", tree, live, "C", pause_after, atomic=atomic)
        if line.startswith("DONE"):
            steps = int(line.split()[1])
            assert pause_after > steps and _served_pair(live) == ("C", "B")
            break
        assert line.startswith("PAUSED"), line
        # Whatever the kill left, the next one to hold the lock sees the truth first.
        with deploy.publish_lock(deploy.lock_path(live)):
            deploy.recover(live)
        served, kept = _served_pair(live)
        assert (served, kept) in {("B", "A"), ("C", "B")}, (pause_after, served, kept)
        assert deploy.verify_manifest(live) == [] and deploy.verify_manifest(deploy.previous_path(live)) == []
        assert not deploy.journal_path(live).exists()
        tasks.rollback(tasks.Context(), target=str(live))
        assert _served_pair(live) == (kept, served), f"killed after step {pause_after}"
        # ... and the next publish keeps the site served before it, removing what the kill left.
        deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, "D"), check=lambda t: [])
        assert _served_pair(live) == ("D", kept)
        assert sorted(p.name for p in live.parent.iterdir()) == [
            f".ssc2020{deploy.LOCK_SUFFIX}",
            "ssc2020",
            "ssc2020.previous",
        ], pause_after
    assert steps > 5, "the child never got to the end"


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "three-renames"])
def test_a_rollback_killed_at_any_step_leaves_both_sites_whole(
    tmp_path: Path, atomic: bool, step_runs: StepRuns
) -> None:
    tree = _tiny_site(tmp_path / "tree")
    for pause_after in range(1, 100):
        live = tmp_path / f"k{pause_after}" / "ssc2020"
        for name in ("A", "B"):
            deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, name), check=lambda t: [])
        line = step_runs.run("rollback", tree, live, "", pause_after, atomic=atomic)
        if line.startswith("DONE"):
            assert _served_pair(live) == ("A", "B")
            break
        assert line.startswith("PAUSED"), line
        tasks.rollback(tasks.Context(), target=str(live))
        # Killed before the swap: this rollback serves A; killed after it: it rolls forward to B.
        assert _served_pair(live) in {("A", "B"), ("B", "A")}, pause_after
        assert deploy.verify_manifest(live) == [] and deploy.verify_manifest(deploy.previous_path(live)) == []
    else:
        pytest.fail("the rollback never got to the end")


@needs_rsync
def test_an_rsync_switch_stopped_at_any_step_keeps_a_true_history(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    steps = deploy.switch_steps("ROOT", "R")
    assert len(steps) >= 3
    for count in range(len(steps) + 1):
        root = tmp_path / f"srv-{count}"
        for number, name in enumerate(("A", "B"), 1):
            _mark_release(tree, name, number)
            deploy.rsync_release(tree, str(root), release=f"2020092{number}T000000Z-{name}")
        # Release C uploaded, then its switch stopped after `count` of its steps.
        _mark_release(tree, "C", 3)
        (root / "releases" / "20200923T000000Z-C").mkdir()
        subprocess.run(["rsync", "-a", f"{tree}/", f"{root}/releases/20200923T000000Z-C/"], check=True)
        script = "; ".join(deploy.switch_steps(str(root), "20200923T000000Z-C")[:count])
        if script:
            subprocess.run(["sh", "-c", script], check=True)
        served = _marker(root / "current")
        deploy.rollback_release(str(root))
        expected = {"B": "A", "C": "B"}[served]
        assert _marker(root / "current") == expected, f"stopped after {count} step(s)"
        deploy.rollback_release(str(root))  # and forward again
        assert _marker(root / "current") == served


# --- a tree is whole only with exactly its manifest's files --------------------------------------


def test_rollback_refuses_a_previous_tree_with_a_planted_link_or_page(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    live = tmp_path / "ssc2020"
    for name in ("A", "B"):
        deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, name), check=lambda t: [])
    previous = deploy.previous_path(live)
    for planted, message in (
        (lambda: (previous / "en" / "env.txt").symlink_to("/proc/self/environ"), "en/env.txt is a symbolic link"),
        (lambda: (previous / "home").symlink_to(Path.home(), target_is_directory=True), "home is a symbolic link"),
        (lambda: (previous / "login.html").write_text("<form>", encoding="utf-8"), "login.html is not in the manifest"),
    ):
        planted()
        assert message in deploy.verify_manifest(previous)
        served, kept = snapshot(live), snapshot(previous)
        with pytest.raises(Exit) as refused:
            tasks.rollback(tasks.Context(), target=str(live))
        assert message in str(refused.value.message)
        assert snapshot(live) == served and snapshot(previous) == kept
        path = next(
            p
            for p in (previous / "en" / "env.txt", previous / "home", previous / "login.html")
            if p.is_symlink() or p.exists()
        )
        path.unlink()


@needs_rsync
def test_rsync_rollback_refuses_a_release_with_a_planted_link_or_page(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    root = tmp_path / "srv"
    for number, name in enumerate(("20200922T000000Z-aaaa", "20200923T000000Z-bbbb")):
        _mark_release(tree, name, number)
        deploy.rsync_release(tree, str(root), release=name)
    old = root / "releases" / "20200922T000000Z-aaaa"
    for plant, remove in (
        (lambda: (old / "login.html").write_text("<form>"), lambda: (old / "login.html").unlink()),
        (lambda: (old / "en" / "x").symlink_to("/etc/passwd"), lambda: (old / "en" / "x").unlink()),
        (lambda: (old / "index.html").unlink() or (old / "index.html").symlink_to("en/index.html"), None),
    ):
        plant()
        with pytest.raises(deploy.PublishError, match="not rolled back: releases/20200922T000000Z-aaaa is not a whole"):
            deploy.rollback_release(str(root))
        assert (root / "current").resolve().name == "20200923T000000Z-bbbb"
        if remove:
            remove()


def test_manifest_records_cannot_be_split_by_a_file_name(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "en").mkdir(parents=True)
    names = ["a\u0085b.txt", "en/c\u2028d.txt", "e\nf.txt", "g\\h.txt", "-i.txt", "j\u2029k.txt"]
    for number, name in enumerate(names):
        (tree / name).write_text(str(number), encoding="utf-8")
    deploy.write_manifest(tree)
    assert sorted(deploy.read_manifest(tree / deploy.MANIFEST)) == sorted(names)
    assert deploy.verify_manifest(tree) == []
    test = deploy.whole_release_test(shlex.quote(str(tree)))
    assert subprocess.run(["sh", "-c", test]).returncode == 0
    (tree / "en" / "c\u2028d.txt").write_text("changed", encoding="utf-8")
    assert deploy.verify_manifest(tree) == ["en/c\u2028d.txt has changed"]
    assert subprocess.run(["sh", "-c", test]).returncode != 0


def test_a_manifest_of_the_earlier_line_format_is_still_read(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    lines = "".join(f"{deploy.sha256_file(tree / rel)}  {rel}\n" for rel in ("en/index.html", "index.html"))
    (tree / deploy.MANIFEST).write_text(lines, encoding="utf-8")
    assert deploy.verify_manifest(tree) == []
    assert subprocess.run(["sh", "-c", deploy.whole_release_test(shlex.quote(str(tree)))]).returncode == 0
    (tree / "extra.html").write_text("x", encoding="utf-8")
    assert deploy.verify_manifest(tree) == ["extra.html is not in the manifest"]
    assert subprocess.run(["sh", "-c", deploy.whole_release_test(shlex.quote(str(tree)))]).returncode != 0


# --- a target that is a symbolic link -------------------------------------------------------------


def test_a_target_that_is_a_symbolic_link_is_followed_before_anything_changes(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    real = tmp_path / "data" / "ssc2020"
    real.mkdir(parents=True)
    link = tmp_path / "www" / "ssc2020"
    link.parent.mkdir()
    link.symlink_to(real, target_is_directory=True)
    for name in ("A", "B", "C"):
        done = deploy.publish(target=link, rsync=None, beside=link, build=copy_build(tree, name), check=lambda t: [])
        assert done.where == str(real)
    assert link.is_symlink() and link.resolve() == real
    assert _marker(link) == "C" and _served_pair(real) == ("C", "B")
    assert sorted(p.name for p in link.parent.iterdir()) == ["ssc2020"], "nothing beside the link"
    tasks.rollback(tasks.Context(), target=str(link))
    assert _marker(link) == "B"

    dangling = tmp_path / "www" / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(Exit) as refused:
        tasks.publish_site(target=dangling, rsync=None, content=REPO / "content")
    assert str(refused.value.message) == (
        f"Not published: {dangling} is a symbolic link to {tmp_path / 'nowhere'}, which is not a folder; "
        "point it at the folder the web server serves, or publish to that folder"
    )
    assert sorted(p.name for p in dangling.parent.iterdir()) == ["dangling", "ssc2020"]


# --- a killed publish, and a target that refuses -------------------------------------------------


def test_a_killed_publish_stops_its_whole_build(tmp_path: Path) -> None:
    live = tmp_path / "served" / "ssc2020"
    before = make_old_tree(live)
    # The publish process itself (no make.py in between), killed outright: no handler runs.
    task = subprocess.Popen(
        [sys.executable, "-m", "invoke", "publish", "--target", str(live), "--content", str(REPO / "content")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not [p for p in _processes_mentioning(str(tmp_path)) if "ssc_forum.parallel" in p]:
        assert task.poll() is None and time.monotonic() < deadline, task.stdout.read() if task.stdout else ""
        time.sleep(0.02)
    time.sleep(0.5)  # the build is writing
    task.kill()
    task.wait()
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_mentioning(str(tmp_path)) == [], "the build went on after its publish was killed"
    assert snapshot(live) == before
    # The next publish removes the staging folder the killed one left.
    assert len(deploy.stale_leftovers(live)) == 1


def _tmpfs(path: Path, size: str) -> None:
    """Mount a small tmpfs at `path` (root only), or skip."""
    path.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small file system")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system holding a served site: `<disk>/ssc2020` and its previous tree."""
    disk = tmp_path / "disk"
    _tmpfs(disk, "1m")
    try:
        yield disk
    finally:
        for attempt in ("chattr", "umount"):
            if attempt == "chattr":
                subprocess.run(["chattr", "-R", "-i", str(disk)], capture_output=True)
            else:
                subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _publish_real_site(live: Path) -> str:
    """`tasks.publish_site` of the real site built once (publish_helpers), copied in as its build; the Exit message."""
    with pytest.raises(Exit) as refused:
        tasks.publish_site(target=live, rsync=None, content=REPO / "content", site=published().live)
    assert refused.value.code == 1
    return str(refused.value.message)


def test_a_full_disk_is_one_line_and_nothing_changes(small_disk: Path) -> None:
    live = small_disk / "ssc2020"
    before = make_old_tree(live)
    message = _publish_real_site(live)  # the real site is several MB: the copy fills the disk
    assert message.startswith(f"Not published: {live}: No space left on device")
    assert message.endswith("; nothing that is served changed")
    assert "\n" not in message
    assert snapshot(live) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [f".ssc2020{deploy.LOCK_SUFFIX}", "ssc2020"]


def test_a_read_only_target_is_one_line_and_nothing_changes(small_disk: Path) -> None:
    live = small_disk / "ssc2020"
    before = make_old_tree(live)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    message = _publish_real_site(live)
    assert message == (
        f"Not published: {live}: Read-only file system ({deploy.lock_path(live)}); nothing that is served changed"
    )
    assert snapshot(live) == before


def test_an_immutable_target_is_one_line_and_nothing_changes(small_disk: Path) -> None:
    live = small_disk / "ssc2020"
    before = make_old_tree(live)
    if subprocess.run(["chattr", "+i", str(live)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    tree = _tiny_site(small_disk.parent / "tiny")
    with pytest.raises(deploy.PublishError) as refused:
        deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, "new"), check=lambda t: [])
    assert str(refused.value).startswith(f"{live}: Operation not permitted")
    assert str(refused.value).endswith("; nothing that is served changed")
    subprocess.run(["chattr", "-i", str(live)], check=True)
    assert snapshot(live) == before
    assert not _staging_leftovers(small_disk) and not deploy.journal_path(live).exists()


def test_a_local_publish_of_a_changed_checkout_says_dirty(source_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSC_REVISION", "GITHUB_SHA", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
    full = _git(source_repo, "rev-parse", "HEAD").strip()
    assert tasks.source_revision(source_repo) == full
    page = source_repo / "content" / "pages" / "about.en.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAn uncommitted sentence.\n", encoding="utf-8")
    assert tasks.source_revision(source_repo) == f"{full}-dirty"
    # What the build writes into version.txt, through the same variable the pipeline sets.
    tree = workdir() / "dirty-version"
    from ssc_publish.revision import build_revision

    assert build_revision(tree, {"SSC_REVISION": tasks.source_revision(source_repo)}) == f"{full}-dirty"


def test_publish_of_a_built_site_checks_it_and_serves_it_as_it_is(tmp_path: Path) -> None:
    # The pipeline's deploy publishes the `site` artifact its tests passed, rather than a new build.
    built = tmp_path / "dist"
    shutil.copytree(published().live, built)
    (built / deploy.MANIFEST).unlink()
    live = tmp_path / "served" / "ssc2020"
    tasks.publish(tasks.Context(), target=str(live), site=str(built))
    expected = snapshot(built)
    served = snapshot(live)
    assert served.pop(deploy.MANIFEST) and served == expected
    assert deploy.verify_manifest(live) == []
    assert (live / "index.html").stat().st_mtime == (built / "index.html").stat().st_mtime, "times make the ETags"

    (built / "en" / "venue" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><a href="/ssc2020/en/lost/">x</a>'
        "</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(Exit) as refused:
        tasks.publish(tasks.Context(), target=str(live), site=str(built))
    assert str(refused.value.message) == "Not published: 2 problem(s) in the built site."  # the page and its .gz
    assert snapshot(live)["index.html"] == expected["index.html"] and deploy.verify_manifest(live) == []
    with pytest.raises(Exit) as refused:
        tasks.publish(tasks.Context(), target=str(live), site=str(tmp_path / "nothing"))
    assert "is not a built site (no index.html)" in str(refused.value.message)
    # A tree built from another commit would go online under this one's name.
    (built / "version.txt").write_text("f" * 40 + "\n", encoding="utf-8")
    with pytest.raises(Exit) as refused:
        tasks.publish(tasks.Context(), target=str(live), site=str(built))
    assert str(refused.value.message) == (
        f"Not published: {built} was built from {'f' * 40}, not from "
        f"{tasks.source_revision(REPO)} (the commit being published); nothing "
        "that is served changed."
    )


def test_a_disk_without_room_for_a_second_site_is_refused_before_building(small_disk: Path) -> None:
    live = small_disk / "ssc2020"
    make_old_tree(live)
    (live / "big.bin").write_bytes(os.urandom(400_000))
    deploy.write_manifest(live)
    before = snapshot(live)
    (small_disk / "filler").write_bytes(b"\0" * 450_000)  # what else is on the disk
    built: list[Path] = []
    with pytest.raises(deploy.PublishError) as refused:
        deploy.publish(target=live, rsync=None, beside=live, build=built.append, check=lambda t: [])
    assert re.fullmatch(
        rf"{re.escape(str(live))}: No space left on device \(0\.\d MB free beside it; the site "
        r"served there takes 0\.4 MB and the new one is built beside it\); nothing that is served "
        r"changed",
        str(refused.value),
    ), str(refused.value)
    assert built == [] and snapshot(live) == before


def test_a_build_that_fills_the_disk_ends_with_one_line_naming_the_target(small_disk: Path) -> None:
    live = small_disk / "ssc2020"
    before = make_old_tree(live)
    task = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--target", str(live), "--content", str(REPO / "content")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert task.returncode == 1
    last = task.stderr.strip().splitlines()[-1]  # invoke prints the task's Exit message on stderr, last
    assert last == (
        f"Not published: {live}: No space left on device (the build filled the disk at {small_disk}); "
        "nothing that is served changed."
    ), task.stdout[-2000:] + task.stderr[-2000:]
    assert snapshot(live) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [f".ssc2020{deploy.LOCK_SUFFIX}", "ssc2020"]


def test_a_journal_cut_off_while_written_is_removed_once_its_writer_is_gone(tmp_path: Path) -> None:
    live = tmp_path / "ssc2020"
    make_old_tree(live)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    journal = deploy.journal_path(live)
    left = journal.with_name(f"{journal.name}.{dead}.tmp")
    writing = journal.with_name(f"{journal.name}.{os.getpid()}.tmp")
    left.write_text('{"incom', encoding="utf-8")
    writing.write_text("", encoding="utf-8")
    assert deploy.recover(live) is None  # no journal was ever in place: nothing to finish
    assert not left.exists() and writing.exists()


@needs_rsync
def test_a_read_only_rsync_target_is_one_line_and_nothing_switches(small_disk: Path) -> None:
    tree = _tiny_site(small_disk.parent / "tiny")
    root = small_disk / "srv"
    _mark_release(tree, "A", 1)
    deploy.rsync_release(tree, str(root), release="20200921T000000Z-A")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    _mark_release(tree, "B", 2)
    with pytest.raises(deploy.PublishError) as refused:
        deploy.rsync_release(tree, str(root), release="20200922T000000Z-B")
    message = str(refused.value)
    assert message.startswith(f"{root}: the release folder cannot be made, nothing switched (sh -c: mkdir: ")
    assert message.endswith("Read-only file system)") and "\n" not in message
    assert (root / "current").resolve().name == "20200921T000000Z-A"


def test_refusals_of_what_is_not_a_published_tree(tmp_path: Path) -> None:
    tree = _tiny_site(tmp_path / "tree")
    # A target that is a file.
    a_file = tmp_path / "file-target"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(deploy.PublishError, match=rf"^{re.escape(str(a_file))} is not a folder$"):
        deploy.publish(target=a_file, rsync=None, beside=a_file, build=copy_build(tree, "A"), check=lambda t: [])
    # A previous tree that is a symbolic link (to a whole tree, even): never swapped in.
    live = tmp_path / "ssc2020"
    deploy.publish(target=live, rsync=None, beside=live, build=copy_build(tree, "A"), check=lambda t: [])
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(live, elsewhere)
    deploy.previous_path(live).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(Exit) as refused:
        tasks.rollback(tasks.Context(), target=str(live))
    assert str(refused.value.message) == (
        f"not rolled back: {deploy.previous_path(live)} is a symbolic link, not a "
        f"tree written by publish; {live} was left as it was"
    )
    assert deploy.previous_path(live).is_symlink() and _marker(live) == "A"
    deploy.previous_path(live).unlink()
    # A journal that is not one: said, with what to do, and nothing moves.
    deploy.journal_path(live).write_text("{not json", encoding="utf-8")
    with pytest.raises(deploy.PublishError, match=r"cannot be read .*then remove it$"):
        deploy.recover(live)
    deploy.journal_path(live).unlink()
    # A manifest record that is not '<sha256>  <path>'.
    (live / deploy.MANIFEST).write_bytes(b"0" * 63 + b"  index.html\0")
    assert deploy.verify_manifest(live) == [f"{deploy.MANIFEST} record 1 is not '<sha256>  <path>'"]
    # A built site holding a pipe is not copied (the copy would block).
    site = tmp_path / "dist"
    shutil.copytree(tree, site)
    os.mkfifo(site / "en" / "pipe")
    with pytest.raises(Exit) as refused:
        tasks.publish_site(target=tmp_path / "served", rsync=None, content=REPO / "content", site=site)
    assert str(refused.value.message).startswith(f"Not published: {site} was built from an unknown commit")
    (site / "version.txt").write_text(tasks.source_revision(REPO) + "\n", encoding="utf-8")
    with pytest.raises(Exit) as refused:
        tasks.publish_site(target=tmp_path / "served", rsync=None, content=REPO / "content", site=site)
    assert str(refused.value.message) == (
        f"Not published: {site / 'en' / 'pipe'} is not a regular file; nothing that is served changed."
    )
    assert not (tmp_path / "served").exists()
