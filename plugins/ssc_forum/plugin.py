"""Wiring of the forum plugin into Pelican's signals; the work is done in the modules."""

from __future__ import annotations

from pelican import signals

from . import exports, langmark, languages, schema, timeformat, translations
from .content import NFCMarkdownReader
from .generator import ForumGenerator
from .writer import ForumWriter


def _configure(pelican) -> None:
    """Give every template the date filters and the schema's labels; compile the theme catalogues first."""
    settings = pelican.settings
    settings.setdefault("JINJA_FILTERS", {}).update(timeformat.FILTERS)
    settings["JINJA_FILTERS"].update(exports.FILTERS)
    # Each kind of session with its label (an English message the catalogues translate), from the schema.
    # And the site's languages (the settings' LANGUAGES table, checked: a wrong row stops the build here).
    settings["JINJA_GLOBALS"] = {
        **(settings.get("JINJA_GLOBALS") or {}),
        "SESSION_KIND_LABELS": schema.SESSION_KIND_LABELS,
        "LANGUAGES": languages.from_settings(settings),
    }
    localedir = settings.get("I18N_GETTEXT_LOCALEDIR")
    if localedir:
        translations.compile_catalogues(localedir, settings.get("I18N_GETTEXT_DOMAIN", "messages"))
    # Dates and exports read the same catalogues, in each language's locale from the table.
    translations.configure(settings)


def _generator(_pelican) -> type:
    return ForumGenerator


def _writer(_pelican) -> type:
    return ForumWriter


def _readers(readers) -> None:
    """Pelican reads the news itself: through the same normalising Markdown reader as the forum."""
    for ext in NFCMarkdownReader.file_extensions:
        readers.reader_classes[ext] = NFCMarkdownReader


def register() -> None:
    """Connect the plugin to Pelican."""
    signals.initialized.connect(_configure)
    signals.get_generators.connect(_generator)
    signals.get_writer.connect(_writer)
    signals.readers_init.connect(_readers)
    signals.content_written.connect(langmark.on_content_written)
