"""Reading and validating the forum's content files.

Every file of every declared content type (both languages) and the programme
file are read once and checked against the declarations in `schema`. All
problems are collected, so an editor sees every mistake of a build at once,
each naming the file and the field.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pelican.readers import MarkdownReader

from . import schema, shortcodes, streams
from .settings import forum_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One mistake in one content file, for one field (or the whole file)."""

    path: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: field '{self.field}'" if self.field else self.path
        return f"{where}: {self.message}"


class ContentError(SystemExit):
    """The content has mistakes; the build must stop before writing anything.

    A SystemExit, not an Exception: Pelican's command line logs every Exception with its
    traceback, which tells an editor nothing. Uncaught, this prints only the problem lines
    and exits with status 1; callers that build in-process catch it by name.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"ERROR: {len(problems)} problem(s) in the content; nothing was written:\n{lines}")

    def __str__(self) -> str:
        return str(self.code)


@dataclass
class Record:
    """One content file, read and with its fields parsed to their declared kinds."""

    ctype: schema.ContentType
    path: str  # relative to the content folder, for messages
    values: dict[str, Any]
    body: str  # rendered HTML
    media: dict[str, tuple[streams.Media, ...]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The record's slug."""
        return self.values["slug"]

    @property
    def lang(self) -> str:
        """The record's language."""
        return self.values["lang"]


@dataclass
class DayRecord:
    """A day of the programme as declared in the programme file."""

    index: int
    values: dict[str, Any]
    media: dict[str, tuple[streams.Media, ...]]


@dataclass
class RoomRecord:
    """A room of the programme as declared in the programme file."""

    values: dict[str, Any]
    media: dict[str, tuple[streams.Media, ...]]


@dataclass
class Content:
    """Everything read from the content folder, valid or not."""

    records: list[Record]
    days: list[DayRecord]
    rooms: list[RoomRecord]
    problems: list[Problem]

    def of(self, ctype: schema.ContentType, lang: str) -> list[Record]:
        """Records of one type in one language, in file order."""
        return [r for r in self.records if r.ctype is ctype and r.lang == lang]


_FILE_LANG_RE = re.compile(r"\.([a-z]{2})\.(md|markdown)$")


def _parse_fields(
    fields: tuple[schema.Field, ...], raw: dict[str, Any], path: str, problems: list[Problem],
    *, check_unknown: bool = True,
) -> tuple[dict[str, Any], dict[str, tuple[streams.Media, ...]]]:
    """Parse raw metadata against declared fields; append every problem found."""
    declared = {f.name for f in fields}
    values: dict[str, Any] = {}
    media: dict[str, tuple[streams.Media, ...]] = {}
    if check_unknown:
        for name in sorted(raw):
            if name not in declared:
                problems.append(Problem(path, name, "is not a field of this content type "
                                        f"(allowed: {', '.join(sorted(declared))})"))
    for fdecl in fields:
        value = raw.get(fdecl.name)
        if value is None:
            if fdecl.required:
                problems.append(Problem(path, fdecl.name, "is required but missing"))
            continue
        if isinstance(value, list):
            problems.append(Problem(path, fdecl.name, "is given more than once"))
            continue
        if isinstance(value, datetime):  # Pelican's reader has already parsed a news item's Date
            value = value.date().isoformat()
        try:
            parsed = fdecl.kind.parse(str(value))  # type: ignore[operator]
        except schema.FieldError as exc:
            problems.append(Problem(path, fdecl.name, str(exc)))
            continue
        if fdecl.choices and parsed not in fdecl.choices:
            problems.append(Problem(path, fdecl.name,
                                    f"{parsed!r} is not one of: {', '.join(fdecl.choices)}"))
            continue
        if fdecl.kind is schema.MEDIA:
            items = []
            for item in parsed:
                try:
                    items.append(streams.parse_media(item, recording=fdecl.name == "recording"))
                except streams.MediaError as exc:
                    problems.append(Problem(path, fdecl.name, str(exc)))
            if fdecl.name == "recording" and len(items) > 1:
                problems.append(Problem(path, fdecl.name, "names more than one recording"))
            media[fdecl.name] = tuple(items)
        values[fdecl.name] = parsed
    return values, media


