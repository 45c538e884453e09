"""Two builds of the same commit are byte-identical, whoever builds them, wherever and whenever."""

from __future__ import annotations

import difflib
import gzip
import os
import time

from publish_helpers import REPO, build_with_environment, copy_content, snapshot, workdir


def _describe(name: str, a: bytes, b: bytes) -> str:
    """A short, readable account of how two versions of one file differ."""
    if name.endswith(".gz"):
        try:
            a, b = gzip.decompress(a), gzip.decompress(b)
            name += " (decompressed)"
        except OSError:
            return f"{name}: binary, {len(a)} vs {len(b)} bytes"
    try:
        lines = difflib.unified_diff(
            a.decode().splitlines(), b.decode().splitlines(), "first", "second", n=0, lineterm=""
        )
    except UnicodeDecodeError:
        return f"{name}: binary, {len(a)} vs {len(b)} bytes"
    return f"{name}:\n" + "\n".join(list(lines)[:12])


def test_two_builds_are_byte_identical() -> None:
    # The second build changes everything that must not matter: hash seed (set and dict order),
    # time zone, the content folder's place and its files' modification times (a fresh checkout).
    first, second = workdir() / "det-1", workdir() / "det-2"
    build_with_environment(first, REPO / "content", {"PYTHONHASHSEED": "1", "TZ": "UTC"})
    content = copy_content("det-content")
    later = time.time() + 86_400 * 400
    for path in content.rglob("*"):
        os.utime(path, (later, later))
    build_with_environment(second, content, {"PYTHONHASHSEED": "2", "TZ": "America/Los_Angeles"})

    a, b = snapshot(first), snapshot(second)
    assert len(a) > 100, "the build wrote almost nothing"
    assert sorted(set(a) ^ set(b)) == [], "the two builds wrote different files"
    differing = [name for name in a if a[name] != b[name]]
    assert differing == [], "\n\n".join(_describe(n, a[n], b[n]) for n in differing[:5])
