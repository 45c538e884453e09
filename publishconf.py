"""Pelican settings for the published build: the local settings with the site's public address.

Build with `invoke publish` (or `pelican content -s publishconf.py`); links, feeds, the
sitemap and the sharing tags are then absolute.
"""

import os
import sys

# Pelican loads this file by path; its folder must be importable for pelicanconf.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403
from pelicanconf import I18N_SUBSITES

SITEURL = "https://forum.seoul.go.kr/ssc2020"
RELATIVE_URLS = False

# A feed's own address is FEED_DOMAIN + its path inside its language's site: each sub-site
# needs its own domain, or the English feed would claim the Korean feed's address.
FEED_DOMAIN = SITEURL
I18N_SUBSITES = {
    lang: {**overrides, "FEED_DOMAIN": f"{SITEURL}/{lang}"} for lang, overrides in I18N_SUBSITES.items()
}

# Where `invoke publish` puts the site unless --target/--rsync or the environment
# (SSC_PUBLISH_DIR, SSC_PUBLISH_RSYNC) say otherwise. Exactly one of the two:
PUBLISH_DIR = None  # a local folder the web server serves, e.g. "/srv/www/ssc2020"
PUBLISH_RSYNC = None  # "[user@host:]/srv/www/ssc2020" (the server then serves .../current)

# The published site carries no editor; set "enabled": True here only for a host that should serve /admin/.
EDITOR = {**EDITOR, "enabled": False}  # noqa: F405
