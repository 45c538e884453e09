"""Exports: iCalendar files, frab schedule.xml/json and schema.org JSON-LD.

First against the fixture programme built straight from its content (no theme
needed), then against full builds: the fixture site and the real archive.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema
from bs4 import BeautifulSoup
from icalendar import Calendar
from lxml import etree
from pelican.settings import read_settings

from conftest import ROOT, build, soup, use_real_languages
from fixture_site import SESSIONS, SPEAKERS, TRICKY_TITLE_EN, TRICKY_TITLE_KO, write_fixture_site
from ssc_forum import model
from ssc_forum.content import read_content
from ssc_forum.exports import ExportError, ical, jsonld, schedule_json, schedule_xml
from ssc_forum.exports.common import Site
from ssc_forum.exports.schedule import schedule_data

XSD = Path(__file__).resolve().parent / "fixtures" / "schedule.xsd"
HOME = "https://forum.seoul.go.kr/ssc2020"
SITENAMES = {"ko": "2020 서울 스마트시티 리더스 포럼", "en": "Seoul Smart City Leaders Forum 2020"}
_REAL = read_settings(str(ROOT / "pelicanconf.py"))
ORGANISERS = {"ko": _REAL["ORGANISERS"], "en": _REAL["I18N_SUBSITES"]["en"]["ORGANISERS"]}
TABLE = {"LANGUAGES": _REAL["LANGUAGES"]}  # the languages' folders
LANG_ROOT = {"ko": "", "en": "en/"}
BY_SLUG = {s["slug"]: s for s in SESSIONS}
NOTE = {
    "ko": "정확한 시작·종료 시각은 공개되지 않았습니다",
    "en": "exact start and end times of this session were not published",
}
TITLE_OF = {"ko": lambda s: s["title"][0], "en": lambda s: s["title"][1]}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture(scope="module")
def programmes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[model.Programme, Site]]:
    """The fixture programme in both languages, built from its content without a theme."""
    content = write_fixture_site(tmp_path_factory.mktemp("fixture-model"))
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    use_real_languages()  # the words of the exports are the theme catalogues'
    read = read_content(settings)
    assert not read.problems, [str(p) for p in read.problems]
    out = {}
    for lang in ("ko", "en"):
        programme = model.build(
            read, lang, ZoneInfo("Asia/Seoul"), now=datetime(2021, 1, 1, tzinfo=UTC), forced_phase="after"
        )
        site = Site.from_settings(
            {
                **TABLE,
                "FORUM": {"home_url": HOME},
                "SITEURL": "/en" if lang == "en" else "",
                "SITENAME": SITENAMES[lang],
                "ORGANISERS": ORGANISERS[lang],
            },
            lang,
        )
        out[lang] = (programme, site)
    return out


def events_of(calendar: bytes) -> list:
    return Calendar.from_ical(calendar).walk("VEVENT")


def hm(value: datetime) -> str:
    return value.strftime("%H:%M")


def ld_scripts(doc: BeautifulSoup) -> list[dict]:
    """The page's JSON-LD Events (other JSON-LD a page may carry is not ours to check)."""
    found = [json.loads(s.string) for s in doc.find_all("script", type="application/ld+json")]
    return [d for d in found if d.get("@type") == "Event"]


def xml_events(data: bytes) -> dict[str, etree._Element]:
    return {e.findtext("slug"): e for e in etree.fromstring(data).iter("event")}


def json_events(data: bytes) -> dict[str, dict]:
    days = json.loads(data)["schedule"]["conference"]["days"]
    return {e["slug"]: e for d in days for events in d["rooms"].values() for e in events}


# --- addresses ---------------------------------------------------------------------------------------


def test_addresses_are_absolute_whatever_siteurl_is():
    forum = {"home_url": HOME + "/"}
    assert (
        Site.from_settings({**TABLE, "FORUM": forum, "SITEURL": ""}, "ko").url("sessions/a/") == f"{HOME}/sessions/a/"
    )
    assert Site.from_settings({**TABLE, "FORUM": forum, "SITEURL": "/en"}, "en").url("") == f"{HOME}/en/"
    # A published or preview build with an absolute SITEURL uses it as it is.
    preview = Site.from_settings({**TABLE, "FORUM": forum, "SITEURL": "http://localhost:8000/en"}, "en")
    assert preview.url("schedule.xml") == "http://localhost:8000/en/schedule.xml"
    # UIDs come from the home address only, so they do not move with SITEURL.
    assert preview.uid_domain == "forum.seoul.go.kr/ssc2020"


