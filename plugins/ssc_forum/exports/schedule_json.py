"""`schedule.json`: the frab / pretalx JSON schedule."""

from __future__ import annotations

import json
import re
from typing import Any

from ..hooks import ExportCache

# An event stands in the document by this text until the events' own encodings are put in its place.
_MARK = "\x00event {}\x00"
_MARK_RE = re.compile(r'"\\u0000event (\d+)\\u0000"')


def encode_event(event: dict[str, Any]) -> str:
    """One event as `json.dumps(..., indent=2)` writes it at the top level (the edit loop keeps it)."""
    return json.dumps(event, ensure_ascii=False, indent=2)


def render(data: dict[str, Any], cache: ExportCache | None = None) -> bytes:
    """The schedule data (see `schedule.schedule_data`) as UTF-8 JSON, in a fixed key order.

    The same bytes as `json.dumps(data, ensure_ascii=False, indent=2)` and a newline. Keys keep the
    order in which the data was built (pretalx's order, rooms in programme order), which is fixed:
    no sort is needed for stable output.
    """

    # The document is written with a mark in place of each event, then each event's own encoding
    # is put in (indented to where its mark stood): the events are encoded one at a time, and the
    # edit loop encodes again only those that changed. The pieces are encoded to bytes as they are
    # joined: the whole text is never held as one string (at 1,600 sessions, twice the file).
    def encode(event: dict[str, Any]) -> str:
        if cache is None:
            return encode_event(event)
        # An unchanged session's entry is the same object (`schedule_data`): its encoding is kept.
        return cache.same_object(
            ("json-event", event.get("guid"), event.get("language")), event, lambda: encode_event(event)
        )

    events: list[dict[str, Any]] = []
    schedule = data["schedule"]
    conference = schedule["conference"]
    days = []
    for day in conference["days"]:
        rooms = {}
        for name, in_room in day["rooms"].items():
            rooms[name] = [_MARK.format(len(events) + i) for i in range(len(in_room))]
            events.extend(in_room)
        days.append({**day, "rooms": rooms})
    skeleton = {**data, "schedule": {**schedule, "conference": {**conference, "days": days}}}
    text = json.dumps(skeleton, ensure_ascii=False, indent=2)
    out: list[bytes] = []
    start = 0
    for match in _MARK_RE.finditer(text):
        before = text[start : match.start()]
        indent = before[before.rfind("\n") + 1 :]  # the mark's line holds only its indentation
        out.append(before.encode())
        out.append(encode(events[int(match.group(1))]).replace("\n", "\n" + indent).encode())
        start = match.end()
    out.append(text[start:].encode())
    out.append(b"\n")
    return b"".join(out)
