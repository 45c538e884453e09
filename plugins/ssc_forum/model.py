"""The programme: one model of the forum per language, read by every page and export.

Built from validated content (see `content`); nothing else reads session
metadata. Times are aware datetimes in the programme's IANA zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import images, schema
from .images import Picture
from .records import Content, Record
from .streams import Media

PHASES = ("before", "during", "after")


@dataclass(eq=False)
class Room:
    """A room or track; streams here are the room's own."""

    slug: str
    name: str
    streams: tuple[Media, ...] = ()


@dataclass(eq=False)
class Day:
    """A day of the forum with its block of time and its sessions in order."""

    index: int  # 1-based
    date: date
    name: str
    start: datetime
    end: datetime
    streams: tuple[Media, ...] = ()
    recording: Media | None = None
    sessions: list[Session] = field(default_factory=list)
    # Rooms used on this day in the programme's order (not the order sessions use them), so a
    # room keeps its column from one day to the next in the timetable and in the exports.
    rooms: list[Room] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """An anchor id for the day, stable across languages."""
        return f"day-{self.index}"


@dataclass(eq=False)
class Item:
    """What every content item has: its id, language, text, source file and address."""

    slug: str
    lang: str
    summary: str | None
    body: str  # rendered Markdown
    source: str  # the content file, for messages
    url: str  # relative to the language site


@dataclass(eq=False)
class Speaker(Item):
    """A person who spoke or hosted."""

    name: str
    affiliation: str
    position: str | None
    talk: str | None
    sort: str
    sessions: list[Session] = field(default_factory=list)
    photo: Picture | None = None  # a portrait, when the content gives one (see attach_pictures)


@dataclass(eq=False)
class CityCase(Item):
    """A city case study and the session it was presented in."""

    title: str
    city: str
    country: str
    session: Session | None = None
    image: Picture | None = None  # an image of the case, when the content gives one


@dataclass(eq=False)
class Session(Item):
    """A session of the programme."""

    title: str
    day: Day
    order: int
    kind: str
    part: str | None
    room: Room
    exact_start: datetime | None
    exact_end: datetime | None
    own_streams: tuple[Media, ...]
    recording: Media | None
    speakers: list[Speaker] = field(default_factory=list)
    hosts: list[Speaker] = field(default_factory=list)
    cases: list[CityCase] = field(default_factory=list)
    number: int = 0  # numeric id, stable: position in the whole programme

    @property
    def timed(self) -> bool:
        """True when the session's own times were published."""
        return self.exact_start is not None

    @property
    def start(self) -> datetime:
        """Its own start, or the start of its day's block when unknown."""
        return self.exact_start or self.day.start

    @property
    def end(self) -> datetime:
        """Its own end, or the end of its day's block when unknown."""
        return self.exact_end or self.day.end

    @property
    def streams(self) -> tuple[Media, ...]:
        """Where it was streamed: its own streams, else its room's, else its day's."""
        return self.own_streams or self.room.streams or self.day.streams

    @property
    def people(self) -> list[Speaker]:
        """Hosts and speakers, each once."""
        out: list[Speaker] = []
        for p in self.hosts + self.speakers:
            if p not in out:
                out.append(p)
        return out


@dataclass(eq=False)
class Page(Item):
    """A plain page (about, venue, …)."""

    title: str
    order: int | None


@dataclass(eq=False)
class Programme:
    """The whole forum in one language."""

    lang: str
    tz: ZoneInfo
    days: list[Day]
    rooms: list[Room]
    sessions: list[Session]
    speakers: list[Speaker]
    cases: list[CityCase]
    pages: list[Page]
    phase: str

    @property
    def start(self) -> datetime:
        """When the forum starts."""
        return self.days[0].start

    @property
    def end(self) -> datetime:
        """When the forum ends."""
        return self.days[-1].end

    @property
    def menu(self) -> list[Page]:
        """Pages in the site menu, in their order."""
        return sorted((p for p in self.pages if p.order is not None), key=lambda p: (p.order, p.slug))

    def day(self, on: date) -> Day | None:
        """The day on that date, if any."""
        return next((d for d in self.days if d.date == on), None)

    def session(self, slug: str) -> Session | None:
        """The session with that slug, if any."""
        return self._sessions.get(slug)

    def __post_init__(self) -> None:
        self._sessions = {s.slug: s for s in self.sessions}


def decide_phase(start: datetime, end: datetime, now: datetime, forced: str | None) -> str:
    """Before, during or after the event; a forced phase wins (previews, tests)."""
    if forced:
        return forced
    if now < start:
        return "before"
    if now < end:
        return "during"
    return "after"


def _at(d: date, t: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, t, tzinfo=tz)


Convert = Callable[[Any, Record], Any]
"""Turns a field's parsed value (None when not given) into its model attribute, given the record."""

LINKED_LATER = frozenset({"cases", "photo", "image"})
"""Model attributes filled once every item exists: a session's cases, the pictures (`attach_pictures`)."""


