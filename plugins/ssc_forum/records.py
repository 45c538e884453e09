"""What reading the content gives: one record per content file, the programme's days and rooms, the whole.

The data types every later phase reads (`model`, the checks between files, the edit loop), and
`FileRead`, what one Markdown file gives before its fields are parsed. They hold values only: the
code that fills them is in `markdownfile`, `fields`, `programmefile` and `content`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import schema, shortcodes, streams
from .problems import Problem

FILE_LANG_RE = re.compile(r"\.([a-z]{2})\.(md|markdown)$")
"""The language a content file's name gives (`keynote.ko.md`)."""


@dataclass
class Record:
    """One content file, read and with its fields parsed to their declared kinds."""

    ctype: schema.ContentType
    path: str  # relative to the content folder, for messages
    values: dict[str, Any]
    body: str  # rendered HTML, with a placeholder paragraph for each shortcode
    media: dict[str, tuple[streams.Media, ...]] = field(default_factory=dict)
    shortcodes: tuple[shortcodes.Shortcode, ...] = ()
    failed: frozenset[str] = frozenset()  # fields written but not readable: checks between files skip them
    lines: dict[str, int] = field(default_factory=dict)  # where each field is written
    mtime_ns: int = 0  # when the file was last saved: a disagreement is reported on the one changed last

    @property
    def slug(self) -> str:
        """The record's slug."""
        return self.values["slug"]

    @property
    def lang(self) -> str:
        """The record's language."""
        return self.values["lang"]


@dataclass
class DayRecord:
    """A day of the programme as declared in the programme file."""

    index: int
    values: dict[str, Any]
    media: dict[str, tuple[streams.Media, ...]]


@dataclass
class RoomRecord:
    """A room of the programme as declared in the programme file."""

    values: dict[str, Any]
    media: dict[str, tuple[streams.Media, ...]]


@dataclass
class Content:
    """Everything read from the content folder, valid or not."""

    records: list[Record]
    days: list[DayRecord]
    rooms: list[RoomRecord]
    problems: list[Problem]
    programme_ok: bool = True  # False: the programme file is broken, so no day or room can be checked

    def of(self, ctype: schema.ContentType, lang: str) -> list[Record]:
        """Records of one type in one language, in file order."""
        return [r for r in self.records if r.ctype is ctype and r.lang == lang]


@dataclass
class FileRead:
    """One Markdown file as read: what the build renders and what is wrong with the file alone.

    Everything here depends on the file's bytes and the Markdown settings only, so it can be
    kept between builds while the file is unchanged.
    """

    text: str  # the source, NFC, with LF line ends
    body: str  # rendered HTML, a placeholder paragraph for each shortcode
    raw: dict[str, Any] | None  # metadata as the Markdown reader gives it; None when unreadable
    shortcodes: tuple[shortcodes.Shortcode, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # field name -> line it is written on
    counts: dict[str, int] = field(default_factory=dict)  # field name -> how often it is written
