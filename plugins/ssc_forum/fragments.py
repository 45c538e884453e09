"""Parts of pages rendered once per language site and shown on several pages.

A day of the timetable is the largest thing the theme renders (at 1,600 sessions, a third of a
second a language): the timetable page, a page showing all days and a page showing one day put
the same HTML on the page. Templates wrap such a part in `{% call fragment(name, *key) %}`: the
first page renders it, the others take it. The key must name everything the part shows besides
the language site's own settings and programme (a new `Fragments` is made with each programme).
The edit loop counts a page showing such a part as reading its language's whole programme.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Fragments:
    """The rendered parts of one language site's pages, by name and key."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Hashable, ...], Any] = {}

    def __call__(self, *key: Hashable, caller: Callable[[], Any]) -> Any:
        """What `caller` renders for `key`, rendered the first time only."""
        if key not in self._kept:
            self._kept[key] = caller()
        return self._kept[key]
