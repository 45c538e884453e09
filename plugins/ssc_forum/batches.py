"""Writing a language site's pages in turns of short-lived processes, to keep each process small.

Rendering thousands of pages leaves the process that does it larger than the model it renders:
the interpreter keeps the memory of each page's short-lived objects for reuse rather than giving
it back (at 1,600 sessions, about 30 MB a language site). When the build is given a work split
(`hooks.WorkSplit`: the two-core build, `parallel.ParallelPelican`), the pages are written by forked processes
in turns, one after another, each taking that many pages and ending when they are written: its
memory goes with it. The pages are the same, written by the same code from the same model;
only where the garbage of writing them lives changes.

A content mistake found while writing (an id used twice on a page) reaches the parent as the same
`ContentError`, naming the file; any other failure is printed by the process it happened in and
stops the build.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence

from . import subsites
from .problems import ContentError

logger = logging.getLogger(__name__)


def in_turns(count: int, per_process: int | None) -> bool:
    """Whether `count` writing jobs would be run in turns of forked processes of `per_process` jobs."""
    return per_process is not None and 0 < per_process < count and hasattr(os, "fork")


def run(
    jobs: Sequence[Callable[[], None]], alone: Sequence[Callable[[], None]] = (), *, per_process: int | None = None
) -> None:
    """Run each writing job, in this process or in turns of forked ones taking `per_process` jobs each.

    `alone` are jobs that need much memory while they run (the exports hold the whole schedule):
    in turns, each has a process of its own, so that no process pays for pages and them at once.
    """
    if not per_process or not in_turns(len(jobs), per_process):
        for job in (*jobs, *alone):
            job()
        return
    turns = -(-len(jobs) // per_process)
    logger.info(
        "ssc_forum: %d pages written by %d processes in turns, then %d export job(s)", len(jobs), turns, len(alone)
    )
    bounds = [len(jobs) * i // turns for i in range(turns + 1)]
    # What exists now (the model, the templates) is moved out of the collector's sight while the
    # turns run, as the gc module's documentation advises before forking: a child's collection
    # would otherwise walk, and so copy page by page, the whole heap it shares with this process.
    gc.freeze()
    try:
        for start, stop in zip(bounds, bounds[1:], strict=False):
            in_child(jobs[start:stop])
        for job in alone:
            in_child([job])
    finally:
        gc.unfreeze()


def in_child(jobs: Sequence[Callable[[], None]]) -> None:
    """Run the jobs in a forked process and wait for it; its content mistake is raised here as ContentError."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: write, report a content mistake to the parent, leave
        os.close(read_end)
        fresh_console_locks()
        status, report = 0, b""
        try:
            for job in jobs:
                job()
        except ContentError as exc:
            status, report = 1, pickle.dumps(exc.problems)
        except BaseException:  # whatever it is, the parent must learn that the turn failed
            traceback.print_exc()
            status = 2
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(report)
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read()
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    if code == 0:
        return
    subsites.forget_unfinished()
    if code == 1 and report:
        raise ContentError(pickle.loads(report))  # our own child's problems, through our own pipe
    raise SystemExit(f"ERROR: writing pages failed in process {pid} (its messages are above); the output is incomplete")


def fresh_console_locks() -> None:
    """New locks for Pelican's console in a forked child: the spinner's thread, which is not forked, may hold them.

    Pelican's console (rich) offers no hook to run after a fork; without this, a child whose
    parent's spinner held the lock at the moment of the fork would wait for it for ever.
    """
    try:
        from pelican.log import console
    except ImportError:
        return
    console._lock = threading.RLock()
    live = getattr(console, "_live", None) or next(iter(getattr(console, "_live_stack", []) or []), None)
    if live is not None and hasattr(live, "_lock"):
        live._lock = threading.RLock()
