"""`schedule.xml`: the frab schedule, valid against the c3voc schedule XSD."""

from __future__ import annotations

from typing import Any

from lxml import etree

# Order of an event's children as pretalx writes them; the XSD accepts any order
# (xs:all), but a fixed one keeps builds byte-identical and diffs readable.
_EVENT_TEXT = (
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
)


def _text(parent: etree._Element, tag: str, value: object) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = str(value)
    return element


def _event(parent: etree._Element, event: dict[str, Any]) -> None:
    node = etree.SubElement(parent, "event", {"guid": event["guid"], "id": str(event["id"])})
    for tag in _EVENT_TEXT:
        _text(node, tag, event[tag])
    recording = etree.SubElement(node, "recording")
    _text(recording, "license", event["recording_license"])
    # Nobody opted out: the forum was streamed and published in full.
    _text(recording, "optout", "false")
    persons = etree.SubElement(node, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["name"]).attrib.update({"id": str(person["id"]), "guid": person["guid"]})
    links = etree.SubElement(node, "links")
    for link in event["links"]:
        _text(links, "link", link["title"]).set("href", link["url"])
    etree.SubElement(node, "attachments")


def render(data: dict[str, Any]) -> bytes:
    """The schedule data (see `schedule.schedule_data`) as frab XML."""
    schedule = data["schedule"]
    conference = schedule["conference"]
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", data["generator"])
    _text(root, "url", schedule["url"])
    _text(root, "version", schedule["version"])
    conf = etree.SubElement(root, "conference")
    for tag, key in (
        ("acronym", "acronym"),
        ("title", "title"),
        ("start", "start"),
        ("end", "end"),
        ("days", "daysCount"),
        ("timeslot_duration", "timeslot_duration"),
    ):
        _text(conf, tag, conference[key])
    _text(conf, "base_url", schedule["base_url"])
    _text(conf, "time_zone_name", conference["time_zone_name"])
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_node = etree.SubElement(
            root,
            "day",
            {"index": str(day["index"]), "date": day["date"], "start": day["day_start"], "end": day["day_end"]},
        )
        for name, events in day["rooms"].items():
            room = etree.SubElement(day_node, "room", {"name": name, "guid": guids[name]})
            for event in events:
                _event(room, event)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
