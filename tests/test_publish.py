"""Publishing: a bad build or check never touches the served site; a good one replaces it whole."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from invoke import Exit
from publish_helpers import (
    REPO,
    SITE_URL,
    STALE,
    copy_content,
    make_old_tree,
    published,
    snapshot,
    workdir,
)

import tasks
from ssc_deploy import deploy, sanity

# Skipped on a developer's machine without rsync; on CI (CI=true) a missing rsync is an error.
needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None and not os.environ.get("CI"),
                                 reason="rsync is not installed (Debian package rsync)")


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
    page.write_text(page.read_text(encoding="utf-8") + "\n\nSee [the lost page](/ssc2020/en/no-such-page/).\n",
                    encoding="utf-8")


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
        '<section><div></section><a href="#nowhere">b</a><span id="x"></span></body></html>', encoding="utf-8")
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
        '</head><body><a href="/ssc2020/en/">en</a></body></html>', encoding="utf-8")
    (tree / "en" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body></body></html>', encoding="utf-8")
    assert sanity.check_tree(tree, "/ssc2020") == ["index.html: link '/theme/site.css' leaves the site's path /ssc2020"]


def test_publishconf_is_the_local_settings_with_the_public_address() -> None:
    from pelican.settings import read_settings

    base = read_settings(str(REPO / "pelicanconf.py"))
    pub = read_settings(str(REPO / "publishconf.py"))
    assert base["SITEURL"] == ""
    assert pub["SITEURL"] == SITE_URL
    assert pub["PLUGINS"] == base["PLUGINS"]
    assert pub["I18N_SUBSITES"]["en"]["FEED_DOMAIN"] == f"{SITE_URL}/en"
