"""The extension points of one build: objects a build is given, not functions swapped into modules.

The build is one pipeline with named phases, run by Pelican's generators:

- **read** (`content.read_content`): every content file is read and rendered; a build may be
  given a `ReaderCache` that answers for a file it has read already (the edit loop keeps the
  readings of unchanged files, the two-core build has them rendered ahead by a second process);
- **check** (`content`, then `generator._expand_all`): every problem of the content at once;
- **model** (`model.build`): one programme per language;
- **render** and **write** (`generator.generate_output`, `writer`): the pages, in turns of
  short-lived processes when given a `WorkSplit`, each page telling a `Recorder` (the edit loop's)
  what it read, and shortcodes rendered once when given a store for them;
- **finish**: Pelican's `finalized` signal (search index, sitemap, `.gz`, fonts).

A build's hooks travel in its settings under `FORUM_BUILD` (i18n-subsites gives each sub-site a
copy of the main site's settings, so both languages of one build see the same object, and no
other build does). Without them the build runs as Pelican's command line runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

SETTING = "FORUM_BUILD"
"""The settings key holding a build's `BuildHooks`."""


class ReaderCache(Protocol):
    """Asked for each content file before it is read (the **read** phase)."""

    def read_file(self, file: Path, rel: str, read: Callable[[], Any], variant: str = "") -> Any:
        """The reading of `file` (a `records.FileRead`): a kept one if still valid, else `read()`.

        `variant` names the Markdown settings it is read with: a reading kept under others is not valid.
        """

    def known_ids(self, text: str) -> tuple[str, ...] | None:
        """The ids of a rendered body (`markup.id_sequence`) if already known, else None."""

    def derived(self, reading: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """What `compute()` derives from `reading` alone (its parsed fields): kept while the reading is."""

    def fingerprint(self, key: tuple[Any, ...], look: Callable[[], Any]) -> Any:
        """The content folder's state on disk (`look()`, a listing of every file's stat), or the one taken
        already in this step of the build (the edit loop looks once per update)."""


class Recorder(Protocol):
    """The edit loop's dependency recorder (as Lektor's `record_dependency`): the code that writes and
    renders tells it what each output file reads, so that an edit rewrites only the files it reaches."""

    def wanted(self, path: str) -> bool:
        """Whether the forum's page at this output path is to be written (an update writes a few)."""

    def forum_page(self, lang: str, path: str, writer: Any) -> AbstractContextManager[None]:
        """Around the forum generator's writing of one page of the language site `lang`."""

    def writing(self, path: str) -> AbstractContextManager[None]:
        """Around the writing of any file by the writer (the forum's pages and Pelican's)."""

    def read_programme(self, lang: str) -> None:
        """What is being written shows a part kept from another page: it reads the whole programme."""

    def reading(self) -> AbstractContextManager[set[Any]]:
        """Collect what is read inside the block (a shared page part rendered); the set is filled at its end."""

    def read(self, reads: Iterable[Any]) -> None:
        """Count these reads (collected by `reading`) as made by what is being written."""


class ExportCache(Protocol):
    """The edit loop's store of export pieces (`exports`): what did not change is not made again."""

    def session_piece(self, kind: str, session: Any, make: Callable[[], Any]) -> Any:
        """A piece made of one session and its people and cases (its calendar event, its schedule entry)."""

    def piece(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A piece made only of what `key` names (a calendar's own lines)."""

    def same_object(self, key: tuple[Any, ...], source: Any, make: Callable[[], Any]) -> Any:
        """What `make()` gives for `source`, kept while `source` is the same object."""

    def same_data(self, key: tuple[Any, ...], data: Any, make: Callable[[], Any]) -> Any:
        """What `make()` gives for `data`, kept while `data` is equal to the last one given for `key`."""

    def write(self, root: Path, relative: str, data: bytes, write: Callable[[], None]) -> None:
        """Write an export file by calling `write()` (or not, when its bytes are on disk already)."""


@dataclass(frozen=True)
class WorkSplit:
    """How the **write** phase shares its work: pages per short-lived process (`batches`)."""

    pages_per_process: int


@dataclass
class BuildHooks:
    """What one build is given; every part is optional."""

    reader: ReaderCache | None = None
    split: WorkSplit | None = None
    recorder: Recorder | None = None
    exports: ExportCache | None = None
    shortcodes: dict[str, dict[tuple[Any, ...], str]] | None = None  # rendered shortcodes kept, by language
    write_pictures: bool = True  # False: the derived image files are on disk already (the edit loop's updates)


NO_HOOKS = BuildHooks()


def of(settings: Any) -> BuildHooks:
    """The hooks of the build these settings belong to (none given: a plain build)."""
    hooks = settings.get(SETTING) if hasattr(settings, "get") else None
    return hooks if isinstance(hooks, BuildHooks) else NO_HOOKS
