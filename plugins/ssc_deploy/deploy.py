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
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path

from ssc_forum.messages import tr

# Each published tree's list of files with their SHA-256, in `sha256sum -z` format (nginx serves
# no dot file); the built-tree check allows this one hidden file.
from .sanity import MANIFEST

STAGING_PREFIX = ".build-"
KEEP_RELEASES = 5
"""Releases kept on an rsync target besides `current` and `previous`."""
LOCK_SUFFIX = ".publish-lock"
JOURNAL_SUFFIX = ".publish-journal"
INPUT_PATHS = ("content/", "theme/", "plugins/", "pelicanconf.py", "publishconf.py")
"""What a build reads from the repository: untracked files here make a release differ from its commit."""

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_OWNED_NAME = re.compile(rf"^{re.escape(STAGING_PREFIX)}[a-z]+-(\d+)-")
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class PublishError(RuntimeError):
    """Publishing stopped; what is served was left as it was."""


class PublishBusy(PublishError):
    """Another publish (or rollback) of the same target holds its lock."""


class CheckFailed(PublishError):
    """The built tree did not pass its check; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(tr("{count} problem(s) in the built site", count=len(problems)))
        self.problems = problems


class Unfinished(PublishError):
    """The new tree is served, but what follows the swap failed; the next publish or rollback finishes it."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; `published` says whether the new tree was already swapped in.

    A BaseException, as KeyboardInterrupt is: code that turns any `Exception` into a message
    (a content check, a plug-in) must not swallow a stop.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.published = False
        super().__init__(tr("stopped by {signal}", signal=signal.Signals(signum).name))


def staging_dir(beside: Path, label: str) -> Path:
    """A fresh, empty directory next to `beside`, on the same file system so it can be renamed over it.

    `mkdtemp` makes it private (0700); it is opened up as a normal directory would be, so a web
    server or link checker running as another user can read the tree once it is swapped in.
    """
    beside = beside.absolute()
    beside.parent.mkdir(parents=True, exist_ok=True)
    # The owner's pid is in the name: a later publish can tell a folder left by a killed
    # process (removed) from one that a running build is still writing (left alone).
    path = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{label}-{os.getpid()}-", dir=beside.parent))
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
    return path


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
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):  # not POSIX: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


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
        if pid.isdigit() and not _alive(int(pid)):
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


# --- manifests ----------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex (what `sha256sum` prints)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(tree: Path) -> tuple[list[str], list[str]]:
    """(regular files, problems) of `tree`, relative POSIX paths, the top manifest aside.

    Nothing is followed: a symbolic link (to a file or a folder), a pipe, a socket or a device
    anywhere in the tree is a problem, since a whole published tree holds only files and folders.
    """
    files: list[str] = []
    problems: list[str] = []
    for folder, dirs, names in os.walk(tree):
        for name in sorted(dirs + names):
            path = os.path.join(folder, name)
            rel = Path(path).relative_to(tree).as_posix()
            try:
                mode = os.lstat(path).st_mode
            except OSError as exc:
                problems.append(str(tr("{path} cannot be read ({reason})", path=rel, reason=exc.strerror)))
                continue
            if stat.S_ISLNK(mode):
                problems.append(str(tr("{path} is a symbolic link", path=rel)))
                if name in dirs:
                    dirs.remove(name)
            elif stat.S_ISREG(mode):
                if rel != MANIFEST:
                    files.append(rel)
            elif not stat.S_ISDIR(mode):
                problems.append(str(tr("{path} is not a regular file", path=rel)))
    return sorted(files), problems


def _files(tree: Path) -> list[str]:
    """Relative POSIX paths of the regular files under `tree` (links not followed), the manifest aside."""
    return _walk(tree)[0]


