"""The Pelican side of ssc_publish: finish the built tree once both languages are written."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from ssc_forum.settings import is_main_site

from .precompress import precompress_tree
from .sitemap import write_sitemap_and_robots

log = logging.getLogger(__name__)


def finish_site(pelican_obj) -> None:
    """Write the sitemap and robots.txt, then the `.gz` copies, after the last language is built.

    i18n-subsites builds the English sub-site inside the Korean run (from its `get_writer`
    signal), so the English `finalized` fires first and the Korean one last: only then is the
    whole tree, `en/` included, on disk.
    """
    settings = pelican_obj.settings
    if not is_main_site(settings):
        return
    root = Path(pelican_obj.output_path)
    urls = write_sitemap_and_robots(root, settings.get("SITEURL", ""))
    gzipped = precompress_tree(root)
    log.info("ssc_publish: sitemap with %d pages, %d files precompressed", urls, gzipped)


def register() -> None:
    """Connect the plugin to Pelican."""
    signals.finalized.connect(finish_site)
