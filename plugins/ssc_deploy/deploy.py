"""Replace a served tree all at once, keep the one before, and go back to it.

Two ways to publish:

* a local directory that the web server serves: the new tree is built beside it and
  swapped in with one rename; the old tree is kept as `<dir>.previous`;
* an rsync target (`[user@host:]/path`): the tree is copied to a fresh
  `<path>/releases/<name>/`, then the `<path>/current` symlink, which the web server
  serves, is switched to it with one rename; `<path>/previous` points at the release before.

Either way a reader gets the old site or the new one, never a mix, and a failed build or
check never touches what is served. One publish of a target runs at a time (a lock beside
it); every published tree carries a manifest of its files and their SHA-256, so `rollback`
restores only a tree that is whole; a tree is deleted only after it was renamed away from
every served or kept path, so a kill in the middle of a deletion leaves a stray folder
beside the target (removed by the next publish), never a half site.

The release history survives a kill at any instant (SIGKILL included): before a local swap, a
journal beside the target names the tree going in (by its inode) and where the tree it replaces
will be kept; the next publish or rollback reads it and finishes or undoes what the killed one
began, so `rollback` always serves the site that was served before the one now served. On an
rsync target each release records, before `current` points at it, the release it replaces
(`history/<release>`), and the one switch of `current` makes both true at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ssc_forum.messages import tr

# The parts, each in a module of its own (errors, locks, manifest, swap, releases); `deploy` puts
# them together into one publish and is the one name the tasks, the edit loop and the tests use.
from .errors import CheckFailed, Interrupted, PublishBusy, PublishError, Unfinished
from .locks import (
    LOCK_SUFFIX,
    STAGING_PREFIX,
    lock_path,
    publish_lock,
    remove_stale_leftovers,
    rsync_lock_path,
    signals_as_errors,
    stale_leftovers,
)
from .manifest import read_manifest, sha256_file, verify_manifest, write_manifest
from .releases import (
    HISTORY,
    INPUT_PATHS,
    KEEP_RELEASES,
    REMOTE_LOCK,
    SourceState,
    release_name,
    remote_lock,
    rollback_release,
    rsync_release,
    source_state,
    split_target,
    switch_steps,
    whole_release_test,
)
from .sanity import MANIFEST
from .swap import (
    JOURNAL_SUFFIX,
    discard_tree,
    exchange,
    install_tree,
    journal_path,
    previous_path,
    recover,
    resolve_target,
    rollback_tree,
    staging_dir,
)

__all__ = [
    "HISTORY",
    "INPUT_PATHS",
    "JOURNAL_SUFFIX",
    "KEEP_RELEASES",
    "LOCK_SUFFIX",
    "MANIFEST",
    "REMOTE_LOCK",
    "STAGING_PREFIX",
    "CheckFailed",
    "Interrupted",
    "Published",
    "PublishBusy",
    "PublishError",
    "SourceState",
    "Unfinished",
    "check_space",
    "discard_tree",
    "exchange",
    "install_tree",
    "journal_path",
    "lock_path",
    "no_space_left",
    "previous_path",
    "publish",
    "publish_lock",
    "read_manifest",
    "recover",
    "release_name",
    "remote_lock",
    "remove_stale_leftovers",
    "resolve_target",
    "rollback_release",
    "rollback_tree",
    "rsync_lock_path",
    "rsync_release",
    "sha256_file",
    "signals_as_errors",
    "source_state",
    "split_target",
    "stale_leftovers",
    "staging_dir",
    "switch_steps",
    "tree_size",
    "verify_manifest",
    "whole_release_test",
    "write_manifest",
]


@dataclass
class Published:
    """Where a publish went: the served path or release, and the tree kept for rollback."""

    where: str
    previous: Path | None = None
    removed: tuple[Path, ...] = ()


def publish(
    *,
    target: Path | None,
    rsync: str | None,
    beside: Path,
    build: Callable[[Path], None],
    check: Callable[[Path], list[str]],
    release: str = "",
) -> Published:
    """Build into a fresh folder beside `beside`, check it, write its manifest, then serve it.

    One lock per target is held from before the build until the swap (`PublishBusy` at once
    if another publish holds it); a swap a killed publish left half done is finished or undone
    first (`recover`). `build(staging)` fills the folder or raises; `check(staging)` returns
    problems (`CheckFailed`). A local `target` (or the folder it links to) is swapped in by
    rename; an `rsync` target gets release `release`. On any failure, SIGINT/SIGTERM
    (`Interrupted`) or a file system that refuses (full, read-only, immutable: `PublishError`
    naming the place) before the swap, the staging folder is deleted and nothing served has
    changed.
    """
    if target:
        target = resolve_target(target)
    place = str(target or rsync)
    lock = lock_path(target) if target else rsync_lock_path(str(rsync), beside)
    on_target = contextlib.nullcontext() if target else remote_lock(str(rsync))
    with _refusals(place), publish_lock(lock), signals_as_errors(), on_target:
        if target:
            recover(target)
        removed = tuple(remove_stale_leftovers(target or beside))
        if target:
            check_space(target)
        staging = staging_dir(target or beside, "site")
        try:
            build(staging)
            problems = check(staging)
            if problems:
                raise CheckFailed(problems)
            write_manifest(staging)
            if target:
                try:
                    previous = install_tree(staging, target)
                except Interrupted as exc:  # held back during the swap, delivered once it was done
                    exc.published = True
                    raise
                return Published(str(target), previous, removed)
            return Published(rsync_release(staging, str(rsync), release=release), None, removed)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def tree_size(tree: Path) -> int:
    """Bytes of the regular files under `tree` (links not followed)."""
    total = 0
    for folder, _dirs, names in os.walk(tree):
        for name in names:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(folder, name))
                if stat.S_ISREG(st.st_mode):
                    total += st.st_size
    return total


def no_space_left(path: Path, needed: int = 1 << 20) -> bool:
    """True when the file system of `path` has less than `needed` bytes free for this user."""
    try:
        return shutil.disk_usage(path).free < needed
    except OSError:
        return False


def check_space(target: Path) -> None:
    """Refuse before building when the disk beside `target` cannot hold another tree the size of the one served.

    A new tree is built beside the served one and both exist until the swap; a disk that fills
    halfway through the build would stop it with the build's own error instead of this one line.
    """
    if not target.is_dir():
        return
    needed = tree_size(target)
    free = shutil.disk_usage(target.parent).free
    if free < needed:
        raise PublishError(
            tr(
                "{target}: No space left on device ({free:.1f} MB free beside it; the site served there "
                "takes {needed:.1f} MB and the new one is built beside it); nothing that is served changed",
                target=target,
                free=free / 1e6,
                needed=needed / 1e6,
            )
        )


@contextlib.contextmanager
def _refusals(place: str) -> Iterator[None]:
    """Turn what the file system refuses (disk full, read-only, immutable, no permission) into one line.

    It names the target, and the file refused when that is another one (the staging folder
    beside the target, the lock).
    """
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != place else ""
        raise PublishError(
            tr("{place}: {reason}{where}; nothing that is served changed", place=place, reason=reason, where=where)
        ) from None