def write_manifest(tree: Path) -> Path:
    """Write `tree/.manifest.sha256`: every file with its SHA-256, one NUL-terminated record each.

    Each record is what `sha256sum -z` prints (`<sha256>  <path>` and a NUL), so no file name,
    whatever characters it holds (a line break, U+0085, U+2028), can split a record; the rsync
    rollback checks a release with the server's own `sha256sum -z` against it.
    """
    files, problems = _walk(tree)
    if problems:
        raise PublishError(
            tr("{tree}: {problem}: a published site holds only files and folders", tree=tree.name, problem=problems[0])
        )
    records = [sha256_file(tree / rel).encode("ascii") + b"  " + os.fsencode(rel) + b"\0" for rel in files]
    path = tree / MANIFEST
    path.write_bytes(b"".join(records))
    return path


def read_manifest(path: Path) -> dict[str, str]:
    """The files a manifest lists, with their SHA-256; PublishError when it is not one.

    Manifests written before records ended with a NUL (one line per file, as `sha256sum` prints
    them, with no line break or backslash in any name) are read too, so that older releases can
    still be rolled back to.
    """
    data = path.read_bytes()
    records = data.split(b"\0") if b"\0" in data or not data else data.split(b"\n")
    if records and records[-1] == b"":
        records.pop()
    listed: dict[str, str] = {}
    for number, record in enumerate(records, 1):
        digest, sep, rel = record.partition(b"  ")
        if not sep or not re.fullmatch(rb"[0-9a-f]{64}", digest) or not rel or rel in listed:
            raise PublishError(
                tr("{manifest} record {number} is not '<sha256>  <path>'", manifest=MANIFEST, number=number)
            )
        listed[os.fsdecode(rel)] = digest.decode("ascii")
    return listed


def verify_manifest(tree: Path) -> list[str]:
    """What differs between `tree` and its manifest (missing, changed or extra files, links); empty when whole.

    A tree is whole only if it holds exactly the regular files its manifest lists, with their
    contents: a planted link, page or pipe is a difference too.
    """
    manifest = tree / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return [str(tr("it has no {manifest} (not a tree written by publish)", manifest=MANIFEST))]
    try:
        listed = read_manifest(manifest)
    except PublishError as exc:
        return [str(exc)]
    files, problems = _walk(tree)
    present = set(files)
    for rel, digest in listed.items():
        if rel not in present:
            if not any(p.startswith(f"{rel} ") for p in problems):
                problems.append(str(tr("{path} is missing", path=rel)))
        elif sha256_file(tree / rel) != digest:
            problems.append(str(tr("{path} has changed", path=rel)))
    problems.extend(str(tr("{path} is not in the manifest", path=rel)) for rel in sorted(present - listed.keys()))
    return problems


# --- one publish at a time, and what stopped publishes left ----------------------------------


def lock_path(target: Path) -> Path:
    """The lock file of a local target: hidden, beside it, never inside the served tree."""
    target = target.absolute()
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def rsync_lock_path(target: str, beside: Path) -> Path:
    """The lock file of an rsync target, beside the local staging folder (named by the target)."""
    key = hashlib.sha256(target.encode()).hexdigest()[:16]
    return beside.absolute().with_name(f".rsync-{key}{LOCK_SUFFIX}")


def _lock_owner(path: Path) -> str:
    """'pid N, since T' as the holder wrote it (it writes right after taking the lock)."""
    for _ in range(20):
        with contextlib.suppress(OSError):
            text = path.read_text(encoding="utf-8").strip()
            if text:
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
        yield
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
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
        if path.is_dir() and not path.is_symlink() and match and not _alive(int(match.group(1))):
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
        saved = {sig: signal.signal(sig, stop) for sig in _STOP_SIGNALS}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


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


# --- the source of a release ------------------------------------------------------------------


@dataclass(frozen=True)
class SourceState:
    """The commit a build comes from and what in the working tree differs from it."""

    revision: str  # short commit id, "" outside a git checkout
    changes: tuple[str, ...]  # `git status --short` lines that affect the build

    @property
    def dirty(self) -> bool:
        """True when the build would not be what `revision` says."""
        return bool(self.changes)