def _attributes(rec: Record, convert: dict[str, Convert]) -> dict[str, Any]:
    """The model attributes of a record: each declared field into the attribute it names (`schema.Field.model`).

    A field's value is taken as parsed (a stream field as its media) unless `convert` names it.
    """
    out: dict[str, Any] = {"body": rec.body, "source": rec.path, "url": rec.ctype.url.format(slug=rec.slug)}
    for fdecl in rec.ctype.fields:
        if fdecl.model is None or fdecl.model in LINKED_LATER:
            continue
        value = rec.media.get(fdecl.name, ()) if fdecl.kind is schema.MEDIA else rec.values.get(fdecl.name)
        out[fdecl.model] = convert[fdecl.name](value, rec) if fdecl.name in convert else value
    return out


def build(content: Content, lang: str, tz: ZoneInfo, *, now: datetime, forced_phase: str | None) -> Programme:
    """Build the programme in one language from validated content."""
    rooms = [Room(r.values["slug"], r.values[f"name_{lang}"], r.media.get("streams", ())) for r in content.rooms]
    room_by_slug = {r.slug: r for r in rooms}
    days = []
    for i, d in enumerate(sorted(content.days, key=lambda d: d.values["date"]), start=1):
        v = d.values
        recording = d.media.get("recording", ())
        days.append(
            Day(
                i,
                v["date"],
                v[f"name_{lang}"],
                _at(v["date"], v["start"], tz),
                _at(v["date"], v["end"], tz),
                d.media.get("streams", ()),
                recording[0] if recording else None,
            )
        )
    day_by_date = {d.date: d for d in days}

    speakers: dict[str, Speaker] = {}
    for rec in content.of(schema.SPEAKER, lang):
        speakers[rec.slug] = Speaker(**_attributes(rec, {"sort": lambda v, r: v or r.values["title"]}))
    people: Convert = lambda v, r: [speakers[s] for s in v or ()]  # noqa: E731
    exact: Convert = lambda v, r: _at(r.values["day"], v, tz) if v is not None else None  # noqa: E731
    sessions = [
        Session(
            **_attributes(
                rec,
                {
                    "day": lambda v, r: day_by_date[v],
                    "start": exact,
                    "end": exact,
                    "room": lambda v, r: room_by_slug[v or rooms[0].slug],
                    "speakers": people,
                    "hosts": people,
                    "recording": lambda v, r: v[0] if v else None,
                },
            )
        )
        for rec in content.of(schema.SESSION, lang)
    ]
    sessions.sort(key=lambda s: (s.day.date, s.order))
    for number, session in enumerate(sessions, start=1):
        session.number = number
        session.day.sessions.append(session)
        for person in session.people:
            person.sessions.append(session)
    for day in days:
        used = {s.room.slug for s in day.sessions}
        day.rooms = [r for r in rooms if r.slug in used]
    by_session = {s.slug: s for s in sessions}
    cases = [
        CityCase(**_attributes(rec, {"session": lambda v, r: by_session[v]}))
        for rec in content.of(schema.CITY_CASE, lang)
    ]
    case_by_slug = {c.slug: c for c in cases}
    for rec in content.of(schema.SESSION, lang):
        by_session[rec.slug].cases = [case_by_slug[c] for c in rec.values.get("cases", ())]
    # A case listed by a session but pointing elsewhere is still shown once, in the session's order.
    order_in_session = {c.slug: i for s in sessions for i, c in enumerate(s.cases)}
    cases.sort(key=lambda c: (c.session.number if c.session else 0, order_in_session.get(c.slug, 99), c.slug))
    pages = [Page(**_attributes(rec, {})) for rec in content.of(schema.PAGE, lang)]
    pages.sort(key=lambda p: (p.order or 9999, p.slug))
    speaker_list = sorted(speakers.values(), key=lambda p: (p.sort.casefold(), p.slug))
    phase = decide_phase(days[0].start, days[-1].end, now, forced_phase)
    return Programme(lang, tz, days, rooms, sessions, speaker_list, cases, pages, phase)


def attach_pictures(programme: Programme, content: Content, content_path: Path) -> None:
    """Give every speaker its `photo` and every city case its `image` (a `images.Picture`, or None)."""
    by_slug: dict[str, dict[str, Speaker] | dict[str, CityCase]] = {
        schema.SPEAKER.name: {p.slug: p for p in programme.speakers},
        schema.CITY_CASE.name: {c.slug: c for c in programme.cases},
    }
    for ctype_name, (field_name, alt_field, recipe) in images.IMAGE_FIELDS.items():
        declared = schema.BY_NAME[ctype_name].field(field_name)
        attribute = declared.model if declared else None
        if attribute is None:
            continue  # a picture field the model does not show (tests/test_schema.py keeps this from happening)
        for rec in content.of(schema.BY_NAME[ctype_name], programme.lang):
            item = by_slug[ctype_name].get(rec.slug)
            if item is None:
                continue
            value = rec.values.get(field_name)
            setattr(
                item, attribute, images.picture(value, rec.values[alt_field], recipe, content_path) if value else None
            )
