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
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Each published tree's list of files with their SHA-256, in `sha256sum` format (nginx serves
# no dot file); the built-tree check allows this one hidden file.
from .sanity import MANIFEST

STAGING_PREFIX = ".build-"
KEEP_RELEASES = 5
"""Releases kept on an rsync target besides `current` and `previous`."""
LOCK_SUFFIX = ".publish-lock"
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
        super().__init__(f"{len(problems)} problem(s) in the built site")
        self.problems = problems


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; `published` says whether the new tree was already swapped in.

    A BaseException, as KeyboardInterrupt is: code that turns any `Exception` into a message
    (a content check, a plug-in) must not swallow a stop.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.published = False
        super().__init__(f"stopped by {signal.Signals(signum).name}")


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


def exchange(a: Path, b: Path, *, atomic: bool = True) -> None:
    """Swap two existing directories: `a` gets `b`'s tree and `b` gets `a`'s.

    One atomic system call where the kernel and file system offer it; otherwise two renames,
    with a moment in between when `b` does not exist (a web server answers 404 for it).
    """
    if atomic and _renameat2_exchange(a, b):
        return
    parked = a.with_name(a.name + ".swap")
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
    if path.is_dir():
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


def install_tree(new: Path, target: Path, *, keep_previous: bool) -> Path | None:
    """Put the tree at `new` in place of `target`; return where the old tree went, if kept.

    With `keep_previous` the old tree becomes `<target>.previous` (the older one there is renamed
    aside first and deleted last), ready for `rollback`; without, it is deleted. The renames run
    with SIGINT/SIGTERM held back, so an interruption finds either the old state or the new one.
    """
    if not target.exists():
        new.rename(target)
        return None
    trash: Path | None = None
    with _signals_held():
        exchange(new, target)
        old = new  # after the swap the staging path holds the tree that was served
        if keep_previous:
            previous = previous_path(target)
            if previous.exists():
                trash = _aside(previous)
            old.rename(previous)
        else:
            trash = old
    if trash is not None:
        shutil.rmtree(trash)
    return previous_path(target) if keep_previous else None


def previous_path(target: Path) -> Path:
    """Where `install_tree` keeps the tree that `target` served before."""
    return target.with_name(target.name + ".previous")


def rollback_tree(target: Path) -> None:
    """Serve `<target>.previous` again; the tree it replaces becomes the previous one (roll forward).

    The tree to restore must match its manifest: a half-deleted or altered tree is refused and
    nothing changes.
    """
    previous = previous_path(target)
    if not previous.is_dir():
        raise PublishError(f"nothing to roll back to: {previous} does not exist")
    problems = verify_manifest(previous)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise PublishError(f"not rolled back: {previous} is not a whole published site: {problems[0]}{more}; "
                           f"{target} was left as it was")
    with _signals_held():
        exchange(previous, target)


# --- manifests ----------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex (what `sha256sum` prints)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(tree: Path) -> list[str]:
    """Relative POSIX paths of the regular files under `tree` (links not followed), the manifest aside."""
    found = []
    for folder, _dirs, names in os.walk(tree):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                rel = path.relative_to(tree).as_posix()
                if rel != MANIFEST:
                    found.append(rel)
    return sorted(found)


def write_manifest(tree: Path) -> Path:
    """Write `tree/.manifest.sha256`: every file with its SHA-256, as `sha256sum -c` reads it."""
    lines = []
    for rel in _files(tree):
        if "\n" in rel or "\\" in rel:
            raise PublishError(f"{rel!r}: a file name with a line break or backslash cannot be published")
        lines.append(f"{sha256_file(tree / rel)}  {rel}\n")
    path = tree / MANIFEST
    path.write_text("".join(lines), encoding="utf-8")
    return path


