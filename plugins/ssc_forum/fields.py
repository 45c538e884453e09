"""Field values as editors write them, parsed to the kinds the schema declares.

`parse_fields` reads the fields of one Markdown file or of one day or room of the programme file:
each value normalised (NFC), refused with its line when it holds an invisible character, is
missing, unknown, written twice or not of its declared kind or choices; media fields are parsed
into streams and recordings.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from . import characters, schema, streams
from .messages import Message, tr
from .problems import Problem


def parse_fields(
    fields: tuple[schema.Field, ...],
    raw: dict[str, Any],
    path: str,
    problems: list[Problem],
    *,
    check_unknown: bool = True,
    lines: dict[str, int] | None = None,
    counts: dict[str, int] | None = None,
    failed: set[str] | None = None,
    header_end: int | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[streams.Media, ...]]]:
    """Parse raw metadata against declared fields; append every problem found.

    `lines` gives the line each field is written on, `counts` how often its name is written
    (to tell a field given twice from one running onto a second line); the names of fields
    that were written but could not be read are added to `failed`. `header_end`, for a Markdown
    file, is the line where its header ends: a missing field is reported there, with the line to add.
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
            if fdecl.required and header_end is None:
                problems.append(Problem(path, fdecl.name, tr("is required but missing")))
            elif fdecl.required:
                # Where the editor adds it: the line that ends the header, named with the line to write.
                written = f"{fdecl.name.capitalize()}: …"
                message = tr("is required but missing: add the line '{line}' above the first blank line", line=written)
                problems.append(Problem(path, fdecl.name, message, header_end))
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
