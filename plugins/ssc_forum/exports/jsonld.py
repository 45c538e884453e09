"""schema.org JSON-LD for the home page (the forum) and each session page.

The forum was held online, without an audience, and broadcast from the Seoul
On studio. Its `location` is therefore a `VirtualLocation` only: a `Place`
would tell search engines that people could attend in person, which they
could not. The studio is named on the pages (venue, session rooms), not here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from ..model import Programme, Session, Speaker
from .common import Site, describe, iso

_ONLINE = "https://schema.org/OnlineEventAttendanceMode"
# Scheduled, not MovedOnline: the 2020 forum was announced as an online event.
_SCHEDULED = "https://schema.org/EventScheduled"

# Characters that could end the <script> element or open a comment inside it;
# as JSON escapes they mean the same to a JSON-LD reader.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script(data: Mapping[str, Any]) -> Markup:
    """A complete `<script type="application/ld+json">` element, safe to place in any HTML page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _event_id(site: Site) -> str:
    return site.url("") + "#forum"


def _location(url: str) -> dict[str, Any]:
    return {"@type": "VirtualLocation", "url": url}


def _person(speaker: Speaker, site: Site) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": speaker.name, "url": site.url(speaker.url)}
    if speaker.position:
        person["jobTitle"] = speaker.position
    person["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
    if speaker.photo:
        person["image"] = _root_url(site, speaker.photo.src)
    return person


def _root_url(site: Site, path: str) -> str:
    """The absolute address of a file at the root of the whole site (derived images serve both languages)."""
    base = site.base_url
    if site.prefix and base.endswith(f"/{site.prefix}"):
        base = base[: -len(site.prefix) - 1]  # every language but the first has its folder
    return f"{base}/{path.lstrip('/')}"


def _session(session: Session, site: Site) -> dict[str, Any]:
    url = site.url(session.url)
    data: dict[str, Any] = {
        "@type": "Event",
        "@id": url + "#session",
        "name": session.title,
        "url": url,
        "inLanguage": session.lang,
        # Untimed sessions carry their day's block, and `description` says so:
        # schema.org has no way to mark a time as approximate.
        "startDate": iso(session.start),
        "endDate": iso(session.end),
        "eventAttendanceMode": _ONLINE,
        "eventStatus": _SCHEDULED,
        "location": _location(url),
    }
    description = describe(session)
    if description:
        data["description"] = description
    if session.people:
        data["performer"] = [_person(p, site) for p in session.people]
    return data


def _organisers(site: Site) -> list[dict[str, str]]:
    """The organisers as the sub-site names them (its `ORGANISERS` setting, as the header and footer do)."""
    return [{"@type": "Organization", "name": name} for name in site.organisers]


def event_data(programme: Programme, site: Site, description: str | None = None) -> dict[str, Any]:
    """The forum as a schema.org Event with its sessions as sub-events."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": _event_id(site),
        "name": site.title,
        "url": site.url(""),
        "inLanguage": programme.lang,
        "startDate": iso(programme.start),
        "endDate": iso(programme.end),
        "eventAttendanceMode": _ONLINE,
        "eventStatus": _SCHEDULED,
        "location": _location(site.url("")),
        "organizer": _organisers(site),
    }
    if description:
        data["description"] = description
    # Each session by reference: its name, address and dates, with the same `@id` as the full node on its own
    # page (description, performers). Repeating every node here made the home page the heaviest of the site.
    data["subEvent"] = [_session_reference(s, site) for s in programme.sessions]
    return data


def _session_reference(session: Session, site: Site) -> dict[str, Any]:
    url = site.url(session.url)
    return {
        "@type": "Event",
        "@id": url + "#session",
        "name": session.title,
        "url": url,
        "startDate": iso(session.start),
        "endDate": iso(session.end),
    }


def session_data(session: Session, programme: Programme, site: Site) -> dict[str, Any]:
    """One session as a schema.org Event, part of the forum."""
    data = {"@context": "https://schema.org", **_session(session, site)}
    data["organizer"] = _organisers(site)
    data["superEvent"] = {
        "@type": "Event",
        "@id": _event_id(site),
        "name": site.title,
        "url": site.url(""),
        "startDate": iso(programme.start),
        "endDate": iso(programme.end),
        "eventAttendanceMode": _ONLINE,
        "location": _location(site.url("")),
    }
    return data


@pass_context
def jsonld_event(context: Mapping[str, Any], programme: Programme, siteurl: str | None = None) -> Markup:
    """Template filter for the home page: `{{ programme|jsonld_event(SITEURL) }}`."""
    site = Site.from_settings(context, programme.lang, siteurl)
    return script(event_data(programme, site, context.get("SITESUBTITLE") or None))


@pass_context
def jsonld_session(
    context: Mapping[str, Any], session: Session, programme: Programme, siteurl: str | None = None
) -> Markup:
    """Template filter for a session page: `{{ item|jsonld_session(programme, SITEURL) }}`."""
    site = Site.from_settings(context, programme.lang, siteurl)
    return script(session_data(session, programme, site))