def verify_manifest(tree: Path) -> list[str]:
    """What differs between `tree` and its manifest (missing, changed or extra files); empty when whole."""
    manifest = tree / MANIFEST
    if not manifest.is_file():
        return [f"it has no {MANIFEST} (not a tree written by publish)"]
    listed: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            return [f"{MANIFEST} line {number} is not '<sha256>  <path>'"]
        listed[rel] = digest
    problems = []
    present = set(_files(tree))
    for rel, digest in listed.items():
        if rel not in present:
            problems.append(f"{rel} is missing")
        elif sha256_file(tree / rel) != digest:
            problems.append(f"{rel} has changed")
    problems.extend(f"{rel} is not in the manifest" for rel in sorted(present - listed.keys()))
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
            raise PublishBusy(f"another publish of this target is running ({_lock_owner(path)})") from None
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
    if another publish holds it). `build(staging)` fills the folder or raises; `check(staging)`
    returns problems (`CheckFailed`). A local `target` is swapped in by rename; an `rsync`
    target gets release `release`. On any failure or SIGINT/SIGTERM (`Interrupted`) before the
    swap, the staging folder is deleted and nothing served has changed.
    """
    lock = lock_path(target) if target else rsync_lock_path(str(rsync), beside)
    on_target = contextlib.nullcontext() if target else remote_lock(str(rsync))
    with publish_lock(lock), signals_as_errors(), on_target:
        removed = tuple(remove_stale_leftovers(target or beside))
        staging = staging_dir(target or beside, "site")
        try:
            build(staging)
            problems = check(staging)
            if problems:
                raise CheckFailed(problems)
            write_manifest(staging)
            if target:
                try:
                    previous = install_tree(staging, target, keep_previous=True)
                except Interrupted as exc:  # held back during the swap, delivered once it was done
                    exc.published = True
                    raise
                return Published(str(target), previous, removed)
            return Published(rsync_release(staging, str(rsync), release=release), None, removed)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


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
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                          check=False)
    if head.returncode != 0:
        return SourceState("", ())
    status = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=repo,
                            capture_output=True, text=True, check=False)
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


def _run_shell(host: str | None, script: str) -> str:
    """Run a POSIX shell script on `host` over ssh, or here; return its output."""
    cmd = ["ssh", host, script] if host else ["sh", "-c", script]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PublishError(f"{' '.join(cmd[:2])}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def release_name(revision: str = "", *, dirty: bool = False) -> str:
    """A sortable name for a new release: UTC time, the source revision if known, `-dirty` if it differs."""
    name = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    if revision:
        name += f"-{revision}"
    return name + "-dirty" if dirty else name


def _switch_script(root: str, release: str) -> str:
    """Shell that points `current` at `releases/<release>` and `previous` at what `current` was."""
    r = shlex.quote(root.rstrip("/") or "/")
    rel = shlex.quote(f"releases/{release}")
    return (
        f"set -e; cd {r}; "
        # Both links are made under a temporary name and renamed over the old one: `mv -T` is
        # rename(2), so `current` always points at a complete release.
        f'if [ -L current ]; then ln -sfn "$(readlink current)" .previous.tmp && mv -Tf .previous.tmp previous; fi; '
        f"ln -sfn {rel} .current.tmp && mv -Tf .current.tmp current"
    )


def _prune_script(root: str, keep: int) -> str:
    """Shell that deletes old releases, never the ones `current` or `previous` point at."""
    r = shlex.quote(root.rstrip("/") or "/")
    return (
        f"set -e; cd {r}/releases; "
        'cur=$(basename "$(readlink ../current 2>/dev/null)" 2>/dev/null || true); '
        'prev=$(basename "$(readlink ../previous 2>/dev/null)" 2>/dev/null || true); '
        f"ls -1 | sort -r | tail -n +{keep + 1} | while read -r d; do "
        '[ "$d" = "$cur" ] || [ "$d" = "$prev" ] || rm -rf -- "$d"; done'
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
    _run_shell(host, f"mkdir -p {shlex.quote(root.rstrip('/') + '/releases')} && mkdir {shlex.quote(dest)}")
    remote_dest = f"{host}:{dest}/" if host else f"{dest}/"
    cmd = [
        "rsync", "--archive", "--delete-after", "--delay-updates", "--link-dest=../../current/",
        f"{tree.as_posix().rstrip('/')}/", remote_dest,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PublishError(f"rsync failed, nothing switched: {done.stderr.strip()}")
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
        raise PublishBusy(f"another publish of this target is running ({holder}); if none is, "
                          f"remove {f'{host}:' if host else ''}{lock}")
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
        '[ -L previous ] || { echo "nothing to roll back to: no previous release" >&2; exit 1; }; '
        'cur=$(readlink current); prev=$(readlink previous); '
        # Only a whole release goes back online: every file its manifest lists, unchanged.
        f'( cd "$prev" && [ -f {MANIFEST} ] && sha256sum --quiet --strict -c {MANIFEST} ) >/dev/null 2>&1 || '
        '{ echo "not rolled back: $prev is not a whole release (its files do not match its manifest)" >&2; '
        "exit 1; }; "
        'ln -sfn "$prev" .current.tmp && mv -Tf .current.tmp current; '
        'ln -sfn "$cur" .previous.tmp && mv -Tf .previous.tmp previous; '
        "readlink current"
    )
    return _run_shell(host, script).strip()
