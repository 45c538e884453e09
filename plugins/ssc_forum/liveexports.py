"""The edit loop's store of export pieces (`hooks.ExportCache`): what did not change is not made again.

The calendars and schedules of a language are written again on each update of that language, but
each session's calendar event and schedule entry is kept until its session, or a person or case
of it, changes (`dirty`), and an export file whose bytes did not change is not rewritten (its time
and the browser's cache stay). Each export file written is recorded with the dependency recorder
(`livedeps.Dependencies`) as the language's export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .livedeps import Dependencies


class ExportPieces:
    """Export pieces kept between the builds of a live site, and the export files last written."""

    def __init__(self, recorder: Dependencies) -> None:
        self.recorder = recorder
        self.session_pieces: dict[str, dict[tuple[str, str], Any]] = {}  # kind -> (lang, slug) -> piece
        self.dirty: set[tuple[str, str]] | None = None  # (lang, session slug) whose exports must be made
        self.last_export: dict[str, bytes] = {}  # output path -> the bytes last written there
        self._pieces: dict[tuple, Any] = {}
        self._by_object: dict[tuple, tuple[Any, Any]] = {}
        self._by_data: dict[tuple, tuple[Any, Any]] = {}
        self._prefixes: dict[tuple[str, str], str] = {}

    def clear(self) -> None:
        """Before a full build: every session's pieces are made again and every export file written."""
        self.session_pieces.clear()
        self._prefixes.clear()
        self.last_export.clear()
        self.dirty = None

    def forget_language(self, lang: str) -> None:
        """Every session's pieces of the language are made again (its programme changed in structure)."""
        self.dirty = None
        for store in self.session_pieces.values():
            for key in [k for k in store if k[0] == lang]:
                del store[key]

    def write(self, root: Path, relative: str, data: bytes, write: Callable[[], None]) -> None:
        """Record an export file as the language's; write it unless its bytes are on disk already."""
        recorder = self.recorder
        # One language site's folder, relative to the output root, worked out once per build.
        where = (str(root), str(recorder.root))
        if where not in self._prefixes:
            self._prefixes[where] = recorder.rel(Path(root) / "x")[:-1]
        rel = self._prefixes[where] + relative
        recorder.owner[rel] = "export"
        # Each language site writes its exports into its own output folder.
        recorder.lang_of[rel] = next(
            (lang for lang, gen in recorder.forum_gens.items() if Path(gen.output_path) == Path(root)), ""
        )
        # Unchanged bytes are not written again: the file's time and the page cache stay.
        if self.last_export.get(rel) == data and (recorder.root / rel).is_file():
            return
        write()
        self.last_export[rel] = data
        recorder.written.append(rel)

    def _fresh(self, lang: str, slug: str) -> bool:
        return self.dirty is not None and (lang, slug) not in self.dirty

    def session_piece(self, kind: str, session: Any, make: Callable[[], Any]) -> Any:
        """A session's calendar event or schedule entry, made again only when it, or a person or case of it, changed."""
        key = (session.lang, session.slug)
        store = self.session_pieces.setdefault(kind, {})
        if self._fresh(*key) and key in store:
            return store[key]
        made = store[key] = make()
        return made

    def piece(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A piece made only of what its key names (a calendar's own lines)."""
        if key not in self._pieces:
            self._pieces[key] = make()
        return self._pieces[key]

    def same_object(self, key: tuple[Any, ...], source: Any, make: Callable[[], Any]) -> Any:
        """Kept while `source` is the same object (a schedule entry kept by `session_piece`)."""
        found = self._by_object.get(key)
        if found is None or found[0] is not source:
            found = self._by_object[key] = (source, make())
        return found[1]

    def same_data(self, key: tuple[Any, ...], data: Any, make: Callable[[], Any]) -> Any:
        """A schedule file made again only when its data changed (the data is made anew, never changed once made)."""
        old = self._by_data.get(key)
        if old is not None and old[0] == data:
            return old[1]
        made = make()
        self._by_data[key] = (data, made)
        return made
