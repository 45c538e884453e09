"""Content-hashed names for the site's assets, so a CDN or browser may keep them for a year.

`theme/css/site.css` is copied to `theme/css/site.3f2a9c1b.css` (the first 8 hex digits of the
SHA-256 of its final bytes), and every reference to it in the built pages, style sheets,
scripts, feeds and JSON files is rewritten to the new name. A changed file gets a new name,
so `Cache-Control: immutable` on fingerprinted names is safe (see deploy/nginx.conf.template).

Decisions:

- The original names stay in place beside the fingerprinted copies: addresses already shared
  outside the site (the sharing image cached by social networks, a bookmarked favicon) keep
  working. The server gives them a short cache lifetime; pages never reference them.
- Pagefind's folder is left as Pagefind wrote it. Its index and fragment files already carry
  a hash in their names; its entry files (`pagefind.js`, `pagefind-entry.json`, the worker and
  the WebAssembly) are found by Pagefind's own code under fixed names, so renaming them would
  break search. They are revalidated like pages.
- Order: assets referenced by other assets (an image in a style sheet) are named first, so a
  changed image changes the name of the style sheet that uses it too.
- Deterministic: names depend on bytes only, files are visited in sorted order.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ASSET_SUFFIXES = frozenset(
    {
        ".css",
        ".js",
        ".mjs",
        ".svg",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".avif",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
    }
)
"""Files that get a fingerprinted copy."""

TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".svg", ".xml", ".json", ".webmanifest"})
"""Files whose references to assets are rewritten."""

SKIP_DIRS = frozenset({"pagefind", "admin"})
"""Top-level folders left as they are (see the module's docstring); `admin/` is the preview's editor
(ssc_editor), whose bundle loads its chunks by their own names."""

CONTENT_ADDRESSED = ("images/derived/",)
"""Folders whose files are named by a hash of their source already (`ssc_forum.images`): not copied again."""

HASH_LENGTH = 8
FINGERPRINTED_RE = re.compile(r"\.[0-9a-f]{" + str(HASH_LENGTH) + r"}\.[A-Za-z0-9]+$")
"""A name that already carries a fingerprint (`site.3f2a9c1b.css`)."""
_HASH_PART_RE = re.compile(r"\.[0-9a-f]{" + str(HASH_LENGTH) + r"}(?=\.[A-Za-z0-9]+$)")


def plain_path(rel: str) -> str:
    """`theme/css/site.3f2a9c1b.css` -> `theme/css/site.css` (other paths unchanged)."""
    return _HASH_PART_RE.sub("", rel, count=1)


# A URL-ish token that ends in an asset suffix. Characters around it must not belong to a URL:
# this finds `href="/theme/css/site.css"`, `url(../img/a.svg)`, `"theme/js/forum.js"` in JSON.
# As one pattern, (?<![A-Za-z0-9_./:%~-])((?:https?://[A-Za-z0-9.:-]+)?[A-Za-z0-9_./~%-]*?\.(?:css|…))
# (?=["'\s)?#,;<>\\]|$), it backtracked over every split of a long token (28 s for one of 80 KB).
# Its lookbehind and lookahead exclude every character a token can hold, so a reference is always a
# whole run of token characters followed by one of those ends: found by the run, then checked by its
# parts, once each (`_is_reference`).
_RUN_RE = re.compile(r"([A-Za-z0-9_./:%~-]+)")
_REF_END = frozenset("\"')?#,;<>\\")
_SUFFIXES_BY_LENGTH = sorted((s[1:] for s in ASSET_SUFFIXES), key=len, reverse=True)
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:-")
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./~%-")


def _is_reference(text: str, match: re.Match[str]) -> bool:
    """Whether a run of token characters is a reference to an asset (see `_RUN_RE`)."""
    end = match.end()
    if end < len(text) and text[end] not in _REF_END and not text[end].isspace():
        return False
    token = match.group(1)
    suffix = next((s for s in _SUFFIXES_BY_LENGTH if token.endswith("." + s)), None)
    if suffix is None:
        return False
    head = token[: -len(suffix) - 1]
    if all(c in _PATH_CHARS for c in head):
        return True
    for scheme in ("https://", "http://"):
        if head.startswith(scheme):
            rest = head[len(scheme) :]
            # A host of one or more host characters, then path characters: everything up to the
            # last character that cannot be in a path must be host characters.
            last = max((i for i, c in enumerate(rest) if c not in _PATH_CHARS), default=-1)
            return bool(rest) and rest[0] in _HOST_CHARS and all(c in _HOST_CHARS for c in rest[: last + 1])
    return False


def _reference_matches(text: str) -> Iterator[re.Match[str]]:
    """Every reference to an asset in `text`; `group(1)` is the reference, in linear time."""
    return (m for m in _RUN_RE.finditer(text) if _is_reference(text, m))


def content_hash(data: bytes) -> str:
    """The fingerprint of `data`: the first hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def fingerprinted_name(name: str, digest: str) -> str:
    """`site.css` with digest `3f2a9c1b` -> `site.3f2a9c1b.css`."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def _is_asset(rel: str) -> bool:
    if rel.split("/", 1)[0] in SKIP_DIRS or "/." in f"/{rel}" or rel.startswith(CONTENT_ADDRESSED):
        return False
    return posixpath.splitext(rel)[1].lower() in ASSET_SUFFIXES and not FINGERPRINTED_RE.search(rel)


def _site_prefix(site_url: str) -> str:
    """The URL path the site lives under: "" for `/`, "/ssc2020" for a sub-path build."""
    return urlsplit(site_url).path.rstrip("/") if site_url else ""


def resolve_reference(token: str, referrer: str, site_url: str) -> str | None:
    """The output-relative path a reference in the file `referrer` points at, or None if outside.

    `token` is absolute (`https://host/ssc2020/theme/a.css`, only on this site's own host),
    root-relative (`/ssc2020/theme/a.css`) or relative to the referring file (`../img/a.svg`).
    """
    parts = urlsplit(token)
    prefix = _site_prefix(site_url)
    if parts.scheme or parts.netloc:
        own = urlsplit(site_url)
        if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
            return None
        path = parts.path
    else:
        path = parts.path
    if path.startswith("/"):
        if prefix and not path.startswith(prefix + "/"):
            return None
        rel = path[len(prefix) + 1 :]
    else:
        rel = posixpath.join(posixpath.dirname(referrer), path)
    rel = posixpath.normpath(rel)
    return None if rel.startswith("../") or rel == ".." else rel


def rewrite_references(text: str, referrer: str, names: dict[str, str], site_url: str) -> str:
    """`text` (the file at `referrer`) with every reference to a renamed asset pointing at its new name.

    Only the last path segment of a reference changes, so its form (absolute, root-relative or
    relative) stays as the template wrote it.
    """

    def swap(match: re.Match[str]) -> str:
        token = match.group(1)
        target = resolve_reference(token, referrer, site_url)
        if target is not None and target not in names:
            target = plain_path(target)  # an earlier pass's name, in a page written before (incremental builds)
        if target is None or target not in names:
            return token
        head, _, _ = token.rpartition("/")
        new_base = posixpath.basename(names[target])
        return f"{head}/{new_base}" if head or token.startswith("/") else new_base

    return _RUN_RE.sub(lambda m: swap(m) if _is_reference(text, m) else m.group(1), text)


def _references(text: str, referrer: str, assets: set[str], site_url: str) -> set[str]:
    found = set()
    for match in _reference_matches(text):
        target = resolve_reference(match.group(1), referrer, site_url)
        if target is not None and target not in assets:
            target = plain_path(target)
        if target in assets and target != referrer:
            found.add(target)
    return found


def _order(assets: list[str], root: Path, site_url: str) -> list[str]:
    """Assets with those they reference first (depth-first; a cycle is broken at its first file)."""
    deps: dict[str, set[str]] = {}
    asset_set = set(assets)
    for rel in assets:
        if posixpath.splitext(rel)[1].lower() in TEXT_SUFFIXES:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            deps[rel] = _references(text, rel, asset_set, site_url)
        else:
            deps[rel] = set()
    ordered: list[str] = []
    state: dict[str, int] = {}

    def visit(rel: str) -> None:
        if state.get(rel):
            return
        state[rel] = 1
        for dep in sorted(deps[rel]):
            visit(dep)
        state[rel] = 2
        ordered.append(rel)

    for rel in assets:
        visit(rel)
    return ordered


def fingerprint_tree(root: Path, site_url: str) -> dict[str, str]:
    """Copy every asset under `root` to its fingerprinted name and rewrite all references.

    Returns {original path: fingerprinted path} (output-relative, POSIX). Run it once on a
    freshly written tree, after every other step that writes pages or assets and before the
    sitemap and the `.gz` copies are made.
    """
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assets = [rel for rel in files if _is_asset(rel)]
    names: dict[str, str] = {}
    for rel in _order(assets, root, site_url):
        source = root / rel
        if posixpath.splitext(rel)[1].lower() in TEXT_SUFFIXES:
            data = rewrite_references(source.read_text(encoding="utf-8"), rel, names, site_url).encode("utf-8")
        else:
            data = source.read_bytes()
        new_rel = posixpath.join(
            posixpath.dirname(rel), fingerprinted_name(posixpath.basename(rel), content_hash(data))
        )
        target = root / new_rel
        target.write_bytes(data)
        shutil.copymode(source, target)
        names[rel] = new_rel
    # Copies named by an earlier pass over this tree (an incremental build) that are not current.
    copies = set(names.values())
    for rel in files:
        if FINGERPRINTED_RE.search(rel) and plain_path(rel) in names and rel not in copies:
            (root / rel).unlink()
    # Pages and data files: every text file outside Pagefind's folder that is not an asset copy.
    for rel in files:
        if (
            rel in names
            or FINGERPRINTED_RE.search(rel)
            or rel.split("/", 1)[0] in SKIP_DIRS
            or posixpath.splitext(rel)[1].lower() not in TEXT_SUFFIXES
        ):
            continue
        path = root / rel
        text = path.read_text(encoding="utf-8")
        rewritten = rewrite_references(text, rel, names, site_url)
        if rewritten != text:
            path.write_text(rewritten, encoding="utf-8")
    return names
