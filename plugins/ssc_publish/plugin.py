"""The Pelican side of ssc_publish: finish the built tree once both languages are written."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from ssc_forum import languages
from ssc_forum.settings import finishes_tree

from .fingerprint import fingerprint_tree
from .precompress import precompress_tree
from .revision import build_revision, write_version_file
from .sitemap import write_sitemap_and_robots
from .summary import print_summary, quiet_pelican_summary, summary_line
from .validators import set_content_mtimes

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
"""The project folder (the git checkout) this plugin belongs to."""


def finish_site(pelican_obj) -> None:
    """Finish the whole tree after the last language is built, in this order.

    1. fingerprint the assets and rewrite every reference (after every plugin listed before
       this one in PLUGINS has written its files: a step that changes assets, such as font
       subsetting, must be such a plugin);
    2. `version.txt` with the commit, the sitemap and robots.txt;
    3. the `.gz` copies, of the final bytes;
    4. file times from the content, so HTTP validators follow the content (see `validators`).

    i18n-subsites builds the English sub-site inside the Korean run (from its `get_writer`
    signal), so the English `finalized` fires first and the Korean one last: only then is the
    whole tree, `en/` included, on disk.
    """
    settings = pelican_obj.settings
    if not finishes_tree(settings, __name__):
        return
    root = Path(pelican_obj.output_path)
    site_url = settings.get("SITEURL", "")
    renamed = fingerprint_tree(root, site_url)
    # The commit of the project whose code runs this build (content may be a copy elsewhere).
    write_version_file(root, build_revision(PROJECT))
    urls = write_sitemap_and_robots(root, site_url, languages.from_settings(settings)[0].code)
    gzipped = precompress_tree(root)
    set_content_mtimes(root)
    log.info(
        "ssc_publish: %d assets fingerprinted, sitemap with %d pages, %d files precompressed",
        len(renamed),
        urls,
        gzipped,
    )
    codes = (settings["DEFAULT_LANG"], *sorted(settings.get("I18N_SUBSITES", {})))
    print_summary(summary_line(root, codes))


def register() -> None:
    """Connect the plugin to Pelican."""
    quiet_pelican_summary()
    signals.finalized.connect(finish_site)
