"""Exports of the programme: calendars, frab schedule.xml/json and schema.org JSON-LD.

Files written per language site (Korean at the root, English under `en/`):
`schedule.ics`, `schedule.xml`, `schedule.json` and `sessions/<slug>/<slug>.ics`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import hooks
from ..model import Programme
from . import ical, jsonld, schedule_json, schedule_xml
from .common import ExportError, Site
from .schedule import schedule_data

__all__ = ["FILTERS", "ExportError", "write_calendars", "write_schedules", "writers"]

FILTERS: dict[str, Any] = {
    "jsonld_event": jsonld.jsonld_event,
    "jsonld_session": jsonld.jsonld_session,
}


def _write(root: Path, relative: str, data: bytes, cache: hooks.ExportCache | None = None) -> None:
    def write() -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    if cache is None:
        write()
    else:
        cache.write(root, relative, data, write)


def write_calendars(programme: Programme, generator: Any) -> None:
    """Write one language's calendars: the whole programme's and each session's."""
    site = Site.from_settings(generator.settings, programme.lang)
    root = Path(generator.output_path)
    cache = hooks.of(generator.settings).exports
    whole, each = ical.calendars(programme, site, cache)
    _write(root, "schedule.ics", whole, cache)
    for session, calendar in each:
        _write(root, ical.session_path(session), calendar, cache)


def write_schedules(programme: Programme, generator: Any) -> None:
    """Write one language's frab schedule, as XML and as JSON."""
    site = Site.from_settings(generator.settings, programme.lang)
    root = Path(generator.output_path)
    cache = hooks.of(generator.settings).exports
    data = schedule_data(programme, site, cache)
    if cache is None:
        xml, json = schedule_xml.render(data), schedule_json.render(data)
    else:  # the whole schedule compared with the last one: far quicker than writing it
        xml = cache.same_data(("schedule.xml", site.url("")), data, lambda: schedule_xml.render(data))
        json = cache.same_data(("schedule.json", site.url("")), data, lambda: schedule_json.render(data, cache))
    _write(root, "schedule.xml", xml, cache)
    _write(root, "schedule.json", json, cache)


def writers() -> list[Callable[[Programme, Any], None]]:
    """The writers of a language's exports, each writing a part; a build may run them apart.

    Looked up when called, so a benchmark wrapping one of them is the one run.
    """
    return [write_calendars, write_schedules]
