"""The programme file (`content/programme.toml`): its days and rooms, read and checked.

Measured against the limits before it is parsed, read as UTF-8 TOML, each `[[days]]` and
`[[rooms]]` entry's fields parsed as the schema declares them (`fields.parse_fields`), with the
line each key is written on; then what can be checked within the file: a day declared twice, a
day ending before it starts, a room slug used twice.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from . import characters, languages, limits, schema
from .fields import parse_fields
from .messages import Message, msgid, tr
from .problems import Problem, shorten_quoted
from .records import DayRecord, RoomRecord

_TOML_TABLE_RE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TOML_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_TOML_LINE_RE = re.compile(r"\(at line (\d+)")


def _toml_lines(text: str) -> dict[tuple[str, int, str], int]:
    """Where each key of each [[table]] entry is written: (table, index from 1, key) -> line."""
    where: dict[tuple[str, int, str], int] = {}
    counter: dict[str, int] = defaultdict(int)
    table = None
    for number, line in enumerate(text.split("\n"), start=1):
        head = _TOML_TABLE_RE.match(line)
        if head:
            table = head.group(1)
            counter[table] += 1
            where.setdefault((table, counter[table], ""), number)
            continue
        key = _TOML_KEY_RE.match(line)
        if key and table:
            where.setdefault((table, counter[table], key.group(1)), number)
    return where


def _toml_kind(value: Any, fields: tuple[schema.Field, ...]) -> Message | None:
    """Why a TOML value is of a kind no field of the programme takes (None when it may be read).

    TOML has dates, times, date-times, arrays and tables of its own; the fields are text, a
    date or a time written as text or as TOML's date. Truncating a date-time to its day, or
    printing a table as text, would publish what the editor did not write.
    """
    if isinstance(value, datetime):
        return tr(
            "is a date and time ({value}) where a date is meant: write the date alone, e.g. {day}",
            value=value.isoformat(),
            day=value.date().isoformat(),
        )
    if isinstance(value, dict):
        return tr(
            "is a table ({value}) where text is meant: write the text in quotes", value=shorten_quoted(repr(value))
        )
    if isinstance(value, list):
        return tr("is a list ([…]) where one value is meant: write one value in quotes")
    return None


def read_programme(
    content_path: Path, filename: str, problems: list[Problem], langs: tuple[str, ...]
) -> tuple[list[DayRecord], list[RoomRecord]]:
    """Read and check the programme file (days and rooms, named in each of the site's languages `langs`)."""
    path = f"{content_path.name}/{filename}"
    days: list[DayRecord] = []
    rooms: list[RoomRecord] = []
    if (content_path / filename).is_symlink():
        problems.append(Problem(path, None, tr("is a symbolic link: the programme file must be the file itself")))
        return days, rooms
    try:
        raw_bytes = (content_path / filename).read_bytes()
        too_big = limits.size_problem(len(raw_bytes))
        if too_big:
            problems.append(Problem(path, None, too_big))
            return days, rooms
        # utf-8-sig: a byte-order mark is accepted here as in the Markdown files.
        text = characters.newlines(raw_bytes.decode("utf-8-sig"))
        beyond = limits.toml_problems(text)  # before parsing: tomllib recurses once per level
        if beyond:
            problems.extend(Problem(path, None, message, line) for line, message in beyond)
            return days, rooms
        data = tomllib.loads(text)
    except FileNotFoundError:
        problems.append(Problem(path, None, tr("is missing: the programme needs its days and rooms")))
        return days, rooms
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                path,
                None,
                tr(
                    "cannot be read: it is not UTF-8 text ({reason} at byte {start}): save it as UTF-8",
                    reason=exc.reason,
                    start=exc.start,
                ),
            )
        )
        return days, rooms
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_LINE_RE.search(str(exc))
        problems.append(
            Problem(path, None, tr("cannot be read: {reason}", reason=str(exc)), int(at.group(1)) if at else None)
        )
        return days, rooms
    except OSError as exc:
        problems.append(Problem(path, None, tr("cannot be read: {reason}", reason=str(exc.strerror or exc))))
        return days, rooms
    where = _toml_lines(text)
    for key in sorted(set(data) - {"days", "rooms"}):
        problems.append(Problem(path, key, tr("is not a section of the programme (allowed: days, rooms)")))
    sections: tuple[tuple[str, Any, list[Any]], ...] = (
        ("days", languages.day_fields(langs), days),
        ("rooms", languages.room_fields(langs), rooms),
    )
    for key, fields, out in sections:
        entries = data.get(key)
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(path, key, tr("needs at least one [[{key}]] entry", key=key)))
            continue
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                problems.append(Problem(path, f"{key}[{i}]", tr("is not a table")))
                continue
            raw = dict(entry)
            sub: list[Problem] = []
            lines = {name: line for (table, index, name), line in where.items() if table == key and index == i}
            wrong = {name: _toml_kind(value, fields) for name, value in raw.items()}
            for name, message in wrong.items():
                if message:
                    sub.append(Problem(path, name, message, lines.get(name)))
            raw = {name: value for name, value in raw.items() if not wrong[name]}
            values, media = parse_fields(fields, raw, path, sub, lines=lines)
            # A value of the wrong kind is its field's first cause: not "missing" as well.
            sub = [p for p in sub if not (wrong.get(p.field or "") and msgid(p.message) == "is required but missing")]
            problems.extend(Problem(p.path, f"{key}[{i}].{p.field}", p.message, p.line or lines.get("")) for p in sub)
            if key == "days":
                out.append(DayRecord(i, values, media))
            else:
                out.append(RoomRecord(values, media))
    seen: dict[Any, int] = {}
    for day in days:
        d = day.values.get("date")
        if d in seen:
            problems.append(
                Problem(
                    path,
                    f"days[{day.index}].date",
                    tr("{day} is declared twice", day=str(d)),
                    where.get(("days", day.index, "date")),
                )
            )
        seen[d] = day.index
        start, end = day.values.get("start"), day.values.get("end")
        if start and end and not start < end:
            problems.append(
                Problem(
                    path, f"days[{day.index}].end", tr("must be after start"), where.get(("days", day.index, "end"))
                )
            )
    slugs = [r.values.get("slug") for r in rooms]
    for s in sorted({s for s in slugs if s and slugs.count(s) > 1}):
        problems.append(Problem(path, "rooms", tr("room slug {slug!r} is declared twice", slug=s)))
    return days, rooms
