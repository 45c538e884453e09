"""Reading and validating the forum's content files.

Every file of every declared content type (both languages) and the programme
file are read once and checked against the declarations in `schema`. All
problems are collected, so an editor sees every mistake of a build at once,
each naming the file and the field.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader

from . import (
    addresses,
    characters,
    hooks,
    images,
    languages,
    limits,
    markup,
    schema,
    shortcodes,
    statics,
    streams,
    subsites,
)

# ContentError and Problem are re-exported: callers long imported them from here.
from .messages import Joined, Message, msgid, tr
from .problems import ContentError, Problem, shorten_quoted
from .settings import forum_settings

logger = logging.getLogger(__name__)


@dataclass
class Record:
    """One content file, read and with its fields parsed to their declared kinds."""

    ctype: schema.ContentType
    path: str  # relative to the content folder, for messages
    values: dict[str, Any]
    body: str  # rendered HTML, with a placeholder paragraph for each shortcode
    media: dict[str, tuple[streams.Media, ...]] = field(default_factory=dict)
    shortcodes: tuple[shortcodes.Shortcode, ...] = ()
    failed: frozenset[str] = frozenset()  # fields written but not readable: checks between files skip them
    lines: dict[str, int] = field(default_factory=dict)  # where each field is written
    mtime_ns: int = 0  # when the file was last saved: a disagreement is reported on the one changed last

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
    programme_ok: bool = True  # False: the programme file is broken, so no day or room can be checked

    def of(self, ctype: schema.ContentType, lang: str) -> list[Record]:
        """Records of one type in one language, in file order."""
        return [r for r in self.records if r.ctype is ctype and r.lang == lang]


_FILE_LANG_RE = re.compile(r"\.([a-z]{2})\.(md|markdown)$")
# A field line exactly as Python-Markdown's metadata reader takes one: no space before the colon.
_META_KEY_RE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+):")
# Colons a keyboard or a word processor gives for ":" (full-width, small, vertical, ratio, modifier letters).
_COLON_LIKES = "\uff1a\ufe55\ufe13\u2236\ua789\u02d0\u02f8"
# A line meant as a field: a short name, then a colon of any kind (the name may hold anything, to be named).
_FIELD_LIKE_RE = re.compile(
    rf"^\s{{0,3}}(?P<name>[^\s:{_COLON_LIKES}][^:{_COLON_LIKES}]{{0,40}}?)"
    rf"(?P<space>\s*)(?P<colon>[:{_COLON_LIKES}])\s*(?P<value>.*)$"
)
_TOML_TABLE_RE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TOML_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_TOML_LINE_RE = re.compile(r"\(at line (\d+)")


def _few(values: Any, limit: int = 12, wrong: object = None) -> Message | str:
    """The valid values, for a message: the one meant when `wrong` is close to one, else all when few."""
    items = sorted(str(v) for v in values)
    meant = difflib.get_close_matches(str(wrong), items, n=1, cutoff=0.6) if wrong is not None else []
    if meant:
        return tr(" (did you mean {meant!r}?)", meant=meant[0])
    return f" ({', '.join(items)})" if 0 < len(items) <= limit else ""


def _parse_fields(
    fields: tuple[schema.Field, ...],
    raw: dict[str, Any],
    path: str,
    problems: list[Problem],
    *,
    check_unknown: bool = True,
    lines: dict[str, int] | None = None,
    counts: dict[str, int] | None = None,
    failed: set[str] | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[streams.Media, ...]]]:
    """Parse raw metadata against declared fields; append every problem found.

    `lines` gives the line each field is written on, `counts` how often its name is written
    (to tell a field given twice from one running onto a second line); the names of fields
    that were written but could not be read are added to `failed`.
    """
    lines = lines or {}
    declared = {f.name for f in fields}
    values: dict[str, Any] = {}
    media: dict[str, tuple[streams.Media, ...]] = {}
    failed = failed if failed is not None else set()

    def problem(name: str, message: Message | str) -> None:
        problems.append(Problem(path, name, message, lines.get(name)))
        failed.add(name)

    if check_unknown:
        for name in sorted(raw):
            if name not in declared:
                meant = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.6)
                problems.append(
                    Problem(
                        path,
                        name,
                        tr("is not a field of this content type (did you mean {meant!r}?)", meant=meant[0])
                        if meant
                        else tr(
                            "is not a field of this content type (allowed: {names})", names=", ".join(sorted(declared))
                        ),
                        lines.get(name),
                    )
                )
    for fdecl in fields:
        value = raw.get(fdecl.name)
        if value is None:
            if fdecl.required:
                problems.append(Problem(path, fdecl.name, tr("is required but missing")))
            continue
        if isinstance(value, list):
            if counts is not None and counts.get(fdecl.name, 0) <= 1:
                problem(fdecl.name, tr("runs onto a second line: write the whole value on one line"))
            else:
                problem(fdecl.name, tr("is given more than once"))
            continue
        if isinstance(value, datetime):  # Pelican's reader has already parsed a news item's Date
            value = value.date().isoformat()
        value = str(value)
        value = characters.nfc(value)
        bad = characters.invisible(value)
        if bad:
            problem(fdecl.name, bad)
            continue
        try:
            parsed = fdecl.kind.parse(value)  # type: ignore[operator]
        except schema.FieldError as exc:
            problem(fdecl.name, exc.message)
            continue
        if fdecl.choices and parsed not in fdecl.choices:
            meant = difflib.get_close_matches(str(parsed), fdecl.choices, n=1, cutoff=0.6)
            problem(
                fdecl.name,
                tr(
                    "{value!r} is not one of: {choices} (did you mean {meant!r}?)",
                    value=parsed,
                    choices=", ".join(fdecl.choices),
                    meant=meant[0],
                )
                if meant
                else tr("{value!r} is not one of: {choices}", value=parsed, choices=", ".join(fdecl.choices)),
            )
            continue
        if fdecl.kind is schema.MEDIA:
            items = []
            for item in parsed:
                try:
                    items.append(streams.parse_media(item, recording=fdecl.name == "recording"))
                except streams.MediaError as exc:
                    problem(fdecl.name, exc.message)
            if fdecl.name == "recording" and len(items) > 1:
                problem(fdecl.name, tr("names more than one recording"))
            media[fdecl.name] = tuple(items)
        values[fdecl.name] = parsed
    return values, media


def _fields_of(
    ctype: schema.ContentType, read: FileRead, rel: str
) -> tuple[dict[str, Any], dict[str, tuple[streams.Media, ...]], list[Problem], set[str]]:
    """A read file's fields parsed against its type: values, media, the problems and the fields that failed."""
    own: list[Problem] = []
    failed: set[str] = set()
    values, media = _parse_fields(
        ctype.fields, read.raw or {}, rel, own, lines=read.lines, counts=read.counts, failed=failed
    )
    return values, media, own, failed


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