def source_state(repo: Path) -> SourceState:
    """HEAD of the git checkout at `repo`, with uncommitted changes to tracked files and untracked inputs."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return SourceState("", ())
    status = subprocess.run(
        ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    changes = []
    entries = iter(status.stdout.split("\0"))
    for entry in entries:
        if not entry:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            next(entries, None)  # the rename's source path follows as its own entry
        if code == "??" and not path.startswith(INPUT_PATHS):
            continue  # an untracked note beside the project does not change the site
        changes.append(f"{code.strip()} {path}")
    return SourceState(head.stdout.strip(), tuple(changes))


# --- rsync targets: releases and a `current` symlink ------------------------------------------


def split_target(target: str) -> tuple[str | None, str]:
    """`user@host:/path` to (`user@host`, `/path`); a plain path has no host."""
    head, sep, tail = target.partition(":")
    if sep and "/" not in head:
        return head, tail
    return None, target


def _run_shell(host: str | None, script: str, explain: Callable[[str], object] | None = None) -> str:
    """Run a POSIX shell script on `host` over ssh, or here; return its output.

    `explain` turns the script's own last word (a code it printed) into the message to raise;
    what it does not know (ssh's or a tool's own words) is passed on as said.
    """
    cmd = ["ssh", host, script] if host else ["sh", "-c", script]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = _last_line(done.stderr or done.stdout)
        explained = explain(said) if explain else None
        raise PublishError(explained or f"{' '.join(cmd[:2])}: {said}")
    return done.stdout


def _last_line(text: str) -> str:
    """What a failed tool said last (its reason; rsync and ssh print their own context first): one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def release_name(revision: str = "", *, dirty: bool = False) -> str:
    """A sortable name for a new release: UTC time, the source revision if known, `-dirty` if it differs."""
    name = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    if revision:
        name += f"-{revision}"
    return name + "-dirty" if dirty else name


HISTORY = "history"
"""Folder of an rsync target where each release records the release it replaced (`history/<release>`)."""


def switch_steps(root: str, release: str) -> list[str]:
    """Shell commands, in order, that make `releases/<release>` the served release.

    Each is one atomic rename (`mv -T` is rename(2)) of a link made under a temporary name, so a
    kill between any two leaves a true history: the new release records the one it replaces
    before `current` points at it, and `previous` (for people looking) follows.
    """
    r = shlex.quote(root.rstrip("/") or "/")
    rel = shlex.quote(f"releases/{release}")
    entry = shlex.quote(f"{HISTORY}/{release}")
    tmp = shlex.quote(f"{HISTORY}/.{release}.tmp")
    return [
        f"set -e; cd {r}; mkdir -p {HISTORY}",
        f'if [ -L current ]; then ln -sfn "$(readlink current)" {tmp} && mv -Tf {tmp} {entry}; fi',
        f"ln -sfn {rel} .current.tmp && mv -Tf .current.tmp current",
        f'if [ -L {entry} ]; then ln -sfn "$(readlink {entry})" .previous.tmp && mv -Tf .previous.tmp previous; fi',
    ]


def _switch_script(root: str, release: str) -> str:
    """Shell that points `current` at `releases/<release>`, recording the release it replaces."""
    return "; ".join(switch_steps(root, release))


def _prune_script(root: str, keep: int) -> str:
    """Shell that deletes old releases (and their history), never the one served or the one before it."""
    r = shlex.quote(root.rstrip("/") or "/")
    return (
        f"set -e; cd {r}/releases; "
        'cur=$(basename "$(readlink ../current 2>/dev/null)" 2>/dev/null || true); '
        f'before=$(basename "$(readlink ../{HISTORY}/"$cur" 2>/dev/null)" 2>/dev/null || true); '
        'prev=$(basename "$(readlink ../previous 2>/dev/null)" 2>/dev/null || true); '
        f"ls -1 | sort -r | tail -n +{keep + 1} | while read -r d; do "
        '[ "$d" = "$cur" ] || [ "$d" = "$before" ] || [ "$d" = "$prev" ] || '
        f'{{ rm -rf -- "$d"; rm -f -- ../{HISTORY}/"$d"; }}; done'
    )


