"""A full build on both cores: the two language sites write their pages in two processes.

i18n-subsites builds the English sub-site inside the Korean run: Korean reads its content,
English reads its own, the plugin then links the two sites' generators (translations, each
site's address), and only then does each site write its pages, English first. `ParallelPelican`
forks at that point, when both sites have read everything and are linked: the child writes the
English site, the parent the Korean one, and the parent waits for the child before the post-build
steps (search index, sitemap, `.gz`, fonts), which need both languages on disk. Until the fork
both sites share one reading of the content, so the output is byte for byte that of the
single-process build (tests/test_incremental.py).

Before the build starts, the Markdown files are rendered, and each body checked for repeated
ids, by this process and a forked worker (half each); the forum's content reader then finds each
file's rendering ready (`markdownfile.read_file`, checked against the file's bytes), and the check its
result. Each language site's pages are then written in turns by short-lived processes (`batches`).

The build is given its hooks (`hooks.BuildHooks` in the settings): the Markdown rendered ahead as
its reader cache (`Prepared`), and the work split (`CoreSplit`: pages per writing process, and the
processes writing sub-sites). One wrapper remains, because Pelican's `run` writes every generator's
output in one method with no hook between the sites: after the fork, `_get_writer` replaces the
`generate_output` of this run's generator objects (the parent leaves the sub-site's pages to the
child; the main site's last generator then waits for the child).

Run it as Pelican's command line is run (the same arguments):

    PYTHONPATH=plugins python -m ssc_forum.parallel content -s pelicanconf.py -o output --fatal errors

Without `os.fork` (not on Linux or macOS) it builds in one process, as Pelican does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pelican import Pelican, signals

from . import batches, contentfiles, hooks, markdownfile, markup, schema
from .settings import forum_settings, is_main_site

logger = logging.getLogger(__name__)

SUBSITE_EXPORTS_IN_MAIN = frozenset({"write_schedules"})
"""Exports of the sub-site that the main site's process writes, beside its own pages, to even out the
two processes: the English pages take longer (their Korean words are marked, `langmark`), and at
1,600 sessions the Korean process waited two seconds for the English one without this."""
PAGES_PER_PROCESS = 700
"""Pages each short-lived writing process takes (`batches`): at 1,600 sessions, four turns a language.
The setting FORUM_PAGES_PER_PROCESS overrides it (0: every page in the language site's own process)."""


@dataclass(frozen=True)
class CoreSplit(hooks.WorkSplit):
    """The two-core build's work split: pages per process, and the processes writing sub-sites."""

    children: list[int] = field(default_factory=list)  # pids, in the main site's process
    generators: dict[str, list[Any]] = field(default_factory=dict)  # each language site's, once it has read


def can_fork() -> bool:
    """True where the sub-site can be written by a forked process."""
    return hasattr(os, "fork") and sys.platform != "win32"


def _remember_generators(generators: list[Any]) -> None:
    """Keep a language site's generators on its build's split: its writer is chosen after its sub-sites ran."""
    settings = generators[0].settings if generators else {}
    split = hooks.of(settings).split
    if isinstance(split, CoreSplit):
        split.generators[settings["DEFAULT_LANG"]] = generators


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class Prepared:
    """The Markdown files rendered ahead by this process and a forked worker: the build's reader cache.

    A reading is used only for a file not saved since (compared by stat when the file was settled
    when it was read, else by the hash of its bytes); any other file is read as usual.
    """

    def __init__(self) -> None:
        # (file, rel) -> ((its stat if settled, hash of its bytes), FileRead)
        self.readings: dict[tuple[str, str], tuple[tuple[Any, bytes | None], Any]] = {}
        self.ids: dict[str, tuple[str, ...]] = {}  # a rendered body -> its ids (`markup.id_sequence`)

    def read_file(self, file: Path, rel: str, read: Any, variant: str = "") -> Any:
        """The reading done ahead, if the file is as it was read; else `read()`."""
        found = self.readings.pop((str(file), rel), None)
        if found is not None:
            (settled_stat, digest), reading = found
            if settled_stat is not None and contentfiles.stat_signature(file) == settled_stat:
                return reading
            try:
                if digest is not None and _digest(Path(file).read_bytes()) == digest:
                    return reading
            except OSError:
                pass
        return read()

    def known_ids(self, text: str) -> tuple[str, ...] | None:
        """The ids of a body the workers rendered, if it is one."""
        found = self.ids.get(str(text))
        return tuple(found) if found is not None else None

    def derived(self, reading: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """Computed here: a full build derives each reading's fields once anyway."""
        return compute()

    def fingerprint(self, key: tuple[Any, ...], look: Callable[[], Any]) -> Any:
        """Looked at each time: a full build looks once per language."""
        return look()


def _read_some(share: tuple[list[tuple[Path, str]], dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    """Read these files: each one's FileRead, the ids of its body, and (its stat if settled, the hash of its bytes)."""
    files, settings = share
    reader = markdownfile.reader_for(settings)
    out = []
    for file, rel in files:
        # Taken before reading: a file saved while it is read then differs when the reading is used.
        read_at, signature = time.time_ns(), contentfiles.stat_signature(file)
        try:
            digest = _digest(file.read_bytes())
        except OSError:
            digest = None
        read = markdownfile.read_file(reader, file, rel)
        body = getattr(read, "body", "")
        out.append(
            (
                read,
                markup.id_sequence(body) if body else None,
                (signature if contentfiles.settled(signature, read_at) else None, digest),
            )
        )
    return out


def prepare_markdown(settings: dict[str, Any], workers: int = 2) -> Prepared | None:
    """Render every forum Markdown file in `workers` processes; None where there is too little to share."""
    if not can_fork():
        return None
    content_path = Path(settings["PATH"])
    todo: list[tuple[Path, str]] = []
    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in contentfiles.markdown_entries(folder):
            if entry.is_file(follow_symlinks=False) and not entry.name.startswith("."):
                todo.append((folder / entry.name, f"{content_path.name}/{ctype.folder}/{entry.name}"))
    if len(todo) < 2 * workers:
        return None
    # Every `workers`-th file to each process, not contiguous parts: the files are in order of their
    # kind, and sessions take longer to render than speakers, so halves by position would leave one
    # process waiting for the other. This process reads its share itself while the others read
    # theirs: it would only wait, and its own results need no passing between processes.
    with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
        others = pool.map_async(_read_some, [(todo[i::workers], settings) for i in range(1, workers)])
        parts = [_read_some((todo[0::workers], settings)), *others.get()]
    results: list[Any] = [None] * len(todo)
    for i, part in enumerate(parts):
        results[i::workers] = part
    prepared = Prepared()
    for (file, rel), (read, ids, signature) in zip(todo, results, strict=True):
        if ids is not None:
            prepared.ids[read.body] = ids
        if signature != (None, None):
            prepared.readings[(str(file), rel)] = (signature, read)
    return prepared


class ParallelPelican(Pelican):
    """Pelican whose i18n sub-site writes its pages in a child process, beside the main site's."""

    in_child = False  # True in the forked process writing this sub-site

    def run(self) -> None:
        """Build; in the child, stop once the sub-site is written."""
        if is_main_site(self.settings):
            per_process = int(self.settings.get("FORUM_PAGES_PER_PROCESS", PAGES_PER_PROCESS))
            signals.all_generators_finalized.connect(_remember_generators)
            reader = prepare_markdown(self.settings) if forum_settings(self.settings)["cache"] else None
            # The sub-site is built with a copy of these settings (i18n-subsites): it is given the same hooks.
            self.settings[hooks.SETTING] = hooks.BuildHooks(reader=reader, split=CoreSplit(per_process))
        try:
            super().run()
        except BaseException:
            if self.in_child:
                traceback.print_exc()
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(1)
            raise
        if self.in_child:
            sys.stdout.flush()
            sys.stderr.flush()
            logging.shutdown()
            os._exit(0)

    def _get_writer(self) -> Any:
        split = hooks.of(self.settings).split
        if not isinstance(split, CoreSplit):
            return super()._get_writer()
        own = split.generators.get(self.settings["DEFAULT_LANG"], [])
        writer = super()._get_writer()  # for the main site, i18n-subsites builds the sub-sites in here
        children = split.children
        if is_main_site(self.settings):
            if children and own:
                # The post-build steps need the sub-site on disk: wait once this site's pages are written.
                last = own[-1]
                write = last.generate_output

                def then_wait(w: Any) -> None:
                    write(w)
                    _wait_for_children(children)

                last.generate_output = then_wait
            return writer
        if not can_fork():
            return writer
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        from .generator import ForumGenerator

        forum = [gen for gen in own if isinstance(gen, ForumGenerator)]
        if pid == 0:  # the child writes this sub-site and leaves in run()
            self.in_child = True
            batches.fresh_console_locks()
            for gen in forum:
                gen.exports_written_elsewhere = SUBSITE_EXPORTS_IN_MAIN
            return writer
        children.append(pid)
        logger.info("ssc_forum: the %s site is written by process %d", self.settings["DEFAULT_LANG"], pid)
        for gen in own:  # the parent leaves this sub-site's pages to the child, and writes the exports named
            gen.generate_output = partial(_subsite_exports, gen) if gen in forum else _nothing
        return writer


def _nothing(_writer: Any) -> None:
    return None


def _subsite_exports(gen: Any, _writer: Any) -> None:
    """Write the sub-site's exports named in SUBSITE_EXPORTS_IN_MAIN, in a process of their own."""
    from . import exports

    jobs = [
        partial(write, gen.programme, gen) for write in exports.writers() if write.__name__ in SUBSITE_EXPORTS_IN_MAIN
    ]
    split = hooks.of(gen.settings).split
    if split and split.pages_per_process:
        for job in jobs:  # as the site's own exports are written: the memory goes with the process
            batches.in_child([job])
    else:
        for job in jobs:
            job()


def _wait_for_children(children: list[int]) -> None:
    """Wait for every process writing a sub-site; a failed one stops the build."""
    failed = []
    while children:
        pid = children.pop(0)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failed.append(pid)
    if failed:
        raise SystemExit(
            "ERROR: the sub-site's build failed in its process (see its messages above); the output is incomplete"
        )


PELICAN_CLASS = "ssc_forum.ParallelPelican"
"""The setting naming this build's class; Pelican and i18n-subsites import the package and take the name from it."""


def with_parallel_class(argv: list[str]) -> list[str]:
    """Pelican's command line with PELICAN_CLASS among its extra settings (`-e`).

    Pelican reads the class to build with from its settings, and `-e` takes several settings, a
    second `-e` replacing the first: the setting joins the last `-e` given, or a new one.
    """
    setting = f"PELICAN_CLASS={json.dumps(PELICAN_CLASS)}"
    flags = [i for i, arg in enumerate(argv) if arg in ("-e", "--extra-settings")]
    if not flags:
        return [*argv, "-e", setting]
    at = flags[-1] + 1
    return [*argv[:at], setting, *argv[at:]]


def main(argv: list[str] | None = None) -> None:
    """Pelican's command line, building with ParallelPelican."""
    import pelican

    pelican.main(with_parallel_class(list(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    main()
