"""Pages written in turns of short-lived processes (`ssc_forum.batches`): same files, same errors."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from ssc_forum import batches  # conftest puts the plugins on the path
from ssc_forum.problems import ContentError, Problem


def _write_pid(folder: Path, name: str) -> None:
    (folder / name).write_text(str(os.getpid()), encoding="utf-8")


def test_jobs_run_in_turns_of_forked_processes_and_the_heavy_ones_alone(tmp_path) -> None:
    jobs = [partial(_write_pid, tmp_path, f"page-{n}") for n in range(7)]
    batches.run(jobs, alone=[partial(_write_pid, tmp_path, "exports")], per_process=3)
    pids = {n: int((tmp_path / f"page-{n}").read_text()) for n in range(7)}
    assert os.getpid() not in pids.values()
    assert len(set(pids.values())) == 3  # 7 pages in turns of at most 3: three processes
    assert [pids[n] == pids[n + 1] for n in range(6)].count(False) == 2  # neighbours share a process
    exports = int((tmp_path / "exports").read_text())
    assert exports not in pids.values() and exports != os.getpid()


@pytest.mark.parametrize("per_process", [None, 0, 5])
def test_without_turns_every_job_runs_here(tmp_path, per_process) -> None:
    batches.run(
        [partial(_write_pid, tmp_path, "page")],
        alone=[partial(_write_pid, tmp_path, "exports")],
        per_process=per_process,
    )
    assert {(tmp_path / n).read_text() for n in ("page", "exports")} == {str(os.getpid())}


def _mistake() -> None:
    raise ContentError(
        [Problem("content/pages/about.en.md", None, "the page en/about/index.html would use the id 'main' twice", 7)]
    )


def test_a_content_mistake_in_a_turn_reaches_the_build_as_the_same_error(tmp_path) -> None:
    with pytest.raises(ContentError) as raised:
        batches.run(
            [partial(_write_pid, tmp_path, "first"), _mistake, partial(_write_pid, tmp_path, "never")], per_process=1
        )
    assert [str(p) for p in raised.value.problems] == [
        "content/pages/about.en.md:7: the page en/about/index.html would use the id 'main' twice"
    ]
    assert (tmp_path / "first").exists() and not (tmp_path / "never").exists()  # the build stops at the mistake


def test_any_other_failure_in_a_turn_stops_the_build(tmp_path, capfd) -> None:
    def broken() -> None:
        raise RuntimeError("template exploded")

    with pytest.raises(SystemExit, match="writing pages failed in process"):
        batches.run([partial(_write_pid, tmp_path, "first"), broken], per_process=1)
    assert "RuntimeError: template exploded" in capfd.readouterr().err  # printed where it happened


def test_markdown_rendered_ahead_is_used_only_for_files_not_saved_since(tmp_path) -> None:
    """The two-core build renders the Markdown first; a file saved after that is read again."""
    from pelican.settings import read_settings

    from conftest import ROOT, copy_content
    from ssc_forum import markdownfile, markup, parallel

    content = copy_content(tmp_path)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    prepared = parallel.prepare_markdown(settings)
    assert prepared is not None and len(prepared.readings) > 10
    sessions = sorted((content / "sessions").glob("*.en.md"))
    kept, saved = sessions[0], sessions[1]
    text = saved.read_text(encoding="utf-8")
    saved.write_text(text.rstrip("\n") + "\n\nSaved after the rendering.\n", encoding="utf-8")
    reader = markdownfile.reader_for(settings)
    ahead = prepared.readings[(str(kept), f"content/sessions/{kept.name}")][1]
    assert prepared.known_ids(ahead.body) == markup.id_sequence(ahead.body)

    def read(file: Path) -> object:  # as the content reader asks the build's reader cache
        rel = f"content/sessions/{file.name}"
        return prepared.read_file(file, rel, lambda: markdownfile.read_file(reader, file, rel))

    assert read(kept) is ahead
    again = read(saved)
    assert "Saved after the rendering." in again.body


def test_the_two_core_build_names_its_class_among_the_last_extra_settings() -> None:
    """Pelican builds with the class its settings name; a second `-e` replaces the first, so it joins the last."""
    from ssc_forum import parallel

    setting = 'PELICAN_CLASS="ssc_forum.ParallelPelican"'
    assert parallel.with_parallel_class(["content", "-s", "p.py"]) == ["content", "-s", "p.py", "-e", setting]
    assert parallel.with_parallel_class(["content", "-e", "A=1", "B=2", "--fatal", "errors"]) == [
        "content",
        "-e",
        setting,
        "A=1",
        "B=2",
        "--fatal",
        "errors",
    ]
    assert parallel.with_parallel_class(["c", "-e", "A=1", "--extra-settings", "B=2"]) == [
        "c",
        "-e",
        "A=1",
        "--extra-settings",
        setting,
        "B=2",
    ]
    import ssc_forum

    assert ssc_forum.ParallelPelican is parallel.ParallelPelican
