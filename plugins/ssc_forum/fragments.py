"""Parts of pages rendered once per language site and shown on several pages.

A day of the timetable is the largest thing the theme renders (at 1,600 sessions, a third of a
second a language): the timetable page, a page showing all days and a page showing one day put
the same HTML on the page. Templates wrap such a part in `{% call fragment(name, *key) %}`: the
first page renders it, the others take it. The key must name everything the part shows besides
the language site's own settings and programme (a new `Fragments` is made with each programme).
The edit loop counts a page showing such a part as reading its language's whole programme.

Smaller parts shown on thousands of pages (a session's time span, the name of the time zone)
read no record at all, only the values they are given: `{% call fragment.pure(name, *values) %}`
keeps them by those values. The template reads the values from the model before the call, so
the edit loop sees what the page read either way.

Parts that read a few records and look the same on most pages (the footer's list of the forum's
pages) use `{% call fragment.shared(name, *key) %}`: the edit loop's recorder (`hooks.Recorder`)
counts a page showing one as reading what the part read when it was rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from .hooks import Recorder


class Fragments:
    """The rendered parts of one language site's pages, by name and key."""

    def __init__(self, lang: str = "", *, keep: bool = True, recorder: Recorder | None = None) -> None:
        self.lang = lang
        self.keep = keep  # False (the setting FORUM["cache"]): every part is rendered on every page
        self.recorder = recorder  # the edit loop's, told what a page showing a part reads
        self._reads: dict[tuple[Hashable, ...], set[Any]] = {}  # shared part -> what its rendering read
        self._kept: dict[tuple[Hashable, ...], Any] = {}
        self._pure: dict[tuple[Hashable, ...], Any] = {}
        self._shared: dict[tuple[Hashable, ...], Any] = {}

    def __call__(self, *key: Hashable, caller: Callable[[], Any]) -> Any:
        """What `caller` renders for `key`, rendered the first time only."""
        if self.recorder is not None:
            # A timetable's day shows every session of its day: the page reads the language's whole
            # programme, whether the part is rendered now or was kept.
            self.recorder.read_programme(self.lang)
        if not self.keep:
            return caller()
        if key not in self._kept:
            self._kept[key] = caller()
        return self._kept[key]

    def pure(self, *key: Hashable, caller: Callable[[], Any]) -> Any:
        """What `caller` renders for `key`, for a part made only of the values in `key`.

        Only for parts that read no model record (the edit loop does not count them as reading
        the programme): a time span from its two instants, a zone's name from an instant.
        """
        if not self.keep:
            return caller()
        if key not in self._pure:
            self._pure[key] = caller()
        return self._pure[key]

    def shared(self, *key: Hashable, caller: Callable[[], Any]) -> Any:
        """What `caller` renders for `key`, for a part that reads some records of the programme.

        The key names what differs between pages (which link is the page's own); the records it
        reads are the same for every page, and the edit loop keeps them with the part.
        """
        if not self.keep:
            return caller()  # rendered inside the page: the recorder sees its reads as the page's
        if key not in self._shared:
            if self.recorder is None:
                self._shared[key] = caller()
            else:
                with self.recorder.reading() as reads:
                    self._shared[key] = caller()
                self._reads[key] = reads
        if self.recorder is not None:
            self.recorder.read(self._reads[key])
        return self._shared[key]

    def clear(self) -> None:
        """Forget every part: the language site's pages are written, the next site renders its own."""
        for parts in (self._kept, self._pure, self._shared, self._reads):
            parts.clear()