def _read_programme(content_path: Path, filename: str, problems: list[Problem]):
    """Read and check the programme file (days and rooms)."""
    path = f"{content_path.name}/{filename}"
    days: list[DayRecord] = []
    rooms: list[RoomRecord] = []
    try:
        data = tomllib.loads((content_path / filename).read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(path, None, "is missing: the programme needs its days and rooms"))
        return days, rooms
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, None, f"cannot be read: {exc}"))
        return days, rooms
    for key in sorted(set(data) - {"days", "rooms"}):
        problems.append(Problem(path, key, "is not a section of the programme (allowed: days, rooms)"))
    for key, fields, out in (("days", schema.DAY_FIELDS, days), ("rooms", schema.ROOM_FIELDS, rooms)):
        entries = data.get(key)
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(path, key, f"needs at least one [[{key}]] entry"))
            continue
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                problems.append(Problem(path, f"{key}[{i}]", "is not a table"))
                continue
            raw = dict(entry)
            sub: list[Problem] = []
            values, media = _parse_fields(fields, raw, path, sub)
            problems.extend(Problem(p.path, f"{key}[{i}].{p.field}", p.message) for p in sub)
            if key == "days":
                out.append(DayRecord(i, values, media))
            else:
                out.append(RoomRecord(values, media))
    seen: dict[Any, int] = {}
    for day in days:
        d = day.values.get("date")
        if d in seen:
            problems.append(Problem(path, f"days[{day.index}].date", f"{d} is declared twice"))
        seen[d] = day.index
        start, end = day.values.get("start"), day.values.get("end")
        if start and end and not start < end:
            problems.append(Problem(path, f"days[{day.index}].end", "must be after start"))
    slugs = [r.values.get("slug") for r in rooms]
    for s in sorted({s for s in slugs if s and slugs.count(s) > 1}):
        problems.append(Problem(path, "rooms", f"room slug {s!r} is declared twice"))
    return days, rooms


_CACHE: dict[tuple, Content] = {}


