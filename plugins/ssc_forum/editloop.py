"""The edit loop's surroundings: its reader cache, how a full build's tree is put in place, what changed on disk.

Parts of `incremental.LiveSite` that know nothing of the programme: each is given to, or used
beside, the build.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import contentfiles
from .records import Content


@dataclass(frozen=True)
class Snapshot:
    """What a record contributes to the output: its fields and its rendered body."""

    values: tuple
    body: str
    has_shortcodes: bool


def snapshot(data: Content) -> dict[tuple[str, str, str], Snapshot]:
    """Each record by (content type, slug, language): what it contributes to the output."""
    return {
        (r.ctype.name, r.slug, r.lang): Snapshot(
            tuple(sorted((k, repr(v)) for k, v in r.values.items()))
            + tuple(sorted((k, repr(v)) for k, v in r.media.items())),
            str(r.body),
            bool(getattr(r, "shortcodes", ())),
        )
        for r in data.records
    }


def changed_fields(old: Snapshot, new: Snapshot) -> set[str]:
    """The names of the fields that differ between two snapshots of one record."""
    a, b = dict(old.values), dict(new.values)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


class ErrorCollector(logging.Handler):
    """ERROR records of a build: the in-process twin of `pelican --fatal errors`."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


class FileCache:
    """The edit loop's reader cache (`hooks.ReaderCache`): readings kept by file, Markdown settings and the
    hash of the file's bytes."""

    def __init__(self) -> None:
        self.kept: dict[tuple, Any] = {}
        self.rendered = 0  # files actually read since the last reset
        self._digests: dict[str, tuple[tuple[int, int, int], int, bytes]] = {}  # file -> (stat, when, digest)
        self._derived: dict[tuple[Any, ...], tuple[Any, Any]] = {}  # key -> (the reading, what was derived)
        self._looks: dict[tuple[Any, ...], Any] | None = None  # content folder -> its state, within an update

    def _digest(self, file: str) -> bytes:
        """The hash of the file's bytes; read again only when its stat changed since it was last read
        or is not settled (`contentfiles.settled`)."""
        signature = contentfiles.stat_signature(file)
        if signature is None:
            raise FileNotFoundError(file)
        known = self._digests.get(file)
        if known is not None and known[0] == signature and contentfiles.settled(signature, known[1]):
            return known[2]
        read_at = time.time_ns()
        with open(file, "rb") as handle:
            digest = hashlib.blake2b(handle.read(), digest_size=16).digest()
        self._digests[file] = (signature, read_at, digest)
        return digest

    def read_file(self, file: Path, rel: str, read: Callable[[], Any], variant: str = "") -> Any:
        """The kept reading of `file` while its bytes (and the Markdown settings, `variant`) are unchanged."""
        try:
            digest = self._digest(str(file))
        except OSError:
            return read()
        key = (str(file), rel, digest, variant)
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = read()
            self.rendered += 1
        return found

    def known_ids(self, text: str) -> tuple[str, ...] | None:
        """Not kept here: `markup` keeps each body's parse by its text."""
        return None

    def fingerprint(self, key: tuple[Any, ...], look: Callable[[], Any]) -> Any:
        """Within an update (`one_look`), the folder is looked at once: the generators read what the update compared."""
        if self._looks is None:
            return look()
        if key not in self._looks:
            self._looks[key] = look()
        return self._looks[key]

    @contextmanager
    def one_look(self) -> Iterator[None]:
        """Within the block, each content folder's state on disk is taken once (at 5,000 files, 40 ms a look)."""
        self._looks = {}
        try:
            yield
        finally:
            self._looks = None

    def derived(self, reading: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """Kept by key while `reading` is the same object: a file read again is a new reading."""
        found = self._derived.get(key)
        if found is None or found[0] is not reading:
            found = self._derived[key] = (reading, compute())
        return found[1]


class Trees(Protocol):
    """How a full build's tree replaces the served one: `ssc_deploy.deploy` swaps it atomically."""

    def staging_dir(self, beside: Path, label: str) -> Path:
        """A fresh, empty folder next to `beside`, to build into."""

    def install_tree(self, new: Path, target: Path, *, keep_previous: bool) -> Path | None:
        """Put the tree at `new` in place of `target`."""


def readable_temp_dir(parent: Path, prefix: str) -> Path:
    """A fresh, empty folder in `parent` (made if missing), named `prefix…`, readable as an ordinary folder is.

    `mkdtemp` makes it private (0700); it is opened up as the umask would make a new folder, so a
    web server or link checker running as another user can read the tree once it is swapped in.
    """
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
    return path


class LocalTrees:
    """The plain way, for tests and benchmarks: build beside the output, then rename it in place of the old one.

    Between the two renames the output is missing for an instant; the preview (`invoke livereload`)
    is given the publishing tooling's atomic swap instead.
    """

    def staging_dir(self, beside: Path, label: str) -> Path:
        """A fresh folder beside `beside`, readable as an ordinary folder is."""
        return readable_temp_dir(beside.parent, f".{beside.name}-{label}-")

    def install_tree(self, new: Path, target: Path, *, keep_previous: bool) -> Path | None:
        """Rename `new` to `target`; the old tree is deleted (`keep_previous` is not offered here)."""
        old = None
        if target.exists():
            old = target.with_name(new.name + ".old")
            target.rename(old)
        new.rename(target)
        if old is not None:
            shutil.rmtree(old)
        return None


BUILD_PRODUCTS = frozenset({".mo", ".pyc"})
"""Files the build itself writes beside its inputs (compiled catalogues, bytecode): not edits."""


def tree_state(roots: Iterable[Path]) -> dict[Path, tuple[int, int]]:
    """Size and modification time of every file under `roots` (files or folders), dot files and caches aside."""
    state: dict[Path, tuple[int, int]] = {}
    for root in roots:
        root = Path(root).absolute()
        paths = [root] if root.is_file() else root.rglob("*")
        for path in paths:
            if any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(root.parent).parts):
                continue
            if path.suffix in BUILD_PRODUCTS:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file():
                state[path] = (st.st_size, st.st_mtime_ns)
    return state


def changed_paths(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> list[Path]:
    """Files added, removed or changed between two `tree_state`s."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
