"""Reading and validating the forum's content folder: the entry points of the **read** and **check** phases.

Every file of every declared content type (in each of the site's languages) and the programme file are read once
and checked against the declarations in `schema`. All problems are collected, so an editor sees
every mistake of a build at once, each naming the file and the field. This module goes through
the folder (`contentfiles`: its listing, what the build would skip), reads each file
(`markdownfile.read_file`, through the build's reader cache when it is given one; the programme
file with `programmefile`), parses its fields (`fields`), checks what one file can show, then
what only the files together can (`crosscheck`) and the pictures (`images`). The result
(`records.Content`) is kept while no file of the folder has changed. `NFCMarkdownReader` is the
reader Pelican itself uses for the news.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from . import (
    addresses,
    characters,
    contentfiles,
    crosscheck,
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
from .fields import parse_fields
from .markdownfile import SourceReader, read_file, reader_for
from .messages import tr
from .problems import ContentError, Problem
from .programmefile import read_programme
from .records import FILE_LANG_RE, Content, FileRead, Record
from .settings import forum_settings


def _fields_of(
    ctype: schema.ContentType, read: FileRead, rel: str
) -> tuple[dict[str, Any], dict[str, tuple[streams.Media, ...]], list[Problem], set[str]]:
    """A read file's fields parsed against its type: values, media, the problems and the fields that failed."""
    own: list[Problem] = []
    failed: set[str] = set()
    # The header's lines are its fields, one each: it ends on the line after the last of them.
    header_end = max(read.lines.values(), default=0) + 1
    values, media = parse_fields(
        ctype.fields,
        read.raw or {},
        rel,
        own,
        lines=read.lines,
        counts=read.counts,
        failed=failed,
        header_end=header_end,
    )
    return values, media, own, failed


class NFCMarkdownReader(SourceReader):
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


_CACHE: dict[tuple, Content] = {}


def read_content(settings: dict[str, Any]) -> Content:
    """Read and validate every content file; never raises for an editor's mistake.

    The English sub-site is built in the same process right after the Korean site and
    reads the same files: the result is reused while no file has changed.
    """
    content_path = Path(settings["PATH"])
    if not forum_settings(settings)["cache"]:
        return _read_content(settings)
    look = partial(contentfiles.fingerprint, content_path, forum_settings(settings)["programme"], settings)
    cache = hooks.of(settings).reader
    key = look() if cache is None else cache.fingerprint((str(content_path),), look)
    if key not in _CACHE:
        _CACHE.clear()  # one content folder at a time: a long-running preview never grows
        _CACHE[key] = _read_content(settings)
    return _CACHE[key]


def forget() -> None:
    """Drop the kept reading: the next `read_content` looks at the folder again (the edit loop's updates)."""
    _CACHE.clear()


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


def _read_content(settings: dict[str, Any]) -> Content:
    content_path = Path(settings["PATH"])
    reader = reader_for(settings)
    cache = hooks.of(settings).reader if forum_settings(settings)["cache"] else None
    markdown = repr(reader.settings.get("MARKDOWN"))  # readings kept by the cache differ with these settings
    problems: list[Problem] = []
    records: list[Record] = []
    programme = forum_settings(settings)["programme"]
    programme_problems: list[Problem] = []
    langs = _site_langs(settings, problems)
    days, rooms = read_programme(content_path, programme, programme_problems, langs)
    problems.extend(programme_problems)
    problems.extend(contentfiles.stray_files(content_path, programme, settings))
    for tree in statics.trees(settings):
        found, _ = statics.check_tree(tree)
        problems.extend(Problem(label, None, message) for label, message in found)
    programme_days = {d.values["date"] for d in days if "date" in d.values}
    unread: set[tuple[str, str]] = set()  # (folder, file name) of files that could not be read

    for ctype in schema.CONTENT_TYPES:
        folder = content_path / ctype.folder
        for entry in contentfiles.markdown_entries(folder):
            if entry.name.startswith("."):
                continue
            file = folder / entry.name
            # Named from the project's root (content/sessions/…), as editors see the file.
            rel = f"{content_path.name}/{ctype.folder}/{entry.name}"
            not_plain = contentfiles.plain_file(entry, rel)
            if not_plain:
                problems.append(not_plain)
                unread.add((ctype.folder, file.name))
                continue
            if cache is None:
                read = read_file(reader, file, rel)
            else:  # the build was given its readings (the edit loop, the two-core build): it answers first
                read = cache.read_file(file, rel, partial(read_file, reader, file, rel), markdown)
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
            match = FILE_LANG_RE.search(file.name)
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
                        contentfiles.mtime_ns(file),
                    )
                )
            else:
                unread.add((ctype.folder, file.name))

    crosscheck.check_across(records, days, rooms, problems, langs, programme_ok=not programme_problems, unread=unread)
    problems.extend(images.check(records, content_path))  # photos: alt text and readable files
    return Content(records, days, rooms, problems, programme_ok=not programme_problems)


def check_content(settings: dict[str, Any]) -> list[str]:
    """Validate the content only; one line per problem, empty when all is well."""
    return [str(p) for p in find_problems(settings)]


def find_problems(settings: dict[str, Any]) -> list[Problem]:
    """Validate the content only; every problem, with its file, field and line where known."""
    return list(read_content(settings).problems)
