"""Each published tree's manifest: its files and their SHA-256, to tell a whole tree from a damaged one.

The manifest (`.manifest.sha256`, the one hidden file a published tree holds; nginx serves no
dot file) is what `sha256sum -z` prints, one NUL-terminated record per file, so no file name can
split a record; `rollback` restores only a tree that matches its manifest exactly.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from ssc_forum.messages import tr

from .errors import PublishError
from .sanity import MANIFEST


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
