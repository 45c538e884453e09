"""A local target: swap a new tree in with one rename, keep the one before, and go back to it.

The new tree is built beside the served one and exchanged with it (Linux's renameat2, or three
renames); the old tree is kept as `<target>.previous`. Before a swap a journal beside the target
names the tree going in (by its inode) and where the one it replaces will be kept, so the next
publish or rollback finishes or undoes what a killed one began (`recover`): `rollback` always
serves the site that was served before the one now served. A tree is deleted only after it was
renamed away from every served or kept path, so a kill in the middle of a deletion leaves a
stray folder beside the target, never a half site.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import signal
from collections.abc import Iterator, Mapping
from glob import escape as glob_escape
from pathlib import Path

from ssc_forum.editloop import readable_temp_dir
from ssc_forum.messages import tr

from .errors import PublishError, Unfinished
from .locks import STAGING_PREFIX, STOP_SIGNALS, alive
from .manifest import verify_manifest

JOURNAL_SUFFIX = ".publish-journal"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_dir(beside: Path, label: str) -> Path:
    """A fresh, empty directory next to `beside`, on the same file system so it can be renamed over it.

    Readable as an ordinary folder is (`readable_temp_dir`), for a web server running as another user.
    """
    # The owner's pid is in the name: a later publish can tell a folder left by a killed
    # process (removed) from one that a running build is still writing (left alone).
    return readable_temp_dir(beside.absolute().parent, f"{STAGING_PREFIX}{label}-{os.getpid()}-")


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Swap `a` and `b` with Linux's renameat2(RENAME_EXCHANGE); False where it is not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def exchange(a: Path, b: Path, *, atomic: bool = True, parked: Path | None = None) -> None:
    """Swap two existing directories: `a` gets `b`'s tree and `b` gets `a`'s.

    One atomic system call where the kernel and file system offer it; otherwise three renames
    (`b` is parked at `parked` meanwhile), with a moment in between when `b` does not exist (a
    web server answers 404 for it).
    """
    if atomic and _renameat2_exchange(a, b):
        return
    parked = parked or a.with_name(a.name + ".swap")
    b.rename(parked)
    a.rename(b)
    parked.rename(a)


def _aside(path: Path) -> Path:
    """Rename `path` to a fresh stray name beside it (same file system), so it can be deleted unserved."""
    while True:
        token = os.urandom(4).hex()
        trash = path.with_name(f"{STAGING_PREFIX}trash-{os.getpid()}-{token}")
        if not trash.exists():
            path.rename(trash)
            return trash


def discard_tree(path: Path) -> None:
    """Delete a tree, first renaming it away: a kill in the middle never leaves a half tree at `path`."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(_aside(path))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while trees are renamed; they arrive (and act) right after."""
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):  # not POSIX: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def previous_path(target: Path) -> Path:
    """Where `install_tree` keeps the tree that `target` served before."""
    return target.with_name(target.name + ".previous")


def journal_path(target: Path) -> Path:
    """The journal of a swap in progress: hidden, beside the target (like its lock)."""
    target = target.absolute()
    return target.with_name(f".{target.name}{JOURNAL_SUFFIX}")


def _identity(path: Path) -> list[int] | None:
    """A directory's (device, inode): it moves with the tree through every rename."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return [st.st_dev, st.st_ino]


def _write_journal(target: Path, entry: Mapping[str, object]) -> None:
    """Record the swap about to begin, durably, before anything served is renamed."""
    path = journal_path(target)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:  # a full disk: nothing half-written stays beside the target
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable: a power cut must not undo the journal's order."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_in(incoming: Path, target: Path, *, discard_if_undone: bool) -> None:
    """Put the tree at `incoming` in place of `target` and keep the old one as `<target>.previous`.

    The journal is written first; `recover` finishes the swap (or undoes it) if this process is
    killed at any point in between, and the journal is removed once everything is in place.
    `discard_if_undone`: a swap that never happened leaves `incoming` to be deleted (a new build)
    or where it is (a rollback, whose `incoming` is the previous tree itself).
    """
    previous = previous_path(target)
    entry = {
        "incoming": incoming.name,
        "identity": _identity(incoming),
        "parked": f"{incoming.name}.swap",
        "discard_if_undone": discard_if_undone,
    }
    _write_journal(target, entry)
    with _signals_held():
        try:
            exchange(incoming, target, parked=target.with_name(str(entry["parked"])))
        except OSError:
            # Refused (an immutable or read-only target): nothing was swapped, the journal goes.
            if _identity(target) != entry["identity"] and not target.with_name(str(entry["parked"])).exists():
                with contextlib.suppress(OSError):
                    os.unlink(journal_path(target))
            raise
        try:
            trash = _finish(target, incoming, previous)
        except OSError as exc:
            raise Unfinished(
                tr(
                    "{target} serves the new tree, but keeping the one before as {previous} failed "
                    "({reason}); the next publish or rollback finishes it",
                    target=target,
                    previous=previous,
                    reason=exc.strerror or exc,
                )
            ) from None
    if trash is not None:  # renamed aside already: a stop during the deletion leaves only a stray folder
        _remove(trash)


def _finish(target: Path, old: Path, previous: Path) -> Path | None:
    """After the swap `old` holds the tree that was served: keep it as `previous`, drop the journal.

    Returns the older tree that `previous` held, renamed aside, for the caller to delete.
    """
    trash: Path | None = None
    if old != previous:
        if previous.exists() or previous.is_symlink():
            trash = _aside(previous)
        old.rename(previous)
    os.unlink(journal_path(target))
    _sync_folder(target.parent)
    return trash


def _remove(path: Path) -> None:
    """Delete a tree renamed aside (a symbolic link planted there is removed, never followed)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path)


