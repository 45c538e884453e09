"""Checks between content files: what no file shows alone.

Slugs used twice in a language, translation twins missing or disagreeing on a field that does
not depend on the language, references to sessions, speakers, cases and rooms that do not exist,
a case and its session that do not name each other, sessions on days the programme does not have,
outside their day's times, overlapping in a room or sharing an order.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from datetime import date, time
from pathlib import Path
from typing import Any

from . import schema
from .messages import Message, tr
from .problems import Problem
from .records import FILE_LANG_RE, DayRecord, Record, RoomRecord


def _few(values: Any, limit: int = 12, wrong: object = None) -> Message | str:
    """The valid values, for a message: the one meant when `wrong` is close to one, else all when few."""
    items = sorted(str(v) for v in values)
    meant = difflib.get_close_matches(str(wrong), items, n=1, cutoff=0.6) if wrong is not None else []
    if meant:
        return tr(" (did you mean {meant!r}?)", meant=meant[0])
    return f" ({', '.join(items)})" if 0 < len(items) <= limit else ""


def check_across(
    records: list[Record],
    days: list[DayRecord],
    rooms: list[RoomRecord],
    problems: list[Problem],
    langs: tuple[str, ...],
    *,
    programme_ok: bool = True,
    unread: set[tuple[str, str]] | None = None,
) -> None:
    """Checks between files: slugs, twins (one in each of the site's languages `langs`), references, days,
    rooms and overlaps.

    Each mistake is reported at its first cause: a broken programme file does not make every
    session's day wrong, an unreadable file does not leave its twin without one, and a field
    that could not be read is not compared or checked again.
    """
    unread = unread or set()
    by_key: dict[tuple[str, str, str], Record] = {}
    langs_of: dict[tuple[str, str], dict[str, Record]] = defaultdict(dict)
    duplicates: list[Record] = []
    for rec in records:
        key = (rec.ctype.name, rec.slug, rec.lang)
        if key in by_key:
            problems.append(
                Problem(
                    rec.path,
                    "slug",
                    tr(
                        "{slug!r} is already used by {other} in the same language",
                        slug=rec.slug,
                        other=by_key[key].path,
                    ),
                    rec.lines.get("slug"),
                )
            )
            duplicates.append(rec)
            continue
        by_key[key] = rec
        langs_of[(rec.ctype.name, rec.slug)][rec.lang] = rec
    for (_, slug), per_lang in sorted(langs_of.items()):
        # Reported on the file of the first language there is (the main one's, if it is there).
        some = next((per_lang[lang] for lang in langs if lang in per_lang), next(iter(per_lang.values())))
        stem = FILE_LANG_RE.sub("", Path(some.path).name)
        for lang in langs:
            if lang not in per_lang:
                if (some.ctype.folder, f"{stem}.{lang}.md") in unread or (
                    some.ctype.folder,
                    f"{slug}.{lang}.md",
                ) in unread:
                    continue  # its twin is there but could not be read: that is reported already
                problems.append(
                    Problem(
                        some.path,
                        "lang",
                        tr(
                            "has no translation twin in {lang!r} (a file with Slug: {slug} and Lang: {lang})",
                            lang=lang,
                            slug=slug,
                        ),
                        some.lines.get("lang"),
                    )
                )
        _check_twins([per_lang[lang] for lang in langs if lang in per_lang], problems)

    # A duplicate is reported once, above; checking it further would only repeat the mistake.
    records = [r for r in records if not any(r is d for d in duplicates)]
    room_slugs = {r.values.get("slug") for r in rooms}
    day_by_date: dict[Any, DayRecord] = {d.values.get("date"): d for d in days if "date" in d.values}
    for rec in records:
        for fdecl in rec.ctype.fields:
            if not fdecl.refers_to or fdecl.name not in rec.values:
                continue
            if fdecl.refers_to == "room" and not programme_ok:
                continue
            wanted = rec.values[fdecl.name]
            targets = wanted if isinstance(wanted, tuple) else (wanted,)
            for target in targets:
                if fdecl.refers_to == "room":
                    ok = target in room_slugs
                else:
                    ok = (fdecl.refers_to, target, rec.lang) in by_key
                if not ok:
                    # The slugs it could mean, gathered for the message only: for every reference it is n².
                    known = (
                        room_slugs
                        if fdecl.refers_to == "room"
                        else {k[1] for k in by_key if k[0] == fdecl.refers_to and k[2] == rec.lang}
                    )
                    problems.append(
                        Problem(
                            rec.path,
                            fdecl.name,
                            tr(
                                "refers to {what} {target!r}, which does not exist{few}",
                                what=fdecl.refers_to,
                                target=target,
                                few=_few(known, wrong=target),
                            ),
                            rec.lines.get(fdecl.name),
                        )
                    )

    # A case names its session and the session lists its cases: both must say the same.
    listed = {(c, r.lang): r for r in records if r.ctype is schema.SESSION for c in r.values.get("cases", ())}
    for rec in records:
        if rec.ctype is not schema.CITY_CASE or "session" not in rec.values:
            continue
        lister = listed.get((rec.slug, rec.lang))
        named = rec.values["session"]
        if (schema.SESSION.name, named, rec.lang) in by_key and (lister is None or lister.slug != named):
            problems.append(
                Problem(
                    rec.path,
                    "session",
                    tr(
                        "names session {named!r}, but that session's Cases field does not list {slug!r}{lister}",
                        named=named,
                        slug=rec.slug,
                        lister=tr(" ({path} lists it)", path=lister.path) if lister else "",
                    ),
                    rec.lines.get("session"),
                )
            )

    sessions = [r for r in records if r.ctype is schema.SESSION]
    default_room = rooms[0].values.get("slug") if rooms else None
    for rec in sessions:
        v = rec.values
        day = day_by_date.get(v.get("day"))
        if "day" in v and day is None and programme_ok:
            problems.append(
                Problem(
                    rec.path,
                    "day",
                    tr(
                        "{day} is not a day of the programme{few}",
                        day=str(v["day"]),
                        few=_few(d.isoformat() for d in day_by_date),
                    ),
                    rec.lines.get("day"),
                )
            )
        start, end = v.get("start"), v.get("end")
        if {"start", "end"} & rec.failed:
            pass  # a time that could not be read is reported already
        elif (start is None) != (end is None):
            problems.append(
                Problem(
                    rec.path,
                    "end" if end is None else "start",
                    tr("start and end go together: give both or neither"),
                    rec.lines.get("start" if end is None else "end"),
                )
            )
        elif start is not None and end is not None:
            if not start < end:
                problems.append(Problem(rec.path, "end", tr("must be after start"), rec.lines.get("end")))
            elif (
                day
                and "start" in day.values
                and "end" in day.values
                and not (day.values["start"] <= start and end <= day.values["end"])
            ):
                problems.append(
                    Problem(
                        rec.path,
                        "start",
                        tr(
                            "{times} is outside its day ({day})",
                            times=f"{_hm(start)}-{_hm(end)}",
                            day=f"{_hm(day.values['start'])}-{_hm(day.values['end'])}",
                        ),
                        rec.lines.get("start"),
                    )
                )
    # Overlaps and orders per language, day and room, after sorting: n log n.
    groups: dict[tuple[str, date, str | None], list[Record]] = defaultdict(list)
    orders: dict[tuple[str, date, int], Record] = {}
    for rec in sessions:
        v = rec.values
        if "day" not in v:
            continue
        if "order" in v:
            okey = (rec.lang, v["day"], v["order"])
            if okey in orders:
                problems.append(
                    Problem(
                        rec.path,
                        "order",
                        tr(
                            "{order} is already used on {day} by {other}",
                            order=v["order"],
                            day=str(v["day"]),
                            other=orders[okey].path,
                        ),
                        rec.lines.get("order"),
                    )
                )
            orders[okey] = rec
        if v.get("start") and v.get("end") and v["start"] < v["end"]:
            groups[(rec.lang, v["day"], v.get("room", default_room))].append(rec)
    for (_, _, room), group in groups.items():
        group.sort(key=lambda r: (r.values["start"], r.values["end"]))
        latest = group[0]
        for rec in group[1:]:
            if rec.values["start"] < latest.values["end"]:
                problems.append(
                    Problem(
                        rec.path,
                        "start",
                        tr(
                            "overlaps {other} in room {room!r} ({times})",
                            other=latest.path,
                            room=room,
                            times=f"{_hm(latest.values['start'])}-{_hm(latest.values['end'])}",
                        ),
                        rec.lines.get("start"),
                    )
                )
            if rec.values["end"] > latest.values["end"]:
                latest = rec


def _check_twins(ordered: list[Record], problems: list[Problem]) -> None:
    """Language-independent fields must say the same in every language of one item.

    `ordered` holds the item's files in the order of the site's languages. Each field of each twin is
    compared with the first file that could read it (the main language's, unless that one failed), so
    with three languages or more every file is checked once, against one reference.
    A disagreement is reported on the file saved last (the one the editor has just changed),
    naming its twin and the twin's value; with equal times, on the later language's file.
    """
    if len(ordered) < 2:
        return
    for fdecl in ordered[0].ctype.fields:
        if not fdecl.shared:
            continue
        readable = [rec for rec in ordered if fdecl.name not in rec.failed]
        if fdecl.required:  # a missing required field is reported as such
            readable = [rec for rec in readable if rec.values.get(fdecl.name) is not None]
        for twin in readable[1:]:
            reference = readable[0]
            main, other = (twin, reference) if twin.mtime_ns < reference.mtime_ns else (reference, twin)
            mine, theirs = main.values.get(fdecl.name), other.values.get(fdecl.name)
            if mine != theirs:
                problems.append(
                    Problem(
                        other.path,
                        fdecl.name,
                        tr(
                            "is {here} here but {there} in its twin {twin}: it does not depend on "
                            "the language, so both files must say the same",
                            here=_shown(theirs),
                            there=_shown(mine),
                            twin=main.path,
                        ),
                        other.lines.get(fdecl.name),
                    )
                )


def _shown(value: Any) -> Message | str:
    if value is None:
        return tr("not given")
    if isinstance(value, tuple):
        return repr(", ".join(value))
    if isinstance(value, time):
        return _hm(value)
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _hm(t: time) -> str:
    return t.strftime("%H:%M")
