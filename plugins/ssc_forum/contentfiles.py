"""The content folder on disk: its listing, each file's stat, what the build would skip.

Listings by `os.scandir` (each entry knows whether it is a file, a folder or a link), a file's
stat signature and when it can stand for the file's bytes (`settled`, as git's index trusts it),
the fingerprint the content's reading is kept by, and the files and folders that are not content
(a misspelt folder, a file saved as .txt, a symbolic link), named before the build skips them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import imagefiles, schema, statics
from .messages import tr
from .problems import Problem

SETTLED_NS = 2_000_000_000
"""How much older than a reading of a file its modification time must be for its stat to stand for its bytes."""


def stat_signature(path: Path | str) -> tuple[int, int, int] | None:
    """A file's size, modification time and inode (None if it cannot be read): a save changes them.

    As git's index does, trust it for the bytes only when the time is clearly older than the moment
    they were read (`settled`): a save within the same clock tick, of the same size, keeps all three.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def settled(signature: tuple[int, int, int] | None, read_at_ns: int) -> bool:
    """Whether a file with this stat, read at that time, cannot have been saved again unseen."""
    return signature is not None and signature[1] < read_at_ns - SETTLED_NS


def entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder, by name; none if it is not a folder that can be listed.

    Read with `os.scandir`, whose entries know from the listing itself whether each is a file,
    a folder or a symbolic link: at 5,000 files, asking the file system about each file again
    (as `Path.glob`, `is_file` and `lstat` do) took the better part of a second a build.
    """
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []


def markdown_entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries named `*.md` of a folder (what `folder.glob("*.md")` finds), by name."""
    return [entry for entry in entries(folder) if entry.name.endswith(".md")]


def fingerprint(content_path: Path, programme: str, settings: dict[str, Any] | None = None) -> tuple:
    """What the content looks like on disk: every file's path, size and modification time."""
    files = [(programme, str(content_path / programme))]
    for ctype in schema.CONTENT_TYPES:
        files.extend(
            (f"{ctype.folder}/{entry.name}", entry.path) for entry in markdown_entries(content_path / ctype.folder)
        )
    stats: list[tuple[str, int | None, int | None, int | None]] = []
    for rel, path in files:
        try:
            st = os.lstat(path)
            stats.append((rel, st.st_size, st.st_mtime_ns, st.st_mode))
        except OSError:
            stats.append((rel, None, None, None))
    # Static files are checked with the content: a new link under images/ must be seen too.
    static = statics.fingerprint(settings) if settings is not None else ()
    # And against the site's languages: the same files are right for one table and wrong for another.
    # The table only, which every language's sub-site shares: with its own DEFAULT_LANG in the key,
    # each sub-site read and checked every file again (2.8 s of 14 at 1,600 sessions).
    table = repr(settings.get("LANGUAGES")) if settings is not None else ""
    return (str(content_path.resolve()), tuple(stats), static, table)


def plain_file(entry: os.DirEntry[str], rel: str) -> Problem | None:
    """A content file must be the file itself: a symbolic link could publish any file of the machine."""
    try:
        if entry.is_symlink():
            return Problem(rel, None, tr("is a symbolic link: a content file must be the file itself"))
        if not entry.is_file(follow_symlinks=False):
            return Problem(rel, None, tr("is not a regular file"))
    except OSError as exc:
        return Problem(rel, None, tr("cannot be read: {reason}", reason=str(exc.strerror or exc)))
    return None


def stray_files(content_path: Path, programme: str, settings: dict[str, Any]) -> list[Problem]:
    """Files and folders the build would silently skip: a misspelt folder, a file saved as .txt."""
    problems = []
    known = {ct.folder for ct in schema.CONTENT_TYPES}
    known |= {Path(p).parts[0] for p in (*settings.get("STATIC_PATHS", ()), *settings.get("ARTICLE_PATHS", ())) if p}
    # Photos are read from images/ by the forum itself, also on a sub-site, which publishes no static files.
    known.add(imagefiles.SOURCE_FOLDER)
    where = ", ".join(sorted(known))
    for entry in entries(content_path):
        rel = f"{content_path.name}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name not in known:
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "is not a content folder, so nothing in it is published (content folders: {folders})",
                        folders=where,
                    ),
                )
            )
        elif entry.is_file() and entry.name != programme:
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "is not in a content folder, so it is not published (content folders: {folders})", folders=where
                    ),
                )
            )
    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in entries(folder):
            if not entry.name.startswith(".") and not (entry.is_file() and entry.name.endswith(".md")):
                problems.append(
                    Problem(
                        f"{content_path.name}/{ctype.folder}/{entry.name}",
                        None,
                        tr("is not a Markdown file ending in .md, so it is not published"),
                    )
                )
    return problems


def mtime_ns(file: Path) -> int:
    """When a file was last saved (0 when it cannot be read)."""
    try:
        return file.stat().st_mtime_ns
    except OSError:
        return 0