def recover(target: Path) -> str | None:
    """Finish or undo a swap that a killed publish or rollback left half done; say which, or None.

    Call with the target's lock held (so the writer of the journal is gone). The tree the journal
    names is found by its identity: served already means the swap happened, and the tree served
    before it is kept as `<target>.previous`; otherwise everything goes back as it was.
    """
    path = journal_path(target)
    for half in path.parent.glob(f"{glob_escape(path.name)}.*.tmp"):  # a journal cut off while written
        pid = half.name[len(path.name) + 1 : -len(".tmp")]
        if pid.isdigit() and not alive(int(pid)):
            half.unlink(missing_ok=True)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        incoming = target.with_name(str(entry["incoming"]))
        parked = target.with_name(str(entry["parked"]))
        identity = entry["identity"]
        discard = bool(entry["discard_if_undone"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            tr(
                "{path} cannot be read ({reason}); see which of {target} and {previous} is whole "
                "(`rollback` checks it), then remove it",
                path=path,
                reason=exc,
                target=target,
                previous=previous_path(target),
            )
        ) from None
    previous = previous_path(target)
    served = _identity(target)
    trash: Path | None = None
    with _signals_held():
        if parked.exists():  # a swap by two renames was stopped halfway
            if served is None:
                parked.rename(target)  # the tree served before goes back
                served = _identity(target)
            elif served == identity:
                parked.rename(incoming)  # the new tree is served; the old one takes its place as planned
        if served == identity:
            outcome = "finished"
            if incoming.exists():
                trash = _finish(target, incoming, previous)
            else:
                os.unlink(path)
        else:
            outcome = "undone"
            if discard and incoming.exists():
                trash = _aside(incoming)
            os.unlink(path)
    if trash is not None:
        _remove(trash)
    return outcome


def install_tree(new: Path, target: Path, *, keep_previous: bool = True) -> Path | None:
    """Put the tree at `new` in place of `target`; return where the old tree went, if any.

    The old tree becomes `<target>.previous` (the older one there is renamed aside first and
    deleted last), ready for `rollback`. The renames run with SIGINT/SIGTERM held back, and a
    journal lets the next publish finish them after a SIGKILL (`recover`). Without
    `keep_previous` the old tree is deleted instead.
    """
    if not (target.exists() or target.is_symlink()):
        new.rename(target)
        return None
    if not keep_previous:
        # A build's output folder (`build`, the edit loop): nothing to roll back to, so no journal;
        # the old tree, renamed away by the swap, is deleted.
        with _signals_held():
            exchange(new, target)
        shutil.rmtree(new)
        return None
    _swap_in(new, target, discard_if_undone=True)
    return previous_path(target)


def rollback_tree(target: Path) -> None:
    """Serve `<target>.previous` again; the tree it replaces becomes the previous one (roll forward).

    The tree to restore must match its manifest exactly: a half-deleted or altered tree, or one
    with a file or link its manifest does not list, is refused and nothing changes.
    """
    recover(target)
    previous = previous_path(target)
    if previous.is_symlink():
        raise PublishError(
            tr(
                "not rolled back: {previous} is a symbolic link, not a tree written by publish; "
                "{target} was left as it was",
                previous=previous,
                target=target,
            )
        )
    if not previous.is_dir():
        raise PublishError(tr("nothing to roll back to: {previous} does not exist", previous=previous))
    problems = verify_manifest(previous)
    if problems:
        more = tr(" (and {count} more)", count=len(problems) - 1) if len(problems) > 1 else ""
        raise PublishError(
            tr(
                "not rolled back: {previous} is not a whole published site: {problem}{more}; "
                "{target} was left as it was",
                previous=previous,
                problem=problems[0],
                more=more,
                target=target,
            )
        )
    _swap_in(previous, target, discard_if_undone=False)


def resolve_target(target: Path) -> Path:
    """The folder a local publish replaces: `target`, or the folder it links to.

    A target that is a symbolic link (`/srv/www/ssc2020 -> /data/ssc2020`) is followed before
    anything changes: the link stays, and the tree it points at is replaced beside that tree.
    Anything else that is not a folder is refused.
    """
    target = target.absolute()
    if target.is_symlink():
        real = target.resolve()
        if not real.is_dir():
            raise PublishError(
                tr(
                    "{target} is a symbolic link to {real}, which is not a folder; "
                    "point it at the folder the web server serves, or publish to that folder",
                    target=target,
                    real=real,
                )
            )
        return real
    if target.exists() and not target.is_dir():
        raise PublishError(tr("{target} is not a folder", target=target))
    return target
