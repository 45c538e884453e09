"""Shortcodes editors can put in Markdown, each on a line of its own.

- `[[timetable]]`: the whole timetable; `[[timetable day=2020-09-22]]`: one day.
- `[[stream youtube:VIDEO_ID]]` or `[[stream link:https://…]]`: a stream player or link.

Markdown wraps a line of its own in `<p>`; the paragraph is replaced whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from . import schema, streams

SHORTCODE_RE = re.compile(r"<p>\s*\[\[\s*([a-z]+)((?:\s+[^\]\s]+)*)\s*\]\]\s*</p>")


@dataclass(frozen=True)
class Shortcode:
    """One shortcode found in a rendered body."""

    name: str
    args: tuple[str, ...]
    text: str


def find(html: str) -> list[Shortcode]:
    """Every shortcode paragraph in rendered HTML, in order."""
    return [Shortcode(m.group(1), tuple(m.group(2).split()), m.group(0)) for m in SHORTCODE_RE.finditer(html)]


def check(code: Shortcode, days: Collection[date] = ()) -> str | None:
    """What is wrong with a shortcode, or None when it is usable; `days` are the programme's."""
    if code.name == "timetable":
        for arg in code.args:
            key, _, value = arg.partition("=")
            if key != "day":
                return f"[[timetable]] takes only day=YYYY-MM-DD, not {arg!r}"
            try:
                on = schema.DATE.parse(value)  # type: ignore[operator]
            except schema.FieldError as exc:
                return f"[[timetable {arg}]]: {exc}"
            if on not in days:
                return f"[[timetable {arg}]]: no such day in the programme"
        return None
    if code.name == "stream":
        if len(code.args) != 1:
            return "[[stream …]] takes exactly one provider:id, e.g. [[stream youtube:VIDEO_ID]]"
        try:
            streams.parse_media(code.args[0])
        except streams.MediaError as exc:
            return f"[[stream]]: {exc}"
        return None
    return f"unknown shortcode [[{code.name}]] (known: timetable, stream)"


def expand(html: str, render: Callable[[Shortcode], str]) -> str:
    """Replace each shortcode paragraph with what `render` makes of it."""
    return SHORTCODE_RE.sub(lambda m: render(Shortcode(m.group(1), tuple(m.group(2).split()), m.group(0))), html)
