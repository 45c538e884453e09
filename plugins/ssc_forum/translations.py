"""The theme's message catalogues: `.po` files are kept in the repository, `.mo` are compiled by the build.

The templates get their catalogue from i18n-subsites; the Python side of the site (dates, exports) reads
the same catalogues here, with each language's Babel locale from the settings' `LANGUAGES`.
"""

from __future__ import annotations

import contextlib
import gettext
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from . import languages
from .problems import ContentError, Problem

logger = logging.getLogger(__name__)


def compile_catalogues(localedir: str | Path, domain: str = "messages") -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/<domain>.po` whose `.mo` is missing or older; return those written."""
    written = []
    for po_path in sorted(Path(localedir).glob(f"*/LC_MESSAGES/{domain}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        # A file of its own beside the catalogue, renamed over it: two builds compiling at once
        # (test workers, the edit loop and a build) never share a temporary file, and a reader
        # never sees half a catalogue.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{mo_path.name}.", suffix=".tmp", dir=mo_path.parent)
        try:
            with os.fdopen(fd, "wb") as mo_file:
                write_mo(mo_file, catalogue, use_fuzzy=False)
            os.chmod(tmp_name, 0o644)  # mkstemp makes it private; the catalogue is read like any source file
            os.replace(tmp_name, mo_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        written.append(mo_path)
    return written


def keep_messages(env: Environment) -> None:
    """Make the templates' `_()` answer a message without variables from what it gave before.

    Jinja's `_` goes through the context to the installed `gettext`, marks the result safe and
    formats it with no variables, for each of the 40 or so messages a page shows (about 7 µs a
    message, 200,000 messages at 1,600 sessions). The answer depends only on the message and the
    translations installed, so call this once they are (before the pages are written).
    """
    kept: dict[str, Any] = {}

    @pass_context
    def kept_gettext(__context: Context, __string: str, **variables: Any) -> Any:
        if variables:
            return __context.call(__context.resolve("gettext"), __string, **variables)
        found = kept.get(__string)
        if found is None:
            found = kept[__string] = __context.call(__context.resolve("gettext"), __string)
        return found

    env.globals["_"] = kept_gettext


def N_(message: str) -> str:  # gettext's own name for a message marked for a catalogue
    """Mark `message` for the theme's catalogue (`invoke translations` extracts it); translate it with `translate`."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:  # N_ with a context, as pgettext is
    """Mark `message` for the theme's catalogue with a context (a word the templates translate otherwise)."""
    return (context, message)


Message = str | tuple[str, str]
"""A message marked with `N_`, or with its context by `NP_`."""


@dataclass(frozen=True)
class SiteLanguages:
    """The site's languages as the Python side of the theme needs them: Babel locales and catalogues."""

    locales: dict[str, str]  # language code → Babel locale, from the settings' LANGUAGES
    localedir: str | None  # I18N_GETTEXT_LOCALEDIR: <lang>/LC_MESSAGES/<domain>.mo
    domain: str
    source: str  # I18N_TEMPLATES_LANG: the language the messages are written in, which has no catalogue


_current: SiteLanguages | None = None
_generation = 0


def configure(settings: Mapping[str, Any]) -> None:
    """Take the site's languages and the theme's catalogues from Pelican's settings (the table checked).

    Every sub-site of a build has the same table and catalogues; a build with others (a test's
    Japanese site in the same process) starts a new generation, which the formatters' caches key on.
    """
    global _current, _generation
    missing = catalogue_problems(settings)
    if missing:
        raise ContentError(missing)
    found = SiteLanguages(
        locales={row.code: row.locale for row in languages.from_settings(dict(settings))},
        localedir=settings.get("I18N_GETTEXT_LOCALEDIR"),
        domain=settings.get("I18N_GETTEXT_DOMAIN", "messages"),
        source=settings.get("I18N_TEMPLATES_LANG", "en"),
    )
    if found != _current:
        _current = found
        _generation += 1
        catalogue.cache_clear()


def catalogue_problems(settings: Mapping[str, Any], label: str = languages.SETTINGS_FILE) -> list[Problem]:
    """The languages of the table (the source language aside) without a theme catalogue (empty when all have one).

    Checked when a build starts, so that a language added to the table without its catalogue stops the
    build with one line, not a page later with a traceback.
    """
    localedir = settings.get("I18N_GETTEXT_LOCALEDIR")
    if not localedir:
        return []
    domain = settings.get("I18N_GETTEXT_DOMAIN", "messages")
    source = settings.get("I18N_TEMPLATES_LANG", "en")
    found = []
    for i, row in enumerate(languages.from_settings(dict(settings))):
        folder = Path(localedir) / row.code / "LC_MESSAGES"
        if row.code != source and not any((folder / f"{domain}{suffix}").is_file() for suffix in (".po", ".mo")):
            found.append(
                Problem(
                    label,
                    f"LANGUAGES[{i}]",
                    f"{row.code} has no catalogue of the theme ({folder / domain}.po): "
                    "`python3 make.py translations` starts one",
                )
            )
    return found


def generation() -> int:
    """A number that changes whenever `configure` is given other languages or catalogues."""
    return _generation


def current() -> SiteLanguages:
    """The configured languages; an error saying so when the plugin has not been initialised."""
    if _current is None:
        raise RuntimeError("ssc_forum: the site's languages are not configured (translations.configure(settings))")
    return _current


def locale_of(lang: str) -> str:
    """The Babel locale of a site language, from the table.

    An unknown language is an error, not English: a template that loses its `lang` (an undefined
    variable) must fail the build instead of printing English dates on the Korean site.
    """
    locales = current().locales
    try:
        return locales[lang]
    except (KeyError, TypeError):
        raise ValueError(f"no locale for language {lang!r} (expected one of {', '.join(locales)})") from None


@lru_cache(maxsize=32)
def catalogue(lang: str) -> gettext.NullTranslations:
    """The theme's catalogue of `lang`, as the templates get it from i18n-subsites (no catalogue for the source)."""
    site = current()
    locale_of(lang)  # an unknown language fails here, with its name
    if lang == site.source or not site.localedir:
        return gettext.NullTranslations()
    try:
        return gettext.translation(site.domain, site.localedir, [lang])
    except OSError:
        raise ValueError(f"no catalogue for language {lang!r} in {site.localedir} ({site.domain}.mo)") from None


def translate(lang: str, message: Message) -> str:
    """`message` (marked with `N_` or `NP_`) in `lang`."""
    if isinstance(message, tuple):
        return catalogue(lang).pgettext(*message)
    return catalogue(lang).gettext(message)


def translated(lang: str, message: Message) -> str | None:
    """`message` in `lang` if the language's catalogue has it (or it is the source language), else None."""
    found = translate(lang, message)
    source = message[1] if isinstance(message, tuple) else message
    if found != source or lang == current().source:
        return found
    return None
