"""Pelican settings for the published build: the local settings with the site's public address.

Build with `invoke publish` (or `pelican content -s publishconf.py`); links, feeds, the
sitemap and the sharing tags are then absolute.
"""

import importlib.util
import sys
from pathlib import Path

# Pelican loads this file by path, not as a module of a package: the local settings beside it are
# loaded by path too, as the module `pelicanconf` (what they define is then found by that name, as
# when pickled for a worker process), and every public name of theirs is a setting here as well.
_spec = importlib.util.spec_from_file_location("pelicanconf", Path(__file__).with_name("pelicanconf.py"))
assert _spec is not None and _spec.loader is not None
_local = sys.modules.setdefault("pelicanconf", importlib.util.module_from_spec(_spec))
if not hasattr(_local, "I18N_SUBSITES"):
    _spec.loader.exec_module(_local)
globals().update({name: value for name, value in vars(_local).items() if not name.startswith("_")})
I18N_SUBSITES = _local.I18N_SUBSITES

SITEURL = "https://forum.seoul.go.kr/ssc2020"
RELATIVE_URLS = False

# A feed's own address is FEED_DOMAIN + its path inside its language's site: each sub-site
# needs its own domain, or the English feed would claim the Korean feed's address.
FEED_DOMAIN = SITEURL
I18N_SUBSITES = {lang: {**overrides, "FEED_DOMAIN": f"{SITEURL}/{lang}"} for lang, overrides in I18N_SUBSITES.items()}

# Where `invoke publish` puts the site unless --target/--rsync or the environment
# (SSC_PUBLISH_DIR, SSC_PUBLISH_RSYNC) say otherwise. Exactly one of the two:
PUBLISH_DIR = None  # a local folder the web server serves, e.g. "/srv/www/ssc2020"
PUBLISH_RSYNC = None  # "[user@host:]/srv/www/ssc2020" (the server then serves .../current)

# The published site carries no editor; set "enabled": True here only for a host that should serve /admin/.
EDITOR = {**_local.EDITOR, "enabled": False}
