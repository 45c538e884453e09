"""One publish of a target at a time, and what stopped publishes left beside it.

A lock file beside each target (flock: the kernel releases it when its holder ends, however it
ends), the staging and trash folders named after their owner's pid (so a later publish can tell a
folder left by a killed process from one a running build still writes), and SIGINT/SIGTERM turned
into `Interrupted` so that clean-up code runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from ssc_forum.messages import tr

from .errors import Interrupted, PublishBusy

STAGING_PREFIX = ".build-"
"""The start of the name of every folder a build or a publish makes beside its target (staging, trash)."""
LOCK_SUFFIX = ".publish-lock"
_OWNED_NAME = re.compile(rf"^{re.escape(STAGING_PREFIX)}[a-z]+-(\d+)-")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals that stop a publish (Ctrl+C, and what `make.py` passes on)."""


def lock_path(target: Path) -> Path:
    """The lock file of a local target: hidden, beside it, never inside the served tree."""
    target = target.absolute()
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def rsync_lock_path(target: str, beside: Path) -> Path:
    """The lock file of an rsync target, beside the local staging folder (named by the target)."""
    key = hashlib.sha256(target.encode()).hexdigest()[:16]
    return beside.absolute().with_name(f".rsync-{key}{LOCK_SUFFIX}")


def _lock_owner(path: Path) -> str:
    """'pid N, since T' as the holder wrote it (it writes right after taking the lock).

    Read until it names a living process: just after a holder took the lock the file may still be
    empty, or hold the line of a holder that was killed (a clean release empties it).
    """
    for _ in range(20):
        with contextlib.suppress(OSError):
            text = path.read_text(encoding="utf-8").strip()
            found = re.match(r"pid (\d+)", text)
            if found and alive(int(found.group(1))):
                return text
        time.sleep(0.01)
    return "owner unknown"


@contextlib.contextmanager
def publish_lock(path: Path) -> Iterator[None]:
    """Hold the lock file `path` (flock) for the block; raise PublishBusy at once if another holds it.

    The kernel releases a flock when its holder exits, however it ends, so a killed publish
    never leaves the target locked. The file itself stays: deleting a lock file lets two
    processes lock two different files.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishBusy(
                tr("another publish of this target is running ({owner})", owner=_lock_owner(path))
            ) from None
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {since}\n".encode(), 0)
        try:
            yield
        finally:  # still holding the lock: the next rival reads no line of a holder that is gone
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def stale_leftovers(beside: Path) -> list[Path]:
    """Staging and trash folders beside `beside` whose owner process is gone."""
    found = []
    for path in sorted(beside.absolute().parent.glob(f"{STAGING_PREFIX}*")):
        match = _OWNED_NAME.match(path.name)
        if path.is_dir() and not path.is_symlink() and match and not alive(int(match.group(1))):
            found.append(path)
    return found


def remove_stale_leftovers(beside: Path) -> list[Path]:
    """Delete what `stale_leftovers` finds; return what was removed."""
    removed = stale_leftovers(beside)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


@contextlib.contextmanager
def signals_as_errors() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Interrupted` for the block, so clean-up code runs.

    Only in the main thread (the only one Python delivers signals to); elsewhere a no-op.
    """

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    try:
        saved = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
