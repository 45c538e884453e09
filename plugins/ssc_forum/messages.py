"""What editors read: messages of the content check, the build and the tasks, in the editor's language.

Korean by default: the people who edit the archive are the city's staff. English when the locale
says so (`LC_ALL`, `LC_MESSAGES` or `LANG` starting with `en`, the first one set decides, as
gettext reads them) or when a task is given `--lang en`. `SSC_LANG=en` (or `ko`) says it for a whole
session, the build included, and comes before the locale: it needs no locale installed.

A message is written once, in English, as `tr("… {value!r} …", value=…)`: the English text is the
gettext message id, the Korean is in `locale/ko/LC_MESSAGES/editor.po` (`python3 make.py
translations` extracts the ids with Babel, keyword `tr`, and merges them into the catalogue).
`tr` returns a `Message` that keeps its parameters and is put into words only when printed, so a
problem found once can be shown in either language (the check's text, the CI annotations and the
preview's overlay all print the same `Message`).
"""

from __future__ import annotations

import ast
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGUAGES = ("ko", "en")
"""The editors' languages, which these messages (and the editors' guide) are written in; the first is the default.

Not the site's languages: those are the settings' `LANGUAGES` table (`languages.py`), which may name more.
"""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "editor"
HELP_DOMAIN = "help"
"""The catalogue of the tasks' help (`python3 make.py --help`, `TASK --help`), written `tr_help("…")`.

Beside `editor`, which holds what the tools say while they work (the guides list each of those
with its Korean): the help describes the commands, and has no place in that list.
"""
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
LANGUAGE_VARIABLE = "SSC_LANG"
_chosen: list[str] = []  # set by `use_language` (a task's --lang), else the locale decides


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The messages' language the environment asks for: `SSC_LANG`, else the locale (`en…`: English), else Korean."""
    chosen = environ.get(LANGUAGE_VARIABLE, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "ko"
    return LANGUAGES[0]


def use_language(lang: str | None) -> None:
    """Print messages in `lang` from now on (None: as the locale says again)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    _chosen[:] = [lang] if lang else []


def current_language() -> str:
    """The language messages are printed in now."""
    return _chosen[0] if _chosen else language_from_environment()


def read_catalogue(po_path: Path) -> dict[str, str]:
    """The translated messages of a .po file as written by pybabel: `{msgid: msgstr}`, fuzzy ones left out.

    A small reader of our own rather than Babel's: `python3 make.py --help` speaks the editor's
    language on a machine where .venv (and so Babel) is not installed yet. It reads what pybabel
    writes and this catalogue uses: `msgid`/`msgstr` with continued quoted lines and flags; no
    plurals or contexts (a test reads the whole catalogue with Babel's reader too and compares).
    """
    found: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    key = ""
    fuzzy = False

    def finish() -> None:
        msgid, msgstr = "".join(entry.get("msgid", [])), "".join(entry.get("msgstr", []))
        if msgid and msgstr and not fuzzy:
            found[msgid] = msgstr

    for raw in po_path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, key, fuzzy = {}, "", False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line[2:].replace(" ", "").split(",")
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.setdefault(key, []).append(ast.literal_eval(line))
        else:
            key, _, rest = line.partition(" ")
            if key == "msgid" and entry.get("msgstr"):  # an entry not closed by a blank line
                finish()
                entry, fuzzy = {}, False
            entry[key] = [ast.literal_eval(rest)]
    finish()
    return found


@cache
def _translations(lang: str, domain: str = DOMAIN) -> dict[str, str]:
    # Read from the .po itself rather than a compiled .mo: the check runs from a fresh clone
    # before any build, and only when there is something to say.
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    return read_catalogue(po_path) if po_path.is_file() else {}


def gettext(msgid: str, lang: str | None = None, domain: str = DOMAIN) -> str:
    """The text of a message id in `lang` (default: the current language); the id itself if untranslated."""
    lang = lang or current_language()
    if lang == "en":
        return msgid
    return _translations(lang, domain).get(msgid, msgid)


@dataclass(frozen=True)
class Message:
    """A message with its parameters, put into words when it is printed."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()
    domain: str = DOMAIN

    def render(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language), its parameters filled in."""
        values = {
            name: (value.render(lang) if isinstance(value, Message | Joined) else value) for name, value in self.params
        }
        text = gettext(self.msgid, lang, self.domain)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation naming a parameter wrongly
            return self.msgid.format(**values)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Joined:
    """Several messages printed as one parameter, with a separator (`"; "`)."""

    items: tuple[Message | str, ...]
    separator: str = "; "

    def render(self, lang: str | None = None) -> str:
        """The items in `lang`, joined."""
        return self.separator.join(render(item, lang) for item in self.items)

    def __str__(self) -> str:
        return self.render()


def tr(msgid: str, /, **params: object) -> Message:
    """A message to print in the editor's language: `msgid` is its English text, with `{name}` fields."""
    return Message(msgid, tuple(params.items()))


def tr_help(msgid: str, /, **params: object) -> Message:
    """A line of a task's help (`HELP_DOMAIN`), written as `tr`'s messages are."""
    return Message(msgid, tuple(params.items()), HELP_DOMAIN)


def render(text: str | Message, lang: str | None = None) -> str:
    """A message or a plain string as printed in `lang` (default: the current language)."""
    return text.render(lang) if isinstance(text, Message) else str(text)


def msgid(text: str | Message) -> str:
    """The English id of a message (a plain string is its own id): what code compares."""
    return text.msgid if isinstance(text, Message) else text


def paragraphs(docstring: str | None) -> list[str]:
    """A docstring's paragraphs as catalogue message ids: each on one line, its wrapping undone.

    How the tasks' descriptions (`python3 make.py --help`, `TASK --help`) are looked up: a
    paragraph is translated whole, so rewrapping the English never loses its Korean.
    """
    # Blank lines part the paragraphs; joining each one's words undoes its wrapping and indentation.
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", docstring or "") if block.strip()]


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` broken at spaces into lines of at most `width` columns (a longer word keeps its own line).

    textwrap counts characters, and a Korean line of 90 characters takes 180 columns.
    """
    lines: list[str] = []
    for word in text.split():
        if lines and display_width(lines[-1]) + 1 + display_width(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def docstring(text: str | None, lang: str | None = None, width: int = 96) -> str:
    """A task's docstring in `lang` (default: the current language): each paragraph translated and wrapped.

    English (the ids' language) is the docstring as written.
    """
    lang = lang or current_language()
    if lang == "en":
        return (text or "").strip()
    return "\n\n".join("\n".join(wrap(gettext(p, lang, HELP_DOMAIN), width)) for p in paragraphs(text))
