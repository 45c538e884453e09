"""Pages written in turns of short-lived processes (`ssc_forum.batches`): same files, same errors."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from ssc_forum import batches  # conftest puts the plugins on the path
from ssc_forum.content import ContentError, Problem


@pytest.fixture
def in_turns_of():
    def set_size(size: int | None) -> None:
        batches.PAGES_PER_PROCESS = size

    yield set_size
    batches.PAGES_PER_PROCESS = None


def _write_pid(folder: Path, name: str) -> None:
    (folder / name).write_text(str(os.getpid()), encoding="utf-8")


def test_jobs_run_in_turns_of_forked_processes_and_the_heavy_ones_alone(tmp_path, in_turns_of) -> None:
    in_turns_of(3)
    jobs = [partial(_write_pid, tmp_path, f"page-{n}") for n in range(7)]
    batches.run(jobs, alone=[partial(_write_pid, tmp_path, "exports")])
    pids = {n: int((tmp_path / f"page-{n}").read_text()) for n in range(7)}
    assert os.getpid() not in pids.values()
    assert len(set(pids.values())) == 3  # 7 pages in turns of at most 3: three processes
    assert [pids[n] == pids[n + 1] for n in range(6)].count(False) == 2  # neighbours share a process
    exports = int((tmp_path / "exports").read_text())
    assert exports not in pids.values() and exports != os.getpid()


def test_without_turns_every_job_runs_here(tmp_path, in_turns_of) -> None:
    in_turns_of(None)
    batches.run([partial(_write_pid, tmp_path, "page")], alone=[partial(_write_pid, tmp_path, "exports")])
    assert {(tmp_path / n).read_text() for n in ("page", "exports")} == {str(os.getpid())}


def _mistake() -> None:
    raise ContentError([Problem("content/pages/about.en.md", None, "the page en/about/index.html would use the "
                                "id 'main' twice", 7)])


def test_a_content_mistake_in_a_turn_reaches_the_build_as_the_same_error(tmp_path, in_turns_of) -> None:
    in_turns_of(1)
    with pytest.raises(ContentError) as raised:
        batches.run([partial(_write_pid, tmp_path, "first"), _mistake, partial(_write_pid, tmp_path, "never")])
    assert [str(p) for p in raised.value.problems] == [
        "content/pages/about.en.md:7: the page en/about/index.html would use the id 'main' twice"]
    assert (tmp_path / "first").exists() and not (tmp_path / "never").exists()  # the build stops at the mistake


def test_any_other_failure_in_a_turn_stops_the_build(tmp_path, in_turns_of, capfd) -> None:
    in_turns_of(1)

    def broken() -> None:
        raise RuntimeError("template exploded")

    with pytest.raises(SystemExit, match="writing pages failed in process"):
        batches.run([partial(_write_pid, tmp_path, "first"), broken])
    assert "RuntimeError: template exploded" in capfd.readouterr().err  # printed where it happened


def test_markdown_rendered_ahead_is_used_only_for_files_not_saved_since(tmp_path) -> None:
    """The two-core build renders the Markdown first; a file saved after that is read again."""
    from pelican.settings import read_settings

    from conftest import ROOT, copy_content
    from ssc_forum import content as content_module
    from ssc_forum import parallel

    content = copy_content(tmp_path)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    read_file = content_module._read_file
    try:
        assert parallel.prepare_markdown(settings) > 10
        parallel._install_prepared()
        sessions = sorted((content / "sessions").glob("*.en.md"))
        kept, saved = sessions[0], sessions[1]
        text = saved.read_text(encoding="utf-8")
        saved.write_text(text.rstrip("\n") + "\n\nSaved after the rendering.\n", encoding="utf-8")
        reader = content_module._reader(settings)
        ahead = parallel._prepared[(str(kept), f"content/sessions/{kept.name}")][1]
        assert content_module._read_file(reader, kept, f"content/sessions/{kept.name}") is ahead
        again = content_module._read_file(reader, saved, f"content/sessions/{saved.name}")
        assert "Saved after the rendering." in again.body
    finally:
        content_module._read_file = read_file
        parallel._prepared.clear()
        parallel._ids_by_text.clear()
        for check in parallel.ID_CHECKS:
            func = getattr(parallel.markup, check)
            if func.__name__ == "known_ids":
                setattr(parallel.markup, check, func.__wrapped__)