def _read_programme(content_path: Path, filename: str, problems: list[Problem], langs: tuple[str, ...]):
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
        ("days", schema.day_fields(langs), days),
        ("rooms", schema.room_fields(langs), rooms),
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
            values, media = _parse_fields(fields, raw, path, sub, lines=lines)
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


@dataclass
class FileRead:
    """One Markdown file as read: what the build renders and what is wrong with the file alone.

    Everything here depends on the file's bytes and the Markdown settings only, so it can be
    kept between builds while the file is unchanged.
    """

    text: str  # the source, NFC, with LF line ends
    body: str  # rendered HTML, a placeholder paragraph for each shortcode
    raw: dict[str, Any] | None  # metadata as the Markdown reader gives it; None when unreadable
    shortcodes: tuple[shortcodes.Shortcode, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # field name -> line it is written on
    counts: dict[str, int] = field(default_factory=dict)  # field name -> how often it is written


class _SourceReader(MarkdownReader):
    """Pelican's Markdown reader, fed a text rather than a file name (the text is prepared first).

    Metadata stay the strings the editor wrote: the declared kinds parse them, with messages
    naming the field and line (Pelican's own date parser would fail with a traceback).
    """

    raw_metadata = True

    def process_metadata(self, name: str, value: Any) -> Any:
        """The value as written, or as Pelican processes it when Pelican itself reads."""
        return value if self.raw_metadata else super().process_metadata(name, value)

    def read_text(self, source_path: str, text: str) -> tuple[str, dict[str, Any], list[str]]:
        """Rendered HTML, metadata and the raw HTML fragments Markdown passed through."""
        self._source_path = source_path
        if not self._reusable():
            self._md = Markdown(**self.settings["MARKDOWN"])
            html = self._md.convert(text)
            meta = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
            return html, meta, list(self._md.htmlStash.rawHtmlBlocks)
        # One Markdown instance per reader, reset between files: building its extensions and
        # parser anew for each file costs about as much as converting the file.
        md = getattr(self, "_reused_md", None)
        if md is None:
            md = self._reused_md = Markdown(**self.settings["MARKDOWN"])
        else:
            md.reset()
        self._md = md
        html = md.convert(text)
        meta = self._raw_fields(getattr(md, "Meta", {}))
        return html, meta, list(md.htmlStash.rawHtmlBlocks)

    def _reusable(self) -> bool:
        # Pelican's metadata parser unregisters the Markdown instance's metadata reader (it may
        # render formatted fields with it): only raw fields can share one instance.
        return self.raw_metadata and not self.settings.get("FORMATTED_FIELDS")

    def _raw_fields(self, meta: dict[str, list[str]]) -> dict[str, Any]:
        """The fields as Pelican's parser gives them when no field is formatted, the instance kept whole."""
        output: dict[str, Any] = {}
        for name, value in meta.items():
            name = name.lower()
            if not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    logger.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)
                output[name] = value[0]
            else:
                output[name] = value if len(value) > 1 else value[0]
        return output


