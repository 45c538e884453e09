"""File times that make HTTP validators follow the content, for the web server and caches.

nginx derives `Last-Modified` and `ETag` (`"<mtime hex>-<size hex>"`) from the file it sends;
with `gzip_static` that is the `.gz` copy. A fresh build writes every file anew, so times from
the clock would change every validator on each deploy (nothing revalidates to 304), and equal
times (gzip's mtime 0, or one time per build) would let a changed page of the same size look
unchanged to a cache.

So each file and its `.gz` copy get a modification time computed from the file's content:
a time in a fixed ~17-year window after 2000-01-01, chosen by the content's SHA-256. A page
whose bytes did not change keeps its validators across builds and deploys (a conditional
request gets 304); a changed page gets new ones. The time is a fingerprint, not the date of
an edit: nginx compares `If-Modified-Since` for equality (`if_modified_since exact`, its
default), which is all this needs, and pages carry an explicit `Cache-Control`, so no cache
guesses a lifetime from the date. rsync (`--archive`) carries the times to the server.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

EPOCH_START = 946_684_800  # 2000-01-01T00:00:00Z
WINDOW = 1 << 29  # about 17 years: dates stay in the past and collisions are one in 5e8


def content_mtime(data: bytes) -> int:
    """The modification time (seconds since the epoch) given to a file with these bytes."""
    return EPOCH_START + int.from_bytes(hashlib.sha256(data).digest()[:8], "big") % WINDOW


def set_content_mtimes(root: Path) -> int:
    """Give every file under `root` its content time; a `.gz` copy gets its original's. Returns the count."""
    count = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        original = path.with_suffix("") if path.suffix == ".gz" else path
        source = original if original.is_file() else path
        stamp = content_mtime(source.read_bytes())
        os.utime(path, (stamp, stamp))
        count += 1
    return count
