"""Validity: the Nu Html Checker on every page; feeds, calendars and schedules parse."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from lxml import etree

from .browser_support import LANG_PREFIX, LANGS, Site

ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_page_is_valid_html(vnu_report: tuple[int, str], subpath_site: Site) -> None:
    """One vnu run over all pages of the published build reports no error."""
    code, report = vnu_report
    try:
        messages = json.loads(report)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu did not produce a JSON report (exit {code}):\n{report[:2000]}")
    errors: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        if message.get("type") in ("error", "non-document-error"):
            where = message.get("url", "?").removeprefix("file:")
            with contextlib.suppress(ValueError):  # keep the address if it is not in the build
                where = Path(where).relative_to(subpath_site.output).as_posix()
            errors[where].append(f"line {message.get('lastLine', '?')}: {message.get('message')}")
    listing = "\n".join(f"{page}\n    " + "\n    ".join(found[:8]) for page, found in sorted(errors.items()))
    assert not errors, f"vnu errors on {len(errors)} pages:\n{listing}"
    assert code == 0, f"vnu exited {code}:\n{report[:2000]}"
    assert len(subpath_site.html_files()) > 40, "suspiciously few pages were checked"


def _language_root(site: Site, lang: str) -> Path:
    return site.output / LANG_PREFIX[lang].lstrip("/")


@pytest.mark.parametrize("lang", LANGS)
def test_atom_feeds_parse(lang: str, subpath_site: Site) -> None:
    """Each Atom feed is well-formed Atom with the required elements on the feed and its entries."""
    root = _language_root(subpath_site, lang)
    feeds = sorted(p for p in root.rglob("*.atom.xml") if lang == "en" or "en" not in p.relative_to(root).parts)
    assert feeds, f"no Atom feed in the {lang} site"
    for path in feeds:
        feed = etree.parse(str(path)).getroot()
        assert feed.tag == f"{ATOM}feed", f"{path.name} is not an Atom feed"
        for name in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{name}") is not None, f"{path.name} lacks <{name}>"
        entries = feed.findall(f"{ATOM}entry")
        assert entries, f"{path.name} has no entry"
        for entry in entries:
            for name in ("id", "title", "updated", "link"):
                assert entry.find(f"{ATOM}{name}") is not None, f"an entry of {path.name} lacks <{name}>"


@pytest.mark.parametrize("lang", LANGS)
def test_calendars_parse(lang: str, subpath_site: Site) -> None:
    """Every .ics parses with icalendar; events have a UID, a summary and zoned start and end."""
    root = _language_root(subpath_site, lang)
    calendars = sorted(p for p in root.rglob("*.ics") if lang == "en" or "en" not in p.relative_to(root).parts)
    assert root / "schedule.ics" in calendars, f"no schedule.ics in the {lang} site"
    uids: set[str] = set()
    for path in calendars:
        calendar = Calendar.from_ical(path.read_bytes())
        events = calendar.walk("VEVENT")
        assert events, f"{path.relative_to(subpath_site.output)} has no event"
        for event in events:
            assert event.get("UID") and event.get("SUMMARY"), f"{path.name}: event without UID or SUMMARY"
            for name in ("DTSTART", "DTEND"):
                value = event.decoded(name)
                assert isinstance(value, datetime) and value.tzinfo is not None, f"{path.name}: {name} {value!r}"
            if path.name == "schedule.ics":
                assert str(event["UID"]) not in uids, f"UID {event['UID']} twice in schedule.ics"
                uids.add(str(event["UID"]))


@pytest.mark.parametrize("lang", LANGS)
def test_schedule_exports_parse(lang: str, subpath_site: Site) -> None:
    """schedule.xml is well-formed XML and schedule.json is JSON, both with the sessions in them."""
    root = _language_root(subpath_site, lang)
    xml = etree.parse(str(root / "schedule.xml")).getroot()
    assert xml.tag == "schedule", f"schedule.xml's root is <{xml.tag}>"
    assert xml.findall(".//event"), "schedule.xml lists no event"
    data = json.loads((root / "schedule.json").read_text("utf-8"))
    assert "session-1-big-data" in json.dumps(data), "schedule.json does not hold the sessions"