def _fingerprint(content_path: Path, programme: str) -> tuple:
    """What the content looks like on disk: every file's path, size and modification time."""
    files = [content_path / programme]
    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.md")))
    stats = []
    for file in files:
        try:
            st = file.stat()
            stats.append((file.relative_to(content_path).as_posix(), st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append((file.relative_to(content_path).as_posix(), None, None))
    return (str(content_path.resolve()), tuple(stats))


def read_content(settings: dict[str, Any]) -> Content:
    """Read and validate every content file; never raises for an editor's mistake.

    The English sub-site is built in the same process right after the Korean site and
    reads the same files: the result is reused while no file has changed.
    """
    content_path = Path(settings["PATH"])
    key = _fingerprint(content_path, forum_settings(settings)["programme"])
    if key not in _CACHE:
        _CACHE.clear()  # one content folder at a time: a long-running preview never grows
        _CACHE[key] = _read_content(settings)
    return _CACHE[key]


def _read_content(settings: dict[str, Any]) -> Content:
    content_path = Path(settings["PATH"])
    # The Markdown reader alone: Pelican's Readers would add default metadata (category,
    # dates from file names) that the editor did not write and that our fields do not declare.
    reader = MarkdownReader({**settings, "FORMATTED_FIELDS": []})
    problems: list[Problem] = []
    records: list[Record] = []
    programme = forum_settings(settings)["programme"]
    days, rooms = _read_programme(content_path, programme, problems)
    problems.extend(_stray_files(content_path, programme, settings))
    programme_days = {d.values["date"] for d in days if "date" in d.values}

    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        files = sorted(folder.glob("*.md")) if folder.is_dir() else []
        for file in files:
            # Named from the project's root (content/sessions/…), as editors see the file.
            rel = f"{content_path.name}/{file.relative_to(content_path).as_posix()}"
            try:
                body, raw = reader.read(str(file))
            except Exception as exc:
                problems.append(Problem(rel, None, f"cannot be read: {exc.__class__.__name__}: {exc}"))
                continue
            own: list[Problem] = []
            values, media = _parse_fields(ctype.fields, raw, rel, own)
            match = _FILE_LANG_RE.search(file.name)
            if match and "lang" in values and match.group(1) != values["lang"]:
                own.append(Problem(rel, "lang", f"is {values['lang']!r} but the file name says "
                                   f"{match.group(1)!r}"))
            for code in shortcodes.find(body):
                error = shortcodes.check(code, programme_days)
                if error:
                    own.append(Problem(rel, "body", error))
            problems.extend(own)
            # Cross-file checks need the slug and language; other gaps are already reported.
            if "slug" in values and "lang" in values:
                records.append(Record(ctype, rel, values, body, media))

    _check_across(records, days, rooms, problems)
    return Content(records, days, rooms, problems)


def _stray_files(content_path: Path, programme: str, settings: dict[str, Any]) -> list[Problem]:
    """Files and folders the build would silently skip: a misspelt folder, a file saved as .txt."""
    problems = []
    known = {ct.folder for ct in schema.CONTENT_TYPES}
    known |= {Path(p).parts[0] for p in (*settings.get("STATIC_PATHS", ()), *settings.get("ARTICLE_PATHS", ())) if p}
    where = ", ".join(sorted(known))
    for entry in sorted(content_path.iterdir()) if content_path.is_dir() else ():
        rel = f"{content_path.name}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name not in known:
            problems.append(Problem(rel, None, f"is not a content folder, so nothing in it is published "
                                    f"(content folders: {where})"))
        elif entry.is_file() and entry.name != programme:
            problems.append(Problem(rel, None, f"is not in a content folder, so it is not published "
                                    f"(content folders: {where})"))
    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in sorted(folder.iterdir()) if folder.is_dir() else ():
            if not entry.name.startswith(".") and not (entry.is_file() and entry.suffix == ".md"):
                problems.append(Problem(f"{content_path.name}/{ctype.folder}/{entry.name}", None,
                                        "is not a Markdown file ending in .md, so it is not published"))
    return problems


def _check_across(records: list[Record], days: list[DayRecord], rooms: list[RoomRecord],
                  problems: list[Problem]) -> None:
    """Checks between files: slugs, twins, references, days, rooms and overlaps."""
    by_key: dict[tuple[str, str, str], Record] = {}
    langs_of: dict[tuple[str, str], dict[str, Record]] = defaultdict(dict)
    duplicates: list[Record] = []
    for rec in records:
        key = (rec.ctype.name, rec.slug, rec.lang)
        if key in by_key:
            problems.append(Problem(rec.path, "slug", f"{rec.slug!r} is already used by "
                                    f"{by_key[key].path} in the same language"))
            duplicates.append(rec)
            continue
        by_key[key] = rec
        langs_of[(rec.ctype.name, rec.slug)][rec.lang] = rec
    for (_, slug), per_lang in sorted(langs_of.items()):
        for lang in schema.LANGS:
            if lang not in per_lang:
                some = next(iter(per_lang.values()))
                problems.append(Problem(some.path, "lang", f"has no translation twin in {lang!r} "
                                        f"(a file with Slug: {slug} and Lang: {lang})"))

    # A duplicate is reported once, above; checking it further would only repeat the mistake.
    records = [r for r in records if not any(r is d for d in duplicates)]
    room_slugs = {r.values.get("slug") for r in rooms}
    day_by_date = {d.values.get("date"): d for d in days if "date" in d.values}
    for rec in records:
        for fdecl in rec.ctype.fields:
            if not fdecl.refers_to or fdecl.name not in rec.values:
                continue
            wanted = rec.values[fdecl.name]
            targets = wanted if isinstance(wanted, tuple) else (wanted,)
            for target in targets:
                if fdecl.refers_to == "room":
                    ok = target in room_slugs
                else:
                    ok = (fdecl.refers_to, target, rec.lang) in by_key
                if not ok:
                    problems.append(Problem(rec.path, fdecl.name, f"refers to {fdecl.refers_to} "
                                            f"{target!r}, which does not exist"))

    # A case names its session and the session lists its cases: both must say the same.
    listed = {(c, r.lang): r for r in records if r.ctype is schema.SESSION for c in r.values.get("cases", ())}
    for rec in records:
        if rec.ctype is not schema.CITY_CASE or "session" not in rec.values:
            continue
        lister = listed.get((rec.slug, rec.lang))
        named = rec.values["session"]
        if (schema.SESSION.name, named, rec.lang) in by_key and (lister is None or lister.slug != named):
            problems.append(Problem(rec.path, "session", f"names session {named!r}, but that session's Cases "
                                    f"field does not list {rec.slug!r}"
                                    + (f" ({lister.path} lists it)" if lister else "")))

    sessions = [r for r in records if r.ctype is schema.SESSION]
    default_room = rooms[0].values.get("slug") if rooms else None
    for rec in sessions:
        v = rec.values
        day = day_by_date.get(v.get("day"))
        if "day" in v and day is None:
            problems.append(Problem(rec.path, "day", f"{v['day']} is not a day of the programme"))
        start, end = v.get("start"), v.get("end")
        if (start is None) != (end is None):
            problems.append(Problem(rec.path, "end" if end is None else "start",
                                    "start and end go together: give both or neither"))
        elif start is not None and end is not None:
            if not start < end:
                problems.append(Problem(rec.path, "end", "must be after start"))
            elif day and "start" in day.values and "end" in day.values and not (
                day.values["start"] <= start and end <= day.values["end"]
            ):
                problems.append(Problem(rec.path, "start", f"{_hm(start)}-{_hm(end)} is outside its day "
                                        f"({_hm(day.values['start'])}-{_hm(day.values['end'])})"))
    # Overlaps and orders per language, day and room, after sorting: n log n.
    groups: dict[tuple[str, date, str], list[Record]] = defaultdict(list)
    orders: dict[tuple[str, date, int], Record] = {}
    for rec in sessions:
        v = rec.values
        if "day" not in v:
            continue
        if "order" in v:
            okey = (rec.lang, v["day"], v["order"])
            if okey in orders:
                problems.append(Problem(rec.path, "order", f"{v['order']} is already used on {v['day']} by "
                                        f"{orders[okey].path}"))
            orders[okey] = rec
        if v.get("start") and v.get("end") and v["start"] < v["end"]:
            groups[(rec.lang, v["day"], v.get("room", default_room))].append(rec)
    for (_, _, room), group in groups.items():
        group.sort(key=lambda r: (r.values["start"], r.values["end"]))
        latest = group[0]
        for rec in group[1:]:
            if rec.values["start"] < latest.values["end"]:
                problems.append(Problem(rec.path, "start", f"overlaps {latest.path} in room {room!r} "
                                        f"({_hm(latest.values['start'])}-{_hm(latest.values['end'])})"))
            if rec.values["end"] > latest.values["end"]:
                latest = rec


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


def check_content(settings: dict[str, Any]) -> list[str]:
    """Validate the content only; one line per problem, empty when all is well."""
    return [str(p) for p in read_content(settings).problems]