class NFCMarkdownReader(_SourceReader):
    """The Markdown reader Pelican uses for the news: text in NFC, as the forum's own files are read."""

    raw_metadata = False

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Rendered HTML and metadata of one file, read as UTF-8 (a BOM allowed) and normalised."""
        try:
            with open(source_path, encoding="utf-8-sig") as handle:  # universal newlines, as Pelican reads
                text = handle.read()
            if limits.size_problem(len(text.encode("utf-8"))) or limits.markdown_problems(text):
                raise ValueError("past a limit")  # the content check below names the file and line
            html, meta, _ = self.read_text(source_path, characters.nfc(text))
            html = markup.written(html)  # the page and the feed get the tree the forum's check reads
        except Exception:
            # Pelican reads the news before the forum checks the content, and its own date parser
            # fails with a traceback: report the content's problems (this file's among them) instead.
            problems = find_problems(self.settings)
            if not problems:
                raise
            subsites.forget_unfinished()
            raise ContentError(problems) from None
        return html, meta


def _header(lines: list[str]) -> tuple[int, dict[str, int], dict[str, int], list[int]]:
    """The metadata header: index of the body's first line, each field's line and count, lines that are no field.

    The header runs to the first blank line. A line in it that is neither `Field: value` nor the
    continuation of one would end Python-Markdown's header there and put the fields after it into
    the page as text: its index is returned, to be reported (and left out of what Markdown reads).
    A first line that does not even look like a field means the file has no header.
    """
    where: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    not_fields: list[int] = []
    for index, line in enumerate(lines):
        if not line.strip():
            return index + 1, where, counts, not_fields
        key = _META_KEY_RE.match(line)
        if key:
            name = key.group(1).lower()
            where.setdefault(name, index + 1)
            counts[name] += 1
        elif line.startswith("    ") and index:  # the continuation of a field
            continue
        elif index == 0 and not _FIELD_LIKE_RE.match(line):
            return 0, where, counts, not_fields
        else:
            not_fields.append(index)
    return len(lines), where, counts, not_fields


# Field names an editor typing in Korean may write for the English ones (the field guide's words).
_KOREAN_NAMES = {
    "제목": "title",
    "이름": "title",
    "슬러그": "slug",
    "언어": "lang",
    "요약": "summary",
    "소속": "affiliation",
    "직위": "position",
    "직책": "position",
    "발표": "talk",
    "발표제목": "talk",
    "정렬": "sort",
    "사진": "photo",
    "사진설명": "photo_alt",
    "날짜": "day",
    "일자": "day",
    "순서": "order",
    "종류": "kind",
    "부": "part",
    "연사": "speakers",
    "발표자": "speakers",
    "사회자": "hosts",
    "좌장": "hosts",
    "시작": "start",
    "종료": "end",
    "끝": "end",
    "방": "room",
    "장소": "room",
    "생중계": "streams",
    "녹화": "recording",
    "다시보기": "recording",
    "도시": "city",
    "국가": "country",
    "나라": "country",
    "이미지": "image",
    "이미지설명": "image_alt",
    "세션": "session",
    "사례": "cases",
    "분류": "category",
}


def _not_a_field(line: str, names: list[str]) -> tuple[str | Message, str | None]:
    """Why a header line is not a field, and the field line it was probably meant to be (or None)."""
    shown = _shortened(line)
    loose = _FIELD_LIKE_RE.match(line)
    if not loose:
        return tr(
            "{line!r} is not a field ('Name: value'): the fields end at the first blank line, so leave one "
            "blank line between the fields and the text",
            line=shown,
        ), None
    name, colon, value = loose.group("name"), loose.group("colon"), loose.group("value")
    invisible = [c for c in name if characters.invisible(c)]
    clean = "".join(c for c in name if c not in invisible).strip()
    reasons = []
    if colon != ":":
        reasons.append(tr("its colon is {char}, not the ASCII colon ':'", char=characters.describe(colon)))
    if loose.group("space"):
        reasons.append(tr("a space stands before the colon"))
    if invisible:
        reasons.append(tr("the name holds the invisible character {char}", char=characters.describe(invisible[0])))
    if not re.fullmatch(r"[A-Za-z0-9_-]+", clean):
        reasons.append(tr("{name!r} is not a field name (field names are English)", name=clean))
    meant = difflib.get_close_matches(clean.lower(), names, n=1, cutoff=0.6)
    korean = _KOREAN_NAMES.get(clean.replace(" ", ""))
    if not meant and korean in names:
        meant = [korean]
    if meant:
        hint: Message | str = tr(
            " (did you mean '{field}'?)", field=f"{meant[0].capitalize()}: {_shortened(value.strip(), 40)}"
        )
    else:
        hint = tr(" (the fields here: {names})", names=", ".join(n.capitalize() for n in names)) if names else ""
    message = tr(
        "{line!r} is not a field: {reasons}{hint}",
        line=shown,
        hint=hint,
        reasons=Joined(tuple(reasons), "; ") if reasons else tr("write it as Name: value"),
    )
    return message, f"{meant[0].capitalize()}: {value}" if meant else None


def _shortened(text: str, limit: int = 80) -> str:
    """A quoted value cut for a message: an error line must stay one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_file(reader: _SourceReader, file: Path, rel: str) -> FileRead:
    """Read one Markdown file: decode, normalise, find shortcodes, render, check its markup.

    The one place a content file is read; its result depends on nothing but the file and
    the Markdown settings.
    """
    problems: list[Problem] = []
    try:
        data = file.read_bytes()
    except OSError as exc:
        return FileRead(
            "", "", None, problems=[Problem(rel, None, tr("cannot be read: {reason}", reason=str(exc.strerror or exc)))]
        )
    too_big = limits.size_problem(len(data))
    if too_big:
        return FileRead("", "", None, problems=[Problem(rel, None, too_big)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line: int | None = data[: exc.start].count(b"\n") + 1
        return FileRead(
            "",
            "",
            None,
            problems=[
                Problem(
                    rel,
                    None,
                    tr("cannot be read: it is not UTF-8 text ({reason}): save it as UTF-8", reason=exc.reason),
                    line,
                )
            ],
        )
    lone = re.search(r"\r(?!\n)", text)
    if lone:  # an old Mac line end would silently split a field in two; name it instead
        line = text[: lone.start()].replace("\r\n", "\n").count("\n") + 1
        return FileRead(
            "",
            "",
            None,
            problems=[
                Problem(
                    rel,
                    None,
                    tr(
                        "contains a carriage return (U+000D) that ends no line: save the file with ordinary "
                        "line ends (LF or CR LF)"
                    ),
                    line,
                )
            ],
        )
    beyond = limits.markdown_problems(characters.newlines(text))  # before any parsing
    if beyond:
        return FileRead("", "", None, problems=[Problem(rel, None, message, line) for line, message in beyond])
    text = characters.nfc(characters.newlines(text))
    lines = text.split("\n")
    body_start, where, counts, not_fields = _header(lines)
    # What Markdown reads of the header: a line that is no field is reported here, and read as the field
    # it was meant to be where that is clear, so the file's other checks name no second cause.
    header = lines[:body_start]
    if not_fields:
        ctype = next((t for t in schema.CONTENT_TYPES if t.folder == Path(rel).parent.name), None)
        names = sorted(f.name for f in ctype.fields) if ctype else []
        header = list(header)
        for index in not_fields:
            message, meant = _not_a_field(lines[index], names)
            problems.append(Problem(rel, None, message, index + 1))
            header[index] = meant or ""
            if meant:
                name = meant.split(":", 1)[0].lower()
                where.setdefault(name, index + 1)
                counts[name] += 1
        header = [kept for number, kept in enumerate(header) if kept or number not in not_fields]
    unsafe = False
    for number, row in enumerate(lines[body_start:], start=body_start + 1):
        bad = characters.forbidden(row) or characters.forbidden_reference(row)
        if bad:
            problems.append(Problem(rel, None, bad, number))
            unsafe = True
    if unsafe:  # the text cannot be rendered safely; the rest would only repeat it
        return FileRead(text, "", None, problems=problems, lines=where, counts=counts)
    body_text, codes, misuse = shortcodes.extract("\n".join(lines[body_start:]), body_start + 1)
    problems.extend(Problem(rel, None, m.message, m.line) for m in misuse)
    source = "\n".join(header) + ("\n" if body_start else "") + body_text
    try:
        html, raw, fragments = reader.read_text(str(file), source)
    except Exception as exc:  # a Markdown extension failing on odd input: name the file
        problems.append(Problem(rel, None, tr("cannot be read: {reason}", reason=f"{exc.__class__.__name__}: {exc}")))
        return FileRead(text, "", None, problems=problems, lines=where, counts=counts)
    for code in codes:
        if not shortcodes.placed(html, code):
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "the shortcode {code} must be a paragraph of its own, not inside a list, quote or table",
                        code=code.text,
                    ),
                    code.line,
                )
            )
    finder = markup.LineFinder(lines, body_start, {code.line for code in codes})
    reported: set[int | None] = {m.line for m in misuse}
    for text in shortcodes.leftovers(html):
        line = finder.line(text)
        if line not in reported:
            reported.add(line)
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "{text!r} looks like a shortcode inside other text: a shortcode "
                        "must be on a line of its own, not indented or in a list",
                        text=text.strip(),
                    ),
                    line,
                )
            )
    for finding in markup.check_html(html, fragments):
        problems.append(
            Problem(rel, None, finding.message, finder.line(finding.needle, finding.fallback, *finding.markers))
        )
    # The page gets the tree that was checked, written out: never text a browser could read otherwise.
    return FileRead(text, markup.written(html), raw, tuple(codes), problems, where, counts)


