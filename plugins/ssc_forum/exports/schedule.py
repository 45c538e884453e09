"""The frab / c3voc schedule as data, in the shape of pretalx's `schedule.json`.

`schedule.xml` and `schedule.json` are both written from this one structure,
so the two files always hold the same events with the same ids, guids and times.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pelican import __version__ as pelican_version

from ..hooks import ExportCache
from ..model import Programme, Session
from .common import (
    ACRONYM,
    Site,
    hhmm,
    iso,
    links,
    person_guid,
    person_ids,
    plain_text,
    room_guid,
    schedule_slug,
    session_guid,
    untimed_note,
)

GENERATOR = {"name": "ssc_forum", "version": f"pelican-{pelican_version}"}

# Shortest grid step schedule apps should use; every published time of the
# forum is on a five-minute mark (pretalx uses the same default).
TIMESLOT = "00:05"


def _event(session: Session, programme: Programme, site: Site, ids: dict[str, int]) -> dict[str, Any]:
    description = "\n\n".join(p for p in (plain_text(session.body), untimed_note(session)) if p)
    return {
        "id": session.number,
        "guid": session_guid(session),
        "date": iso(session.start),
        "start": hhmm(session.start),
        "duration": hhmm(session.end - session.start),
        "room": session.room.name,
        "slug": schedule_slug(session),
        "url": site.url(session.url),
        "title": session.title,
        "subtitle": session.part or "",
        "track": session.day.name,
        "type": session.kind,
        # The language of this file's text: which language each talk was given in
        # (with interpretation) was not published.
        "language": session.lang,
        "abstract": session.summary or "",
        "description": description,
        "recording_license": "",
        "persons": [{"id": ids[p.slug], "guid": person_guid(p), "name": p.name} for p in session.people],
        "links": [{"url": url, "title": title} for url, title in links(session)],
        "attachments": [],
    }


def schedule_data(programme: Programme, site: Site, cache: ExportCache | None = None) -> dict[str, Any]:
    """The whole schedule of one language, as pretalx and frab shape `schedule.json`.

    Given the edit loop's `cache`, an unchanged session's entry is the one made before (the same object).
    """
    ids = person_ids(programme)

    def entry(s: Session) -> dict[str, Any]:
        if cache is None:
            return _event(s, programme, site, ids)
        return cache.session_piece("schedule", s, lambda: _event(s, programme, site, ids))

    days = []
    for day in programme.days:
        rooms: dict[str, list[dict[str, Any]]] = {}
        for room in day.rooms:
            in_room = sorted((s for s in day.sessions if s.room is room), key=lambda s: (s.start, s.number))
            rooms[room.name] = [entry(s) for s in in_room]
        days.append(
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": iso(day.start),
                "day_end": iso(day.end),
                "rooms": rooms,
            }
        )
    conference = {
        "acronym": ACRONYM,
        "title": site.title,
        "start": programme.start.date().isoformat(),
        "end": programme.end.date().isoformat(),
        "daysCount": len(programme.days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": programme.tz.key,
        "url": site.url(""),
        "rooms": [{"name": r.name, "guid": room_guid(r.slug)} for r in programme.rooms],
        "days": days,
    }
    # The version changes exactly when the schedule does, which is what apps
    # compare; a build date would change it on every build.
    digest = hashlib.sha256(json.dumps(conference, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return {
        "generator": GENERATOR,
        "schedule": {
            "url": site.url("timetable/"),  # the schedule's page, as pretalx gives it
            "version": digest[:12],
            "base_url": site.url(""),
            "conference": conference,
        },
    }