def test_each_language_s_addresses_are_under_its_folder_of_the_table():
    forum = {"home_url": HOME}
    ja = {"code": "ja", "name": "日本語", "locale": "ja_JP", "prefix": "nihongo", "dir": "ltr"}
    table = {"LANGUAGES": [*_REAL["LANGUAGES"], ja], "FORUM": forum, "SITEURL": ""}
    assert Site.from_settings(table, "ja").url("sessions/a/") == f"{HOME}/nihongo/sessions/a/"
    assert Site.from_settings(table, "ko").url("") == f"{HOME}/"
    with pytest.raises(ExportError, match="'de' is not a language of the settings' LANGUAGES"):
        Site.from_settings(table, "de")


def test_home_address_defaults_to_the_archive_and_must_be_absolute():
    # Builds that override FORUM (tests, previews) keep the public address.
    assert Site.from_settings({**TABLE, "FORUM": {"phase": "after"}, "SITEURL": ""}, "en").url("") == f"{HOME}/en/"
    with pytest.raises(ExportError, match=r"FORUM\['home_url'\]"):
        Site.from_settings({**TABLE, "FORUM": {"home_url": "/ssc2020"}, "SITEURL": ""}, "ko")


# --- iCalendar ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_whole_programme_calendar(programmes, lang):
    programme, site = programmes[lang]
    cal = Calendar.from_ical(ical.programme_calendar(programme, site))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(SESSIONS)
    for s in SESSIONS:
        event = events[f"{s['slug']}@forum.seoul.go.kr/ssc2020"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert event["DTSTART"].params["TZID"] == "Asia/Seoul"
        assert start.utcoffset().total_seconds() == 9 * 3600
        day = next(d for d in programme.days if d.date.isoformat() == s["day"])
        assert (hm(start), hm(end)) == ((s["start"], s["end"]) if s["start"] else (hm(day.start), hm(day.end)))
        assert str(event["SUMMARY"]) == TITLE_OF[lang](s)
        assert event["SUMMARY"].params["LANGUAGE"] == lang
        assert str(event["URL"]) == site.url(f"sessions/{s['slug']}/")
        assert str(event["URL"]).startswith(f"{HOME}/{LANG_ROOT[lang]}sessions/")
        assert event.decoded("DTSTAMP") == datetime(2020, 9, 22, 7, 0, tzinfo=UTC)
        assert (NOTE[lang] in str(event["DESCRIPTION"])) == (s["start"] is None)
        room = next(r for r in programme.rooms if r.slug == s["room"])
        assert str(event["LOCATION"]) == room.name
        assert event["CATEGORIES"].cats == [s["kind"]]


def test_calendar_uids_are_the_same_in_both_languages(programmes):
    uids = {
        lang: [str(e["UID"]) for e in events_of(ical.programme_calendar(*programmes[lang]))] for lang in ("ko", "en")
    }
    assert uids["ko"] == uids["en"]
    assert len(set(uids["ko"])) == len(SESSIONS)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_session_calendar_is_one_event_with_the_programme_uid(programmes, lang):
    programme, site = programmes[lang]
    whole = {str(e["UID"]): e for e in events_of(ical.programme_calendar(programme, site))}
    for session in programme.sessions:
        assert ical.session_path(session) == f"sessions/{session.slug}/{session.slug}.ics"
        cal = Calendar.from_ical(ical.session_calendar(session, programme, site))
        (event,) = cal.walk("VEVENT")
        assert len(cal.walk("VTIMEZONE")) == 1
        assert event.to_ical() == whole[str(event["UID"])].to_ical()


def test_calendars_are_deterministic(programmes):
    programme, site = programmes["ko"]
    assert ical.programme_calendar(programme, site) == ical.programme_calendar(programme, site)
    assert b"DTSTAMP:20200922T070000Z" in ical.programme_calendar(programme, site)


# --- frab schedule.xml / schedule.json ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_schedule_xml_is_valid_and_complete(programmes, schema, lang):
    programme, site = programmes[lang]
    xml = schedule_xml.render(schedule_data(programme, site))
    schema.validate(xml.decode("utf-8"))
    root = etree.fromstring(xml)
    assert root.findtext("conference/acronym") == "ssc2020"
    assert root.findtext("conference/time_zone_name") == "Asia/Seoul"
    assert root.findtext("conference/days") == "2"
    assert root.findtext("conference/base_url") == site.url("")
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [("1", "2020-09-22"), ("2", "2020-09-23")]
    assert days[0].get("start") == "2020-09-22T16:00:00+09:00"
    # Parallel sessions sit in their own room on the same day.
    rooms = {r.get("name"): [e.findtext("slug") for e in r.iter("event")] for r in days[0].findall("room")}
    names = {r.slug: r.name for r in programme.rooms}
    assert rooms == {
        names["main"]: ["ssc2020-1-opening", "ssc2020-2-city-cases", "ssc2020-4-talk-concert"],
        names["side"]: ["ssc2020-3-smart-seoul-lab"],
    }
    events = {e.findtext("url"): e for e in root.iter("event")}
    assert len(events) == len(SESSIONS)
    for s in SESSIONS:
        event = events[site.url(f"sessions/{s['slug']}/")]
        assert re.fullmatch(r"\d{2}:\d{2}", event.findtext("start"))
        assert re.fullmatch(r"\d{2}:\d{2}", event.findtext("duration"))
        assert event.findtext("date").endswith("+09:00")
        assert event.findtext("title") == TITLE_OF[lang](s)
        assert event.findtext("language") == lang
        if s["start"]:
            assert event.findtext("start") == s["start"]
            assert event.findtext("date") == f"{s['day']}T{s['start']}:00+09:00"
        else:
            assert NOTE[lang] in event.findtext("description")
    opening = events[site.url("sessions/opening/")]
    assert opening.findtext("duration") == "00:20"
    assert [p.text for p in opening.iter("person")] == [
        next(p["name"] for p in SPEAKERS if p["slug"] == "kim-haneul")[("ko", "en").index(lang)]
    ]
    talk = events[site.url("sessions/talk-concert/")]
    assert [link.get("href") for link in talk.iter("link")] == ["https://www.youtube.com/watch?v=BBBBBBBBBBB&t=3723s"]
    assert talk.findtext("recording/optout") == "false"


def test_person_ids_and_guids_do_not_depend_on_the_language(programmes):
    people = {}
    for lang in ("ko", "en"):
        root = etree.fromstring(schedule_xml.render(schedule_data(*programmes[lang])))
        people[lang] = sorted({(p.get("id"), p.get("guid")) for p in root.iter("person")})
        events = sorted((e.get("id"), e.get("guid"), e.findtext("slug")) for e in root.iter("event"))
        people[lang + "-events"] = events
    assert people["ko"] == people["en"] and len(people["ko"]) == len(SPEAKERS)
    assert people["ko-events"] == people["en-events"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_schedule_json_holds_the_same_events_as_the_xml(programmes, lang):
    data = schedule_data(*programmes[lang])
    xml, js = xml_events(schedule_xml.render(data)), json_events(schedule_json.render(data))
    assert set(xml) == set(js) and len(js) == len(SESSIONS)
    for slug, event in js.items():
        node = xml[slug]
        assert (event["id"], event["guid"]) == (int(node.get("id")), node.get("guid"))
        for key in ("date", "start", "duration", "room", "title", "url", "abstract", "description"):
            assert event[key] == (node.findtext(key) or ""), key
        assert [(p["id"], p["name"]) for p in event["persons"]] == [
            (int(p.get("id")), p.text) for p in node.iter("person")
        ]
    schedule = json.loads(schedule_json.render(data))["schedule"]
    conference = schedule["conference"]
    assert conference["daysCount"] == 2 and conference["time_zone_name"] == "Asia/Seoul"
    assert [d["day_start"] for d in conference["days"]] == ["2020-09-22T16:00:00+09:00", "2020-09-23T16:00:00+09:00"]
    assert schedule["version"] == etree.fromstring(schedule_xml.render(data)).findtext("version")


def test_schedule_json_is_readable_utf8(programmes):
    raw = schedule_json.render(schedule_data(*programmes["ko"]))
    assert "리더스 세미나".encode() in raw  # ensure_ascii=False: Korean stays readable
    assert raw == schedule_json.render(schedule_data(*programmes["ko"]))


# --- JSON-LD -------------------------------------------------------------------------------------------


def script_json(markup: str) -> dict:
    match = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', str(markup), re.S)
    assert match, markup
    assert not re.search(r"[<>&]", match.group(1)), "raw <, > or & inside the script"
    return json.loads(match.group(1))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_jsonld_for_the_forum(programmes, lang):
    programme, site = programmes[lang]
    data = script_json(jsonld.script(jsonld.event_data(programme, site)))
    assert data["@type"] == "Event" and data["@context"] == "https://schema.org"
    assert (data["startDate"], data["endDate"]) == ("2020-09-22T16:00:00+09:00", "2020-09-23T19:00:00+09:00")
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": site.url("")}
    assert data["inLanguage"] == lang
    # The sub-site's ORGANISERS setting, as the header and footer name them.
    assert [o["name"] for o in data["organizer"]] == [org["name"] for org in ORGANISERS[lang]]
    assert len(data["subEvent"]) == len(SESSIONS)
    assert all(e["startDate"].endswith("+09:00") for e in data["subEvent"])
    # Sessions by reference only: the full node (performers, description) is on the session's page, same @id.
    full = {s.slug: jsonld.session_data(s, programme, site) for s in programme.sessions}
    assert [e["@id"] for e in data["subEvent"]] == [d["@id"] for d in full.values()]
    assert not any("performer" in e or "description" in e for e in data["subEvent"])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_jsonld_for_sessions(programmes, lang):
    programme, site = programmes[lang]
    for session in programme.sessions:
        data = script_json(jsonld.script(jsonld.session_data(session, programme, site)))
        s = BY_SLUG[session.slug]
        assert data["name"] == TITLE_OF[lang](s)
        assert data["superEvent"]["@id"] == site.url("") + "#forum"
        assert data["url"] == site.url(f"sessions/{s['slug']}/")
        assert [p["url"] for p in data.get("performer", [])] == [site.url(p.url) for p in session.people]
        if s["start"]:
            assert data["startDate"] == f"{s['day']}T{s['start']}:00+09:00"
            assert NOTE[lang] not in data.get("description", "")
        else:
            assert data["startDate"] == f"{s['day']}T16:00:00+09:00"
            assert NOTE[lang] in data["description"]
    keynote = jsonld.session_data(programme.session("keynote"), programme, site)
    (performer,) = keynote["performer"]
    assert performer["@type"] == "Person"
    assert performer["affiliation"]["@type"] == "Organization"
    assert performer["name"] == {"ko": "천웨이", "en": "Chen Wei"}[lang]


def test_jsonld_filters_read_the_template_context(programmes):
    programme, _ = programmes["en"]
    context = {**TABLE, "FORUM": {"home_url": HOME}, "SITENAME": SITENAMES["en"], "SITESUBTITLE": "Inclusive"}
    event = script_json(jsonld.jsonld_event(context, programme, "/en"))
    assert event["name"] == SITENAMES["en"] and event["url"] == f"{HOME}/en/"
    session = script_json(jsonld.jsonld_session(context, programme.session("closing"), programme, "/en"))
    assert session["superEvent"]["name"] == SITENAMES["en"]


# --- a title with <, & and quotes comes out right everywhere -------------------------------------------


@pytest.mark.parametrize("lang,title", [("ko", TRICKY_TITLE_KO), ("en", TRICKY_TITLE_EN)])
def test_markup_characters_in_a_title(programmes, schema, lang, title):
    programme, site = programmes[lang]
    keynote = programme.session("keynote")
    (event,) = events_of(ical.session_calendar(keynote, programme, site))
    assert str(event["SUMMARY"]) == title
    data = schedule_data(programme, site)
    xml = schedule_xml.render(data)
    schema.validate(xml.decode())
    assert xml_events(xml)["ssc2020-5-keynote"].findtext("title") == title
    assert b"&lt;" in xml and b"&amp;" in xml
    assert json_events(schedule_json.render(data))["ssc2020-5-keynote"]["title"] == title
    markup = jsonld.script(jsonld.session_data(keynote, programme, site))
    assert script_json(markup)["name"] == title
    assert "\\u003c" in markup and "\\u0026" in markup


# --- full builds ---------------------------------------------------------------------------------------


EXPORTS = ("schedule.ics", "schedule.xml", "schedule.json")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_fixture_build_writes_every_export(fixture_site, schema, lang):
    root = fixture_site / LANG_ROOT[lang]
    home = "https://example.org/forum/" + LANG_ROOT[lang]
    for name in EXPORTS:
        assert (root / name).is_file(), name
    schema.validate(str(root / "schedule.xml"))
    assert len(events_of((root / "schedule.ics").read_bytes())) == len(SESSIONS)
    for s in SESSIONS:
        (event,) = events_of((root / "sessions" / s["slug"] / f"{s['slug']}.ics").read_bytes())
        assert str(event["URL"]) == f"{home}sessions/{s['slug']}/"
        assert str(event["SUMMARY"]) == TITLE_OF[lang](s)
    assert set(xml_events((root / "schedule.xml").read_bytes())) == set(
        json_events((root / "schedule.json").read_bytes())
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_fixture_pages_carry_jsonld_and_link_the_exports(fixture_site, lang):
    root = fixture_site / LANG_ROOT[lang]
    (forum,) = ld_scripts(soup(root / "index.html"))
    assert forum["@type"] == "Event" and forum["inLanguage"] == lang
    assert forum["url"] == "https://example.org/forum/" + LANG_ROOT[lang]
    assert len(forum["subEvent"]) == len(SESSIONS)
    page = soup(root / "sessions" / "keynote" / "index.html")
    (session,) = ld_scripts(page)
    assert session["name"] == {"ko": TRICKY_TITLE_KO, "en": TRICKY_TITLE_EN}[lang]
    assert session["startDate"] == "2020-09-23T16:00:00+09:00"
    assert [p["name"] for p in session["performer"]] == [{"ko": "천웨이", "en": "Chen Wei"}[lang]]
    # The session page and the timetable link files that exist.
    hrefs = [a["href"] for a in page.find_all("a", href=True)] + [
        a["href"] for a in soup(root / "timetable" / "index.html").find_all("a", href=True)
    ]
    prefix = "/" + LANG_ROOT[lang]
    for target in ("sessions/keynote/keynote.ics", *EXPORTS):
        assert prefix + target in hrefs, target
        assert (root / target).is_file()


def test_two_builds_write_identical_exports(fixture_site, tmp_path):
    content = write_fixture_site(tmp_path)
    again = build(
        tmp_path / "output", PATH=str(content), FORUM={"phase": "after", "home_url": "https://example.org/forum"}
    )
    names = sorted(
        p.relative_to(fixture_site) for p in fixture_site.rglob("*") if p.name in EXPORTS or p.suffix == ".ics"
    )
    assert len(names) == 2 * (len(EXPORTS) + len(SESSIONS))
    for name in names:
        assert (again / name).read_bytes() == (fixture_site / name).read_bytes(), name


def test_real_site_exports_are_valid(site, schema):
    for lang in ("ko", "en"):
        root = site / LANG_ROOT[lang]
        home = f"{HOME}/{LANG_ROOT[lang]}"
        schema.validate(str(root / "schedule.xml"))
        xml = xml_events((root / "schedule.xml").read_bytes())
        js = json_events((root / "schedule.json").read_bytes())
        assert set(xml) == set(js) and xml
        sessions = sorted(p.name for p in (root / "sessions").iterdir() if p.is_dir())
        events = events_of((root / "schedule.ics").read_bytes())
        assert len(events) == len(sessions) == len(xml)
        for event in events:
            assert event["DTSTART"].params["TZID"] == "Asia/Seoul"
            assert str(event["URL"]).startswith(home + "sessions/")
        for slug in sessions:
            (event,) = events_of((root / "sessions" / slug / f"{slug}.ics").read_bytes())
            assert str(event["UID"]) == f"{slug}@forum.seoul.go.kr/ssc2020"
            (data,) = ld_scripts(soup(root / "sessions" / slug / "index.html"))
            assert data["@type"] == "Event" and data["startDate"].endswith("+09:00")
        (forum,) = ld_scripts(soup(root / "index.html"))
        assert forum["@type"] == "Event" and len(forum["subEvent"]) == len(sessions)


def test_schedule_json_is_json_dumps_with_an_indent_of_two() -> None:
    """Events encoded one at a time and put in place give the bytes of one `json.dumps` of the whole."""
    from ssc_forum.exports import schedule_json

    event = {"guid": "g", "title": '서울 "온"\n', "persons": [], "links": [{"url": "u", "title": "t"}], "n": 1.5}
    data = {
        "generator": {"name": "x"},
        "schedule": {
            "url": "u",
            "conference": {
                "rooms": [],
                "days": [
                    {"index": 1, "rooms": {"A": [], "B": [event, {**event, "guid": "h"}]}},
                    {"index": 2, "rooms": {}},
                ],
            },
        },
    }
    assert schedule_json.render(data) == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def test_the_edit_loop_encodes_only_new_schedule_events(tmp_path: Path) -> None:
    from conftest import ROOT, copy_content
    from ssc_forum.incremental import LiveSite

    site = LiveSite(ROOT / "pelicanconf.py", copy_content(tmp_path), tmp_path / "output")
    try:
        encoded: list[str] = []
        first, second = {"guid": "a", "language": "en"}, {"guid": "b", "language": "en"}
        for event in (first, second, first, {**first}, second):
            # As schedule_json.render asks the build's export cache (`hooks.ExportCache`) for each event.
            site.pieces.same_object(
                ("json-event", event["guid"], event["language"]),
                event,
                lambda event=event: encoded.append(event["guid"]) or event["guid"],
            )
        assert encoded == ["a", "b", "a"]  # an event made again (a new object) is encoded again
    finally:
        site.close()
