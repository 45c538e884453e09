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

from .. import schema
from ..model import Programme, Session, Speaker
from ..settings import forum_settings

ACRONYM = "ssc2020"
"""The conference's acronym in schedule exports (c3voc pattern: lower-case, at least four characters)."""

NAMESPACE = uuid.UUID("3e0e6a80-7bdb-5e50-b6ee-9be86b2d741a")
"""Namespace of every UUIDv5 in the exports.

Written out rather than derived from the home address at build time, so that a
move of the site to another address does not change any guid: it is
uuid5(NAMESPACE_URL, "https://forum.seoul.go.kr/ssc2020"), computed once.
"""

_ABSOLUTE_RE = re.compile(r"^https?://[^/]+", re.IGNORECASE)

_UNTIMED_NOTE = {
    "ko": "이 세션의 정확한 시작·종료 시각은 공개되지 않았습니다. "
    "여기에 적힌 시간은 그날 프로그램 전체의 진행 시간({start}~{end}, 한국 표준시)입니다.",
    "en": "The exact start and end times of this session were not published. "
    "The times given here are those of the whole day's programme ({start}–{end}, Korea Standard Time).",
}

_LABELS = {
    "ko": {"recording": "다시 보기 영상", "day_recording": "그날 전체 다시 보기 영상", "stream": "생중계"},
    "en": {"recording": "Recording", "day_recording": "Recording of the whole day", "stream": "Live stream"},
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
        if siteurl is None:
            siteurl = settings.get("SITEURL") or ""
        if _ABSOLUTE_RE.match(siteurl):
            base = siteurl.rstrip("/")
        else:
            # i18n-subsites puts every language but the first under /<lang>.
            base = home if lang == schema.LANGS[0] else f"{home}/{lang}"
        parts = urlsplit(home)
        return cls(
            lang=lang,
            title=str(settings.get("SITENAME") or ""),
            base_url=base,
            uid_domain=f"{parts.hostname}{parts.path}",
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
    template = _UNTIMED_NOTE.get(session.lang, _UNTIMED_NOTE["en"])
    return template.format(start=hhmm(session.day.start), end=hhmm(session.day.end))


def label(lang: str, key: str) -> str:
    """A short label (recording, live stream, …) in the language."""
    return _LABELS.get(lang, _LABELS["en"])[key]


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
