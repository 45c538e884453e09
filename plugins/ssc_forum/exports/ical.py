"""iCalendar files: the whole programme and one file per session, in the site's language.

UIDs are `<session slug>@forum.seoul.go.kr/ssc2020`: the same in the whole
programme's calendar and in the session's own file, and the same in both
languages. The same session in Korean and in English is one event, so someone
who imports both calendars gets each session once (the later import updates
the earlier, in its language) instead of every session twice at the same hour.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import MAXYEAR, UTC, date, datetime
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from ..hooks import ExportCache
from ..model import Programme, Session
from .common import Site, describe, label

_PRODID = "-//Seoul Smart City Leaders Forum 2020//ssc_forum//{lang}"


def session_path(session: Session) -> str:
    """Where a session's own calendar is written, relative to the language site: next to its page."""
    return f"{session.url}{session.slug}.ics"


def uid(session: Session, site: Site) -> str:
    """The session's calendar UID, stable across builds and languages."""
    return f"{session.slug}@{site.uid_domain}"


def _stamp(programme: Programme) -> datetime:
    # DTSTAMP must be a fixed value for two builds to be byte-identical; the
    # programme's start is fixed data, unlike the time of the build.
    return programme.start.astimezone(UTC)


def _calendar(programme: Programme, site: Site, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", _PRODID.format(lang=site.lang.upper()))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", programme.tz.key)
    return cal


def _event(session: Session, programme: Programme, site: Site) -> Event:
    event = Event()
    lang = {"LANGUAGE": session.lang}
    event.add("uid", uid(session, site))
    event.add("dtstamp", _stamp(programme))
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", session.title, parameters=lang)
    url = site.url(session.url)
    lines = [describe(session)]
    if session.recording:
        lines.append(f"{label(session.lang, 'recording')}: {session.recording.watch_url}")
    lines.append(url)
    event.add("description", "\n\n".join(line for line in lines if line), parameters=lang)
    event.add("location", session.room.name, parameters=lang)
    event.add("url", url)
    event.add("categories", [session.kind])
    event.add("status", "CONFIRMED")
    return event


@lru_cache(maxsize=8)
def _vtimezone(key: str, first: date, last: date) -> bytes:
    # Built once per zone and span: icalendar derives it from the IANA data in ~10 ms, which
    # repeated for every per-session calendar was most of the build time at scale.
    return Timezone.from_tzid(key, first_date=first, last_date=last).to_ical()


def _timezone_bytes(programme: Programme) -> bytes:
    # VTIMEZONE from the IANA data, cut to the forum's year: the full history of
    # Asia/Seoul (with the 1987-88 summer time) would say nothing about 2020.
    last = date(min(programme.end.year + 1, MAXYEAR), 1, 1)  # the check keeps years far from MAXYEAR anyway
    return _vtimezone(programme.tz.key, date(programme.start.year, 1, 1), last)


_END = b"END:VCALENDAR\r\n"


def _assemble(cal: Calendar | bytes, components: list[bytes]) -> bytes:
    """The calendar's own lines (or their serialisation), then the components, each serialised by icalendar.

    The same as adding the components and calling `to_ical()`, but a session's event is
    serialised once and used in both the whole programme and its own file.
    """
    head = cal if isinstance(cal, bytes) else cal.to_ical()
    return head[: -len(_END)] + b"".join(components) + _END


def calendars(
    programme: Programme,
    site: Site,
    cache: ExportCache | None = None,
) -> tuple[bytes, Iterator[tuple[Session, bytes]]]:
    """The whole programme's calendar, and each session with its own (made as they are taken).

    One at a time: at 1,600 sessions, holding every session's file at once would add megabytes
    to the build's peak memory for files written one after another. Given the edit loop's
    `cache`, an unchanged session's event and a calendar's own lines are not made again.
    """
    tz = _timezone_bytes(programme)

    def event(s: Session) -> bytes:
        if cache is None:
            return _event(s, programme, site).to_ical()
        return cache.session_piece("ical", s, lambda: _event(s, programme, site).to_ical())

    def head(name: str) -> Calendar | bytes:
        if cache is None:
            return _calendar(programme, site, name)
        # Made of these inputs only: the site, the calendar's name and the zone.
        return cache.piece(
            ("ical-head", site, name, programme.tz.key), lambda: _calendar(programme, site, name).to_ical()
        )

    events = {s.slug: event(s) for s in programme.sessions}
    whole = _assemble(head(site.title), [tz, *events.values()])
    each = ((s, _assemble(head(f"{s.title} · {site.title}"), [tz, events[s.slug]])) for s in programme.sessions)
    return whole, each


def programme_calendar(programme: Programme, site: Site) -> bytes:
    """The whole programme as one iCalendar file."""
    return _assemble(
        _calendar(programme, site, site.title),
        [_timezone_bytes(programme), *(_event(s, programme, site).to_ical() for s in programme.sessions)],
    )


def session_calendar(session: Session, programme: Programme, site: Site) -> bytes:
    """One session as its own iCalendar file."""
    return _assemble(
        _calendar(programme, site, f"{session.title} · {site.title}"),
        [_timezone_bytes(programme), _event(session, programme, site).to_ical()],
    )
