"""What every export shares: absolute addresses, stable identifiers and the honest note on times.

Exports leave the site (calendars, schedule apps, search engines), so every
address in them is absolute and every identifier stays the same from one
build to the next and from one language to the other.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from lxml import html

from .. import languages, timeformat, translations
from ..model import Programme, Session, Speaker
from ..settings import forum_settings
from ..translations import N_, NP_

ACRONYM = "ssc2020"
"""The conference's acronym in schedule exports (c3voc pattern: lower-case, at least four characters)."""

NAMESPACE = uuid.UUID("3e0e6a80-7bdb-5e50-b6ee-9be86b2d741a")
"""Namespace of every UUIDv5 in the exports.

Written out rather than derived from the home address at build time, so that a
move of the site to another address does not change any guid: it is
uuid5(NAMESPACE_URL, "https://forum.seoul.go.kr/ssc2020"), computed once.
"""

_ABSOLUTE_RE = re.compile(r"^https?://[^/]+", re.IGNORECASE)

# Messages of the theme's catalogues. The labels have a context: the pages' own "Recording" is a shorter word.
# Translators: in calendars, schedules and JSON-LD, for a session of the real archive (times from its day).
_UNTIMED_NOTE = N_(
    "The exact start and end times of this session were not published. "
    "The times given here are those of the whole day's programme (%(start)s–%(end)s, %(zone)s)."
)
_LABELS = {
    "recording": NP_("link in a calendar or schedule", "Recording"),
    "day_recording": NP_("link in a calendar or schedule", "Recording of the whole day"),
    "stream": NP_("link in a calendar or schedule", "Live stream"),
}


class ExportError(ValueError):
    """The settings do not allow writing correct exports."""


@dataclass(frozen=True)
class Site:
    """The language site an export is written for, with its absolute address."""

    lang: str
    title: str
    base_url: str  # absolute, without a trailing slash
    uid_domain: str  # host and path of the home address: the right-hand side of every calendar UID
    organisers: tuple[str, ...] = ()  # who held the forum, named in the language (the sub-site's ORGANISERS)
    prefix: str = ""  # the folder of the language's site under the main one (the settings' LANGUAGES)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], lang: str, siteurl: str | None = None) -> Site:
        """The site of one language from Pelican's settings (or a template context).

        `siteurl` defaults to the settings' SITEURL. When it is absolute it is the
        base of every address; otherwise (local builds) the configured
        `FORUM["home_url"]` is, with `/<lang>` for
        the sub-site, so that files people download always point at the public archive.
        """
        home = str(forum_settings(settings)["home_url"] or "").rstrip("/")
        if not _ABSOLUTE_RE.match(home):
            raise ExportError(
                "ssc_forum: FORUM['home_url'] must be the public https:// address of the site "
                f"(got {home!r}); calendars and schedules carry absolute addresses and stable ids built from it"
            )
        prefix = languages.prefix_of(settings, lang)
        if prefix is None:
            raise ExportError(f"ssc_forum: {lang!r} is not a language of the settings' LANGUAGES")
        if siteurl is None:
            siteurl = settings.get("SITEURL") or ""
        # An absolute SITEURL is the base as it is; otherwise the home address, with the language's folder.
        base = siteurl.rstrip("/") if _ABSOLUTE_RE.match(siteurl) else "/".join(filter(None, (home, prefix)))
        parts = urlsplit(home)
        return cls(
            lang=lang,
            title=str(settings.get("SITENAME") or ""),
            base_url=base,
            uid_domain=f"{parts.hostname}{parts.path}",
            organisers=tuple(str(org["name"]) for org in settings.get("ORGANISERS") or ()),
            prefix=prefix,
        )

    def url(self, relative: str = "") -> str:
        """The absolute address of a path relative to the language site (`""` is the home page)."""
        return f"{self.base_url}/{relative.lstrip('/')}"


def session_guid(session: Session) -> str:
    """The session's UUIDv5: from its slug, so the same in both languages and in every build."""
    return str(uuid.uuid5(NAMESPACE, f"session:{session.slug}"))


def room_guid(slug: str) -> str:
    """A room's UUIDv5, from its slug."""
    return str(uuid.uuid5(NAMESPACE, f"room:{slug}"))


def person_guid(speaker: Speaker) -> str:
    """A speaker's UUIDv5, from their slug."""
    return str(uuid.uuid5(NAMESPACE, f"person:{speaker.slug}"))


def person_ids(programme: Programme) -> dict[str, int]:
    """Numeric person ids, from the speakers' slugs in ASCII order.

    Not from the speakers list itself: that is sorted by name in the page's
    language, which would give one person two ids in the two languages.
    """
    return {slug: i for i, slug in enumerate(sorted(p.slug for p in programme.speakers), start=1)}


def schedule_slug(session: Session) -> str:
    """The event slug of the schedule exports, pretalx style: `<acronym>-<id>-<slug>` (unique, ASCII)."""
    return f"{ACRONYM}-{session.number}-{session.slug}"


def hhmm(value: datetime | timedelta) -> str:
    """`16:05` for a time of day, `01:30` for a duration (zero-padded, as schedule apps need)."""
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def iso(value: datetime) -> str:
    """ISO 8601 with seconds and the zone's offset: `2020-09-22T16:00:00+09:00`."""
    return value.isoformat(timespec="seconds")


def untimed_note(session: Session) -> str | None:
    """For a session whose own times were not published, the sentence that says so; else None."""
    if session.timed:
        return None
    return translations.translate(session.lang, _UNTIMED_NOTE) % {
        "start": hhmm(session.day.start),
        "end": hhmm(session.day.end),
        "zone": timeformat.zone_name(session.day.start, session.lang),
    }


def label(lang: str, key: str) -> str:
    """A short label (recording, live stream, …) in the language."""
    return translations.translate(lang, _LABELS[key])


_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def plain_text(body: str) -> str:
    """The text of rendered HTML, one paragraph a line, for fields that take no markup."""
    if not body or not body.strip():
        return ""
    text = html.fragment_fromstring(str(body), create_parent="div").text_content()
    # The content check refuses references to characters XML cannot hold (`&#27;`); a body that
    # reached the exports another way loses them here rather than stopping the XML writer.
    text = _NOT_XML_RE.sub("", text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def describe(session: Session) -> str:
    """Summary and, for untimed sessions, the note on times: the short description of calendars and JSON-LD."""
    return "\n\n".join(part for part in (session.summary, untimed_note(session)) if part)


def links(session: Session) -> list[tuple[str, str]]:
    """(address, title) of the session's recording, else its day's, else its streams: what an app can open."""
    if session.recording:
        return [(session.recording.watch_url, label(session.lang, "recording"))]
    if session.day.recording:
        return [(session.day.recording.watch_url, label(session.lang, "day_recording"))]
    return [(media.watch_url, label(session.lang, "stream")) for media in session.streams]
