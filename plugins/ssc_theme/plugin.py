"""Signal wiring of the theme plugin: minify the stylesheets and subset the web font once both languages are written."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from ssc_forum.settings import finishes_tree

from . import identity
from .assets import minify_scripts, minify_stylesheets
from .fonts import subset_fonts
from .sharing import write_sharing_image

log = logging.getLogger(__name__)


def finish_theme(pelican_obj) -> None:
    """`finalized` handler: the sharing image, minified stylesheets and scripts, font subsets, after the last language.

    i18n-subsites finishes the English sub-site inside the Korean run, so the main site's
    `finalized` is the last one; registered before ssc_publish, whose precompression follows.
    """
    settings = pelican_obj.settings
    if not finishes_tree(settings, __name__):
        return
    output = Path(pelican_obj.output_path)
    write_sharing_image(output, settings)
    saved = minify_stylesheets(output)
    saved_js = minify_scripts(output)
    sizes = subset_fonts(output, Path(settings["THEME"]) / "fonts")
    log.info(
        "ssc_theme: stylesheets %d and scripts %d bytes smaller; web font subsets %s, %d bytes in all",
        saved,
        saved_js,
        ", ".join(f"{name} {size}" for name, size in sizes.items()),
        sum(sizes.values()),
    )


def check_identity(pelican_obj) -> None:
    """`initialized` handler: the organisers and licence settings are checked before anything is built."""
    if finishes_tree(pelican_obj.settings, __name__):
        identity.check(pelican_obj.settings)


def register() -> None:
    """Connect the plugin to Pelican."""
    signals.initialized.connect(check_identity)
    signals.finalized.connect(finish_theme)