def whole_release_test(folder: str) -> str:
    """A POSIX shell test, true when `folder` holds exactly the files its manifest lists, unchanged.

    What `verify_manifest` checks, with the server's own tools (GNU coreutils and findutils):
    no symbolic link, pipe or device; every listed file there with its SHA-256 (`sha256sum -z`
    prints each record exactly as the manifest holds it); as many files as listed records, all
    different. A manifest written before records ended with a NUL is checked by `sha256sum -c`.
    """
    m = MANIFEST
    count = "tr -cd '\\000' | wc -c"  # records: NUL-terminated
    return (
        f"( cd {folder} && [ -f {m} ] && [ ! -L {m} ] && "
        '[ -z "$(find . ! -type f ! -type d -print -quit)" ] && '
        f"n=$({count.replace('tr -cd', f'< {m} tr -cd')}) && "
        f'if [ "$n" -gt 0 ]; then '
        f'[ "$(cut -z -c67- {m} | sort -zu | {count})" -eq "$n" ] && '
        f"cut -z -c67- {m} | xargs -0r sha256sum -z -- | cmp -s - {m}; "
        f"else n=$(wc -l < {m}) && sha256sum --quiet --strict -c {m} >/dev/null 2>&1; fi && "
        f'[ "$(find . -type f ! -path ./{m} -print0 | {count})" -eq "$n" ] )'
    )


