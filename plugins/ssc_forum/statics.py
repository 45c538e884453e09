"""Static files: every file the site publishes as is must be a plain file of the project.

Pelican copies `STATIC_PATHS` (under the content folder, e.g. `content/images/`) and the
theme's static folder into the site as they are, following symbolic links. A link under
`content/images/` to `/proc/self/environ` or to a folder of keys would publish them. So,
before anything is built, every entry of those trees must be:

- a regular file or a folder, not a symbolic link (to a file or a folder), a device, a
  pipe or a socket, and its real path must lie inside its tree;
- not hidden: no `.env`, `.git…` or other name starting with a dot anywhere in its path;
- under the content's static folders, not active content: no SVG, HTML, XML or script,
  which a browser would run from the site's own address. `images/` holds only the image
  types in `IMAGE_TYPES`. (The theme's own SVG icons are ours and allowed.)
- a file with a single name: a hard link (`ln /etc/shadow content/images/x.png`) is a
  regular file inside the tree by every other test, and could be any file of the machine;
- (checked by `images.check`, which knows which files the pictures name: an image of the
  content's folders must decode as one, since it is published only as a copy written again
  without metadata, never as it is).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .messages import Message, tr

IMAGE_TYPES = (".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp")
ACTIVE_TYPES = (
    ".htm",
    ".html",
    ".js",
    ".mjs",
    ".shtml",
    ".svg",
    ".svgz",
    ".swf",
    ".xht",
    ".xhtml",
    ".xml",
    ".xsl",
    ".xslt",
)


@dataclass(frozen=True)
class StaticTree:
    """A folder whose files are published as they are."""

    root: Path  # on disk
    label: str  # as editors see it, e.g. content/images
    output: str  # where its files land in the site, e.g. images
    content: bool  # an editors' folder (True) or the theme's (False)


def trees(settings: dict[str, Any]) -> list[StaticTree]:
    """Every static tree of the build: the content's STATIC_PATHS and the theme's static paths."""
    content = Path(settings["PATH"])
    found = []
    for rel in settings.get("STATIC_PATHS") or ():
        if rel:
            found.append(StaticTree(content / rel, f"{content.name}/{rel}".rstrip("/"), rel.strip("/"), True))
    theme = Path(settings.get("THEME") or "")
    if settings.get("THEME") and theme.is_dir():
        out = (settings.get("THEME_STATIC_DIR") or "theme").strip("/")
        for rel in settings.get("THEME_STATIC_PATHS") or ("static",):
            found.append(StaticTree(theme / rel, f"{theme.name}/{rel}".rstrip("/"), out, False))
    return found


def _kind(mode: int) -> Message | None:
    if stat.S_ISLNK(mode):
        return tr("a symbolic link")
    if stat.S_ISFIFO(mode):
        return tr("a named pipe")
    if stat.S_ISSOCK(mode):
        return tr("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return tr("a device")
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return tr("not a regular file")


def _active(suffix: str) -> Message:
    return tr(
        "is active content ({suffix}): a browser would run it from the site's own address, so it is not published",
        suffix=suffix,
    )


def check_tree(tree: StaticTree) -> tuple[list[tuple[str, Message]], list[str]]:
    """Problems `(file as editors see it, message)` and the site paths of the files that may be published."""
    problems: list[tuple[str, Message]] = []
    published: list[str] = []
    try:
        top = os.lstat(tree.root)
    except FileNotFoundError:
        return problems, published
    except OSError as exc:
        return [(tree.label, tr("cannot be read: {reason}", reason=str(exc.strerror)))], published
    kind = _kind(top.st_mode)
    if kind:
        return [
            (
                tree.label,
                tr("is {kind}: a published folder or file must be the thing itself, inside the project", kind=kind),
            )
        ], published
    if stat.S_ISREG(top.st_mode):  # STATIC_PATHS may name a single file
        if top.st_nlink > 1:
            from . import imagefiles

            return [(tree.label, imagefiles.hard_link_problem(top.st_nlink))], published
        if tree.root.name.startswith("."):
            return [(tree.label, tr("is a hidden file: hidden files are never published"))], published
        if tree.content and tree.root.suffix.lower() in ACTIVE_TYPES:
            return [(tree.label, _active(tree.root.suffix.lower()))], published
        return problems, [tree.output]
    real_root = os.path.realpath(tree.root)
    for folder, dirs, files in os.walk(tree.root, followlinks=False, onerror=None):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, tree.root).replace(os.sep, "/")
            label = f"{tree.label}/{rel}"
            try:
                st = os.lstat(path)
            except OSError as exc:
                problems.append((label, tr("cannot be read: {reason}", reason=str(exc.strerror))))
                continue
            mode, links = st.st_mode, st.st_nlink
            kind = _kind(mode)
            if kind:
                target: Message | str = ""
                if stat.S_ISLNK(mode):
                    target = tr(" (to {target})", target=os.readlink(path))
                    if name in dirs:
                        dirs.remove(name)
                problems.append(
                    (
                        label,
                        tr(
                            "is {kind}{target}: only plain files are published; put the file itself here",
                            kind=kind,
                            target=target,
                        ),
                    )
                )
                continue
            if name.startswith("."):
                problems.append(
                    (
                        label,
                        tr(
                            "is a hidden file or folder (its name starts with a dot): hidden files "
                            "are never published; move it out of the site's folders"
                        ),
                    )
                )
                if name in dirs:
                    dirs.remove(name)
                continue
            real = os.path.realpath(path)
            if os.path.commonpath([real, real_root]) != real_root:  # e.g. a bind mount
                problems.append(
                    (label, tr("lies outside the project's folders: only the project's own files are published"))
                )
                continue
            if stat.S_ISDIR(mode):
                continue
            if links > 1:
                from . import imagefiles

                problems.append((label, imagefiles.hard_link_problem(links)))
                continue
            suffix = os.path.splitext(name)[1].lower()
            if tree.content and tree.output.split("/")[0] == "images" and suffix not in IMAGE_TYPES:
                problems.append(
                    (
                        label,
                        tr(
                            "is not an image the site publishes (allowed: {allowed}); SVG and HTML can run scripts",
                            allowed=", ".join(IMAGE_TYPES),
                        )
                        if suffix in ACTIVE_TYPES
                        else tr(
                            "is not an image the site publishes (allowed: {allowed})", allowed=", ".join(IMAGE_TYPES)
                        ),
                    )
                )
                continue
            if tree.content and suffix in ACTIVE_TYPES:
                problems.append((label, _active(suffix)))
                continue
            published.append(f"{tree.output}/{rel}")
    return problems, published


def fingerprint(settings: dict[str, Any]) -> tuple:
    """Names, kinds, sizes, times and links of every static file: a change means a new check."""
    stats: list[tuple[str, int | None, int | None, int | None, int | None, int | None]] = []
    for tree in trees(settings):
        for folder, dirs, files in os.walk(tree.root, followlinks=False):
            for name in dirs + files:
                try:
                    st = os.lstat(os.path.join(folder, name))
                    # A new hard link changes neither size nor time of the file: its count does.
                    stats.append(
                        (os.path.join(folder, name), st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino, st.st_nlink)
                    )
                except OSError:
                    stats.append((os.path.join(folder, name), None, None, None, None, None))
    return tuple(sorted(stats, key=lambda s: s[0]))
