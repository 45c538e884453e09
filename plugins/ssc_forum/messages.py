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

import os
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


@cache
def _translations(lang: str) -> dict[str, str]:
    # Read from the .po itself (Babel's reader) rather than a compiled .mo: the check runs from a
    # fresh clone before any build, and only when there is something to say.
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=lang)
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}


def gettext(msgid: str, lang: str | None = None) -> str:
    """The text of a message id in `lang` (default: the current language); the id itself if untranslated."""
    lang = lang or current_language()
    if lang == "en":
        return msgid
    return _translations(lang).get(msgid, msgid)


@dataclass(frozen=True)
class Message:
    """A message with its parameters, put into words when it is printed."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language), its parameters filled in."""
        values = {
            name: (value.render(lang) if isinstance(value, Message | Joined) else value) for name, value in self.params
        }
        text = gettext(self.msgid, lang)
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


def render(text: str | Message, lang: str | None = None) -> str:
    """A message or a plain string as printed in `lang` (default: the current language)."""
    return text.render(lang) if isinstance(text, Message) else str(text)


def msgid(text: str | Message) -> str:
    """The English id of a message (a plain string is its own id): what code compares."""
    return text.msgid if isinstance(text, Message) else text
