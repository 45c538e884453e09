"""An rsync target: releases, a `current` link switched atomically, and the source a release comes from.

The tree is copied to a fresh `<path>/releases/<name>/` (unchanged files hard-linked to the last
release), then `<path>/current`, which the web server serves, is switched to it with one rename;
`<path>/previous` points at the release before. Each release records, before `current` points at
it, the release it replaces (`history/<release>`), so a kill at any instant leaves a true history.
A lock directory on the target keeps out publishes from other machines. A release is named after
the commit it is built from (`source_state`), `-dirty` when the working tree differs from it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ssc_forum.messages import tr

from .errors import PublishBusy, PublishError
from .locks import alive
from .sanity import MANIFEST

KEEP_RELEASES = 5
"""Releases kept on an rsync target besides `current` and `previous`."""
INPUT_PATHS = ("content/", "theme/", "plugins/", "pelicanconf.py", "publishconf.py")
"""What a build reads from the repository: untracked files here make a release differ from its commit."""


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
    if holder and stale and stale.group(2) == me and not alive(int(stale.group(1))):
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


_REMOTE = "ssc-rollback:"
"""How the rollback script on the target says why it refused: a code and a path, put into words here."""


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
