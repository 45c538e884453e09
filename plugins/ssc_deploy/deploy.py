"""Replace a served tree all at once, keep the one before, and go back to it.

Two ways to publish:

* a local directory that the web server serves: the new tree is built beside it and
  swapped in with one rename; the old tree is kept as `<dir>.previous`;
* an rsync target (`[user@host:]/path`): the tree is copied to a fresh
  `<path>/releases/<name>/`, then the `<path>/current` symlink, which the web server
  serves, is switched to it with one rename; `<path>/previous` points at the release before.

Either way a reader gets the old site or the new one, never a mix, and a failed build or
check never touches what is served.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

STAGING_PREFIX = ".build-"
KEEP_RELEASES = 5
"""Releases kept on an rsync target besides `current` and `previous`."""

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class PublishError(RuntimeError):
    """Publishing stopped; what is served was left as it was."""


def staging_dir(beside: Path, label: str) -> Path:
    """A fresh, empty directory next to `beside`, on the same file system so it can be renamed over it.

    `mkdtemp` makes it private (0700); it is opened up as a normal directory would be, so a web
    server or link checker running as another user can read the tree once it is swapped in.
    """
    beside = beside.absolute()
    beside.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{label}-", dir=beside.parent))
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


def install_tree(new: Path, target: Path, *, keep_previous: bool) -> Path | None:
    """Put the tree at `new` in place of `target`; return where the old tree went, if kept.

    With `keep_previous` the old tree becomes `<target>.previous` (replacing an older one), ready
    for `rollback`; without, it is deleted.
    """
    if not target.exists():
        new.rename(target)
        return None
    exchange(new, target)
    old = new  # after the swap the staging path holds the tree that was served
    if not keep_previous:
        shutil.rmtree(old)
        return None
    previous = previous_path(target)
    if previous.exists():
        shutil.rmtree(previous)
    old.rename(previous)
    return previous


def previous_path(target: Path) -> Path:
    """Where `install_tree` keeps the tree that `target` served before."""
    return target.with_name(target.name + ".previous")


def rollback_tree(target: Path) -> None:
    """Serve `<target>.previous` again; the tree it replaces becomes the previous one (roll forward)."""
    previous = previous_path(target)
    if not previous.is_dir():
        raise PublishError(f"nothing to roll back to: {previous} does not exist")
    exchange(previous, target)


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


def release_name(revision: str = "") -> str:
    """A sortable name for a new release: UTC time, then the source revision if known."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{stamp}-{revision}" if revision else stamp


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


def rollback_release(target: str) -> str:
    """Point `current` back at `previous` on an rsync target (and `previous` at what was current)."""
    host, root = split_target(target)
    r = shlex.quote(root.rstrip("/") or "/")
    script = (
        f"set -e; cd {r}; "
        '[ -L previous ] || { echo "nothing to roll back to: no previous release" >&2; exit 1; }; '
        'cur=$(readlink current); prev=$(readlink previous); '
        'ln -sfn "$prev" .current.tmp && mv -Tf .current.tmp current; '
        'ln -sfn "$cur" .previous.tmp && mv -Tf .previous.tmp previous; '
        "readlink current"
    )
    return _run_shell(host, script).strip()
