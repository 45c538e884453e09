"""Gzip copies of the text files, for web servers that serve them as they are.

nginx's `gzip_static on` (and Apache's or a CDN's equivalent) sends `page.html.gz`
to a client that accepts gzip instead of compressing `page.html` on every request.
"""

from __future__ import annotations

import gzip
from pathlib import Path

COMPRESSIBLE = frozenset(
    {".html", ".css", ".js", ".mjs", ".xml", ".json", ".ics", ".svg", ".txt", ".webmanifest", ".map"}
)
"""Suffixes of the files worth compressing; images, fonts and Pagefind's own chunks already are."""


def gzip_bytes(data: bytes) -> bytes:
    """`data` gzipped the same way on every build.

    mtime=0 and no file name in the header: the output depends on the input bytes alone,
    so two builds of one commit give byte-identical `.gz` files.
    """
    return gzip.compress(data, compresslevel=9, mtime=0)


def precompress_tree(root: Path) -> int:
    """Write `<file>.gz` beside every compressible file under `root`; return how many were written.

    A file is skipped when gzip would not make it smaller (tiny files): the server then sends the
    original. `.gz` files whose original is gone or no longer compressible are removed, so a
    rebuild into an existing directory cannot leave a stale compressed copy behind.
    """
    written = 0
    for path in sorted(root.rglob("*")):
        # The preview's editor (ssc_editor) is no part of the public site: megabytes not worth compressing.
        if not path.is_file() or path.relative_to(root).parts[0] == "admin":
            continue
        if path.suffix == ".gz":
            original = path.with_suffix("")
            if original.suffix in COMPRESSIBLE and not original.is_file():
                path.unlink()
            continue
        if path.suffix not in COMPRESSIBLE:
            continue
        data = path.read_bytes()
        packed = gzip_bytes(data)
        target = path.with_name(path.name + ".gz")
        if len(packed) >= len(data):
            target.unlink(missing_ok=True)
            continue
        # Leave an identical file untouched: editors' tools and rsync then see no change.
        if not (target.is_file() and target.read_bytes() == packed):
            target.write_bytes(packed)
        written += 1
    return written
