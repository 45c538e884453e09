"""Signal wiring of the search plugin."""

from typing import Any

from pelican import signals

from .indexing import ENTRY_TAG, index_output


def add_settings(pelican: Any) -> None:
    """Give the templates the tag the search page hands to Pagefind (`SEARCH_ENTRY_TAG`)."""
    pelican.settings.setdefault("SEARCH_ENTRY_TAG", ENTRY_TAG)


def register() -> None:
    """Index the site for search when the build is finished."""
    signals.initialized.connect(add_settings)
    signals.finalized.connect(index_output)