_CACHE: dict[tuple, Content] = {}


SETTLED_NS = 2_000_000_000
"""How much older than a reading of a file its modification time must be for its stat to stand for its bytes."""


def stat_signature(path: Path | str) -> tuple[int, int, int] | None:
    """A file's size, modification time and inode (None if it cannot be read): a save changes them.

    As git's index does, trust it for the bytes only when the time is clearly older than the moment
    they were read (`settled`): a save within the same clock tick, of the same size, keeps all three.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def settled(signature: tuple[int, int, int] | None, read_at_ns: int) -> bool:
    """Whether a file with this stat, read at that time, cannot have been saved again unseen."""
    return signature is not None and signature[1] < read_at_ns - SETTLED_NS


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder, by name; none if it is not a folder that can be listed.

    Read with `os.scandir`, whose entries know from the listing itself whether each is a file,
    a folder or a symbolic link: at 5,000 files, asking the file system about each file again
    (as `Path.glob`, `is_file` and `lstat` do) took the better part of a second a build.
    """
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []


def _markdown_entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries named `*.md` of a folder (what `folder.glob("*.md")` finds), by name."""
    return [entry for entry in _entries(folder) if entry.name.endswith(".md")]


def _fingerprint(content_path: Path, programme: str, settings: dict[str, Any] | None = None) -> tuple:
    """What the content looks like on disk: every file's path, size and modification time."""
    files = [(programme, str(content_path / programme))]
    for ctype in schema.CONTENT_TYPES:
        files.extend(
            (f"{ctype.folder}/{entry.name}", entry.path) for entry in _markdown_entries(content_path / ctype.folder)
        )
    stats: list[tuple[str, int | None, int | None, int | None]] = []
    for rel, path in files:
        try:
            st = os.lstat(path)
            stats.append((rel, st.st_size, st.st_mtime_ns, st.st_mode))
        except OSError:
            stats.append((rel, None, None, None))
    # Static files are checked with the content: a new link under images/ must be seen too.
    static = statics.fingerprint(settings) if settings is not None else ()
    # And against the site's languages: the same files are right for one table and wrong for another.
    table = repr((settings.get("LANGUAGES"), settings.get("DEFAULT_LANG"))) if settings is not None else ""
    return (str(content_path.resolve()), tuple(stats), static, table)