def rsync_release(tree: Path, target: str, *, release: str, keep: int = KEEP_RELEASES) -> str:
    """Copy `tree` to a fresh release on `target`, switch `current` to it; return its path.

    rsync writes into a new directory (hard-linking files unchanged since `current`, so a release
    costs little space), with `--delay-updates --delete-after` so even a re-run into the same
    release path changes it only at the end. The symlink switch is the one atomic step.
    """
    host, root = split_target(target)
    dest = f"{root.rstrip('/')}/releases/{release}"
    # A plain mkdir of the release: it fails rather than write into an existing (maybe live) release.
    try:
        _run_shell(host, f"mkdir -p {shlex.quote(root.rstrip('/') + '/releases')} && mkdir {shlex.quote(dest)}")
    except PublishError as exc:  # a read-only or full target, or the release exists: say where
        raise PublishError(
            tr("{target}: the release folder cannot be made, nothing switched ({reason})", target=target, reason=exc)
        ) from None
    remote_dest = f"{host}:{dest}/" if host else f"{dest}/"
    cmd = [
        "rsync",
        "--archive",
        "--delete-after",
        "--delay-updates",
        "--link-dest=../../current/",
        f"{tree.as_posix().rstrip('/')}/",
        remote_dest,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # rsync ends with its summary ("rsync error: ... (code 23)"); the reason is the line before.
        said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = next((line for line in reversed(said) if not line.startswith("rsync error:")), _last_line(done.stderr))
        raise PublishError(tr("{target}: rsync failed, nothing switched: {reason}", target=target, reason=reason))
    _run_shell(host, _switch_script(root, release))
    _run_shell(host, _prune_script(root, keep))
    return dest


REMOTE_LOCK = ".publish-lock"
"""A directory on an rsync target that says a publish of it is running, for publishes from other machines."""


def _take_remote_lock(host: str | None, root: str, owner: str) -> str:
    """Create the lock directory on the target; "" when taken, else what its holder wrote."""
    r = shlex.quote(root.rstrip("/") or "/")
    # mkdir is atomic on any file system: of two publishes, exactly one creates the directory.
    script = (
        f"mkdir -p {r} && cd {r} && "
        f"if mkdir {REMOTE_LOCK} 2>/dev/null; then printf '%s\\n' {shlex.quote(owner)} > {REMOTE_LOCK}/owner; "
        f"else cat {REMOTE_LOCK}/owner 2>/dev/null || echo 'owner unknown'; fi"
    )
    return _run_shell(host, script).strip()


@contextlib.contextmanager
def remote_lock(target: str) -> Iterator[None]:
    """Hold the lock directory of an rsync target for the block; PublishBusy at once if another holds it.

    The local lock only keeps out publishes from the same machine; this one also keeps out a
    publish from a colleague's computer or another CI runner. A lock left by a publish of this
    machine whose process is gone (killed with SIGKILL) is taken over; one from another machine
    is reported with the command that removes it, since its process cannot be checked from here.
    """
    host, root = split_target(target)
    me = socket.gethostname()
    since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    owner = f"pid {os.getpid()} on {me}, since {since}"
    holder = _take_remote_lock(host, root, owner)
    stale = re.match(r"pid (\d+) on (\S+),", holder)
    if holder and stale and stale.group(2) == me and not _alive(int(stale.group(1))):
        _run_shell(host, f"cd {shlex.quote(root.rstrip('/') or '/')} && rm -rf {REMOTE_LOCK}")
        holder = _take_remote_lock(host, root, owner)
    if holder:
        lock = f"{root.rstrip('/')}/{REMOTE_LOCK}"
        raise PublishBusy(
            tr(
                "another publish of this target is running ({owner}); if none is, remove {lock}",
                owner=holder,
                lock=f"{host}:{lock}" if host else lock,
            )
        )
    try:
        yield
    finally:
        with contextlib.suppress(PublishError):
            _run_shell(host, f"cd {shlex.quote(root.rstrip('/') or '/')} && rm -rf {REMOTE_LOCK}")


def rollback_release(target: str) -> str:
    """Point `current` back at `previous` on an rsync target (and `previous` at what was current)."""
    with remote_lock(target):
        return _rollback_release(target)


def _rollback_release(target: str) -> str:
    host, root = split_target(target)
    r = shlex.quote(root.rstrip("/") or "/")
    script = (
        f"set -e; cd {r}; "
        f'[ -L current ] || {{ echo "{_REMOTE}none:" >&2; exit 1; }}; '
        'cur=$(readlink current); name=$(basename "$cur"); '
        # The release served before this one, as this one recorded it when it went live; targets
        # published before the history was kept have only `previous`.
        f'if [ -L {HISTORY}/"$name" ]; then prev=$(readlink {HISTORY}/"$name"); '
        "elif [ -L previous ]; then prev=$(readlink previous); "
        f'else echo "{_REMOTE}unrecorded:$cur" >&2; exit 1; fi; '
        f'[ -d "$prev" ] || {{ echo "{_REMOTE}gone:$prev" >&2; exit 1; }}; '
        # Only a whole release goes back online: exactly the files its manifest lists, unchanged.
        f"{whole_release_test(chr(34) + '$prev' + chr(34))} || "
        f'{{ echo "{_REMOTE}broken:$prev" >&2; exit 1; }}; '
        # The release going back online records the one it replaces (so a second rollback rolls
        # forward) before `current` is switched: a kill in between leaves a true history.
        f'pname=$(basename "$prev"); mkdir -p {HISTORY}; '
        f'ln -sfn "$cur" {HISTORY}/."$pname".tmp && mv -Tf {HISTORY}/."$pname".tmp {HISTORY}/"$pname"; '
        'ln -sfn "$prev" .current.tmp && mv -Tf .current.tmp current; '
        'ln -sfn "$cur" .previous.tmp && mv -Tf .previous.tmp previous; '
        "readlink current"
    )
    return _run_shell(host, script, _rollback_refusal).strip()


_REMOTE = "ssc-rollback:"
"""How the rollback script on the target says why it refused: a code and a path, put into words here."""


def _rollback_refusal(said: str) -> object:
    """The message for a refusal the rollback script printed (`ssc-rollback:<code>:<path>`); None for another line."""
    if not said.startswith(_REMOTE):
        return None
    code, _, path = said[len(_REMOTE) :].partition(":")
    return {
        "none": tr("nothing to roll back to: no current release"),
        "unrecorded": tr("nothing to roll back to: no release before {release} is recorded", release=path),
        "gone": tr("nothing to roll back to: {release} no longer exists", release=path),
        "broken": tr(
            "not rolled back: {release} is not a whole release (its files do not match its manifest)", release=path
        ),
    }.get(code)
