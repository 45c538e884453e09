"""One Markdown content file, read: its header of fields, its body rendered and checked.

`SourceReader` is Pelican's Markdown reader fed a prepared text (one Markdown instance reused
between files); `read_file` is the one place a content file is read: decoded, measured against
the limits, normalised, its header lines that are no field named (with the field meant), its
shortcodes taken out, rendered, and its HTML checked (`markup`). What it gives (`FileRead`)
depends on nothing but the file's bytes and the Markdown settings, so it can be kept.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader

from . import characters, limits, markup, schema, shortcodes
from .messages import Joined, Message, tr
from .problems import Problem
from .records import FileRead

logger = logging.getLogger(__name__)

# A field line exactly as Python-Markdown's metadata reader takes one: no space before the colon.
_META_KEY_RE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+):")
# Colons a keyboard or a word processor gives for ":" (full-width, small, vertical, ratio, modifier letters).
_COLON_LIKES = "\uff1a\ufe55\ufe13\u2236\ua789\u02d0\u02f8"
# A line meant as a field: a short name, then a colon of any kind (the name may hold anything, to be named).
_FIELD_LIKE_RE = re.compile(
    rf"^\s{{0,3}}(?P<name>[^\s:{_COLON_LIKES}][^:{_COLON_LIKES}]{{0,40}}?)"
    rf"(?P<space>\s*)(?P<colon>[:{_COLON_LIKES}])\s*(?P<value>.*)$"
)


class SourceReader(MarkdownReader):
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


def reader_for(settings: dict[str, Any]) -> SourceReader:
    """The reader of the forum's own files.

    The Markdown reader alone: Pelican's Readers would add default metadata (category, dates
    from file names) that the editor did not write and that our fields do not declare.
    """
    return SourceReader({**settings, "FORMATTED_FIELDS": []})


def _unreadable(rel: str, message: Message, line: int | None = None) -> FileRead:
    """The reading of a file that cannot be read at all: one problem, nothing to render."""
    return FileRead("", "", None, problems=[Problem(rel, None, message, line)])


def read_file(reader: SourceReader, file: Path, rel: str) -> FileRead:
    """Read one Markdown file: decode, normalise, find shortcodes, render, check its markup.

    The one place a content file is read; its result depends on nothing but the file and
    the Markdown settings.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        return _unreadable(rel, tr("cannot be read: {reason}", reason=str(exc.strerror or exc)))
    too_big = limits.size_problem(len(data))
    if too_big:
        return _unreadable(rel, too_big)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _unreadable(
            rel,
            tr("cannot be read: it is not UTF-8 text ({reason}): save it as UTF-8", reason=exc.reason),
            data[: exc.start].count(b"\n") + 1,
        )
    lone = re.search(r"\r(?!\n)", text)
    if lone:  # an old Mac line end would silently split a field in two; name it instead
        return _unreadable(
            rel,
            tr(
                "contains a carriage return (U+000D) that ends no line: save the file with ordinary "
                "line ends (LF or CR LF)"
            ),
            text[: lone.start()].replace("\r\n", "\n").count("\n") + 1,
        )
    beyond = limits.markdown_problems(characters.newlines(text))  # before any parsing
    if beyond:
        return FileRead("", "", None, problems=[Problem(rel, None, message, line) for line, message in beyond])
    problems: list[Problem] = []
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