def read_content(settings: dict[str, Any]) -> Content:
    """Read and validate every content file; never raises for an editor's mistake.

    The English sub-site is built in the same process right after the Korean site and
    reads the same files: the result is reused while no file has changed.
    """
    content_path = Path(settings["PATH"])
    if not forum_settings(settings)["cache"]:
        return _read_content(settings)
    look = partial(_fingerprint, content_path, forum_settings(settings)["programme"], settings)
    cache = hooks.of(settings).reader
    key = look() if cache is None else cache.fingerprint((str(content_path),), look)
    if key not in _CACHE:
        _CACHE.clear()  # one content folder at a time: a long-running preview never grows
        _CACHE[key] = _read_content(settings)
    return _CACHE[key]


def _reader(settings: dict[str, Any]) -> _SourceReader:
    # The Markdown reader alone: Pelican's Readers would add default metadata (category,
    # dates from file names) that the editor did not write and that our fields do not declare.
    return _SourceReader({**settings, "FORMATTED_FIELDS": []})


def _plain_file(entry: os.DirEntry[str], rel: str) -> Problem | None:
    """A content file must be the file itself: a symbolic link could publish any file of the machine."""
    try:
        if entry.is_symlink():
            return Problem(rel, None, tr("is a symbolic link: a content file must be the file itself"))
        if not entry.is_file(follow_symlinks=False):
            return Problem(rel, None, tr("is not a regular file"))
    except OSError as exc:
        return Problem(rel, None, tr("cannot be read: {reason}", reason=str(exc.strerror or exc)))
    return None


