"""The site's languages, from one table in the settings (`LANGUAGES`), the main language first.

Each row names a language's code (as in the content files' `Lang:` and the sub-site's key in
`I18N_SUBSITES`), its name in its own language (the language switch), its Babel locale (dates,
`og:locale`), the folder of its sub-site under the main site (`""` for the main site) and its
writing direction. The templates get the table as the Jinja global `LANGUAGES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

from . import schema
from .messages import Message, tr
from .problems import ContentError, Problem

SETTINGS_FILE = "pelicanconf.py"
DIRECTIONS = ("ltr", "rtl")
FIELDS = ("code", "name", "locale", "prefix", "dir")


@dataclass(frozen=True)
class Language:
    """One row of `LANGUAGES`."""

    code: str
    name: str
    locale: str
    prefix: str
    dir: str


def _row_problems(row: object) -> list[Message]:
    fields = ", ".join(FIELDS)
    if not isinstance(row, dict):
        return [tr("must be a table with {fields}", fields=fields)]
    found = [tr("needs {name!r} (text)", name=name) for name in FIELDS if not isinstance(row.get(name), str)]
    found += [
        tr("has {name!r}, which is not one of {fields}", name=name, fields=fields)
        for name in sorted(set(row) - set(FIELDS))
    ]
    if found:
        return found
    if not row["code"] or not row["name"].strip():
        found.append(tr("needs a code and a name"))
    if row["dir"] not in DIRECTIONS:
        found.append(tr("dir {value!r} is not one of {choices}", value=row["dir"], choices=", ".join(DIRECTIONS)))
    try:
        Locale.parse(row["locale"])
    except (UnknownLocaleError, ValueError):
        found.append(tr("locale {value!r} is not a locale Babel knows", value=row["locale"]))
    return found


def problems(settings: dict[str, Any], label: str = SETTINGS_FILE) -> list[Problem]:
    """What is wrong with the `LANGUAGES` table against the other language settings (empty when all is well)."""
    table = settings.get("LANGUAGES")
    if not isinstance(table, list | tuple) or not table:
        return [
            Problem(
                label,
                "LANGUAGES",
                tr(
                    "must be a list of languages, the main one first, each a table with {fields}",
                    fields=", ".join(FIELDS),
                ),
            )
        ]
    found = [
        Problem(label, f"LANGUAGES[{i}]", message) for i, row in enumerate(table) for message in _row_problems(row)
    ]
    if found:
        return found
    codes = [row["code"] for row in table]
    prefixes = [row["prefix"] for row in table]
    subsites = sorted(settings.get("I18N_SUBSITES") or {})
    if len(set(codes)) != len(codes) or len(set(prefixes)) != len(prefixes):
        found.append(Problem(label, "LANGUAGES", tr("names a language or a prefix twice")))
    if prefixes[0] or not all(prefixes[1:]):
        found.append(
            Problem(
                label,
                "LANGUAGES",
                tr('the main language (the first) has the prefix "", each other language a folder of its own'),
            )
        )
    if sorted(codes[1:]) != subsites or settings.get("DEFAULT_LANG") not in codes:
        found.append(
            Problem(
                label,
                "LANGUAGES",
                tr(
                    "lists {codes}, but the site is in {default} with the sub-sites {subsites} "
                    "(DEFAULT_LANG, I18N_SUBSITES)",
                    codes=", ".join(codes),
                    default=settings.get("DEFAULT_LANG"),
                    subsites=", ".join(subsites) or "(none)",
                ),
            )
        )
    return found


def from_settings(settings: dict[str, Any]) -> tuple[Language, ...]:
    """The table as `Language`s; ContentError naming the setting when it is wrong."""
    found = problems(settings)
    if found:
        raise ContentError(found)
    return tuple(Language(**row) for row in settings["LANGUAGES"])


def prefix_of(settings: Mapping[str, Any], lang: str) -> str | None:
    """The folder of `lang`'s site (`""` for the main site) in the settings' or a template context's `LANGUAGES`.

    Rows may be the settings' tables or `Language`s (the templates' global); None when `lang` is not one.
    """
    for row in settings.get("LANGUAGES") or ():
        code, prefix = (row.code, row.prefix) if isinstance(row, Language) else (row.get("code"), row.get("prefix"))
        if code == lang:
            return prefix
    return None


@cache  # the same few tuples of languages, for every build and check
def _named(fields: tuple[schema.Field, ...], langs: tuple[str, ...]) -> tuple[schema.Field, ...]:
    """`fields` with `name_*` once per language (`name_ko`, …), helped with Babel's name of the language."""
    out: list[schema.Field] = []
    for f in fields:
        names = [(code, Locale.parse(code)) for code in langs] if f.name == "name_*" else []
        out += [
            replace(
                f,
                name=f"name_{code}",
                help_en=f.help_en.format(language=locale.get_display_name("en")),
                help_ko=f.help_ko.format(language=locale.get_display_name("ko")),
            )
            for code, locale in names
        ] or [f]
    return tuple(out)


def day_fields(langs: tuple[str, ...]) -> tuple[schema.Field, ...]:
    """The fields of a day in the programme file, with its name in each of the site's languages `langs`."""
    return _named(schema.DAY_FIELDS, langs)


def room_fields(langs: tuple[str, ...]) -> tuple[schema.Field, ...]:
    """The fields of a room in the programme file, with its name in each of the site's languages `langs`."""
    return _named(schema.ROOM_FIELDS, langs)
