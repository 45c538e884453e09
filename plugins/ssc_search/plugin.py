"""Signal wiring of the search plugin."""

from pelican import signals

from .indexing import index_output


def register() -> None:
    """Index the site for search when the build is finished."""
    signals.finalized.connect(index_output)