def _read_content(settings: dict[str, Any]) -> Content:
    content_path = Path(settings["PATH"])
    reader = _reader(settings)
    cache = hooks.of(settings).reader if forum_settings(settings)["cache"] else None
    markdown = repr(reader.settings.get("MARKDOWN"))  # readings kept by the cache differ with these settings
    problems: list[Problem] = []
    records: list[Record] = []
    programme = forum_settings(settings)["programme"]
    programme_problems: list[Problem] = []
    langs = _site_langs(settings, problems)
    days, rooms = _read_programme(content_path, programme, programme_problems, langs)
    problems.extend(programme_problems)
    problems.extend(_stray_files(content_path, programme, settings))
    for tree in statics.trees(settings):
        found, _ = statics.check_tree(tree)
        problems.extend(Problem(label, None, message) for label, message in found)
    programme_days = {d.values["date"] for d in days if "date" in d.values}
    unread: set[tuple[str, str]] = set()  # (folder, file name) of files that could not be read

    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in _markdown_entries(folder):
            if entry.name.startswith("."):
                continue
            file = folder / entry.name
            # Named from the project's root (content/sessions/…), as editors see the file.
            rel = f"{content_path.name}/{ctype.folder}/{entry.name}"
            not_plain = _plain_file(entry, rel)
            if not_plain:
                problems.append(not_plain)
                unread.add((ctype.folder, file.name))
                continue
            if cache is None:
                read = _read_file(reader, file, rel)
            else:  # the build was given its readings (the edit loop, the two-core build): it answers first
                read = cache.read_file(file, rel, partial(_read_file, reader, file, rel), markdown)
            problems.extend(read.problems)
            if read.raw is None:
                unread.add((ctype.folder, file.name))
                continue
            if cache is None:
                values, media, own, failed = _fields_of(ctype, read, rel)
            else:  # kept with the reading: parsed again only when the file was read again
                values, media, found, failing = cache.derived(
                    read, ("fields", ctype.name, rel), partial(_fields_of, ctype, read, rel)
                )
                values, media, own, failed = dict(values), dict(media), list(found), set(failing)
            if "lang" in values and values["lang"] not in langs:
                own.append(
                    Problem(
                        rel,
                        "lang",
                        tr("{value!r} is not one of: {choices}", value=values.pop("lang"), choices=", ".join(langs)),
                        read.lines.get("lang"),
                    )
                )
                failed.add("lang")
            match = _FILE_LANG_RE.search(file.name)
            if match and "lang" in values and match.group(1) != values["lang"]:
                own.append(
                    Problem(
                        rel,
                        "lang",
                        tr(
                            "is {value!r} but the file name says {named!r}: make them the same",
                            value=values["lang"],
                            named=match.group(1),
                        ),
                        read.lines.get("lang"),
                    )
                )
            if "slug" in values:
                clash = addresses.slug_clash(ctype, values["slug"], settings)
                if clash:
                    own.append(Problem(rel, "slug", clash, read.lines.get("slug")))
                    failed.add("slug")
            timetables: list[shortcodes.Shortcode] = []
            if ctype is schema.NEWS:  # Pelican writes the news, without the forum's shortcodes
                own.extend(
                    Problem(
                        rel,
                        None,
                        tr(
                            "{code}: shortcodes work in pages, sessions, speakers and city cases, not in news",
                            code=code.text,
                        ),
                        code.line,
                    )
                    for code in read.shortcodes
                )
            for code in read.shortcodes if ctype is not schema.NEWS else ():
                error = shortcodes.check(code, programme_days) if not programme_problems else None
                if error:
                    own.append(Problem(rel, None, error, code.line))
                elif code.name == "timetable":
                    day = shortcodes.timetable_days(code)
                    earlier = next(
                        (t for t in timetables if day is None or shortcodes.timetable_days(t) in (None, day)), None
                    )
                    if earlier:
                        # The timetable's ids (one per day) would repeat: links to a day break.
                        own.append(
                            Problem(
                                rel,
                                None,
                                tr(
                                    "{code} shows a day that {earlier} on line {line} already "
                                    "shows: a page can show each day once",
                                    code=code.text,
                                    earlier=earlier.text,
                                    line=earlier.line,
                                ),
                                code.line,
                            )
                        )
                    timetables.append(code)
            problems.extend(own)
            if "slug" in values and "lang" in values:
                # Cross-file checks need the slug and language; other gaps are already reported.
                records.append(
                    Record(
                        ctype,
                        rel,
                        values,
                        read.body,
                        media,
                        read.shortcodes,
                        frozenset(failed),
                        dict(read.lines),
                        _mtime_ns(file),
                    )
                )
            else:
                unread.add((ctype.folder, file.name))

    _check_across(records, days, rooms, problems, langs, programme_ok=not programme_problems, unread=unread)
    problems.extend(images.check(records, content_path))  # photos: alt text and readable files
    return Content(records, days, rooms, problems, programme_ok=not programme_problems)


def _stray_files(content_path: Path, programme: str, settings: dict[str, Any]) -> list[Problem]:
    """Files and folders the build would silently skip: a misspelt folder, a file saved as .txt."""
    problems = []
    known = {ct.folder for ct in schema.CONTENT_TYPES}
    known |= {Path(p).parts[0] for p in (*settings.get("STATIC_PATHS", ()), *settings.get("ARTICLE_PATHS", ())) if p}
    # Photos are read from images/ by the forum itself, also on a sub-site, which publishes no static files.
    known.add(images.SOURCE_FOLDER)
    where = ", ".join(sorted(known))
    for entry in _entries(content_path):
        rel = f"{content_path.name}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name not in known:
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "is not a content folder, so nothing in it is published (content folders: {folders})",
                        folders=where,
                    ),
                )
            )
        elif entry.is_file() and entry.name != programme:
            problems.append(
                Problem(
                    rel,
                    None,
                    tr(
                        "is not in a content folder, so it is not published (content folders: {folders})", folders=where
                    ),
                )
            )
    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in _entries(folder):
            if not entry.name.startswith(".") and not (entry.is_file() and entry.name.endswith(".md")):
                problems.append(
                    Problem(
                        f"{content_path.name}/{ctype.folder}/{entry.name}",
                        None,
                        tr("is not a Markdown file ending in .md, so it is not published"),
                    )
                )
    return problems


def _site_langs(settings: dict[str, Any], problems: list[Problem]) -> tuple[str, ...]:
    """The content's languages: the settings' LANGUAGES, the main one first.

    A wrong table is reported with the content's problems; the files are then checked against the
    languages the sub-sites name.
    """
    found = languages.problems(settings)
    if not found:
        return tuple(row.code for row in languages.from_settings(settings))
    problems.extend(found)
    return (str(settings.get("DEFAULT_LANG")), *sorted(settings.get("I18N_SUBSITES") or {}))


def _check_across(
    records: list[Record],
    days: list[DayRecord],
    rooms: list[RoomRecord],
    problems: list[Problem],
    langs: tuple[str, ...],
    *,
    programme_ok: bool = True,
    unread: set[tuple[str, str]] | None = None,
) -> None:
    """Checks between files: slugs, twins, references, days, rooms and overlaps.

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
        stem = _FILE_LANG_RE.sub("", Path(some.path).name)
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


def _mtime_ns(file: Path) -> int:
    try:
        return file.stat().st_mtime_ns
    except OSError:
        return 0


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


def check_content(settings: dict[str, Any]) -> list[str]:
    """Validate the content only; one line per problem, empty when all is well."""
    return [str(p) for p in find_problems(settings)]


def find_problems(settings: dict[str, Any]) -> list[Problem]:
    """Validate the content only; every problem, with its file, field and line where known."""
    return list(read_content(settings).problems)
