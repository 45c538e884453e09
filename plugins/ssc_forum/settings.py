"""The plugin's settings: one `FORUM` dict in pelicanconf.py, read through here with its defaults.

A build that overrides FORUM (a preview, a test) replaces the whole dict, so every key has a
default and nothing depends on an override repeating the others.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "programme": "programme.toml",  # days and rooms, relative to the content folder
    "time_zone": "Asia/Seoul",  # IANA zone every time is stored and shown in
    "phase": None,  # None: from the programme's times; "before", "during" or "after" forces it
    "now": None,  # an aware datetime standing in for the clock when deciding the phase
    "home_url": "https://forum.seoul.go.kr/ssc2020",  # public address: exports carry absolute URLs
    # False: nothing is reused within a build or between builds (the content's reading shared by
    # the two languages, page parts rendered once, kept readings of the edit loop and the two-core
    # build); the output must be the same byte for byte (tests/test_caching.py).
    "cache": True,
}


def is_main_site(settings: Any) -> bool:
    """True for the main-language site, which i18n-subsites finishes last.

    It builds each sub-site inside the main run, with a copy of the main settings whose
    DEFAULT_LANG is the sub-site's language, a key of I18N_SUBSITES; the main language never
    is. Work on the whole tree (search index, sitemap, .gz copies) waits for the main site.
    """
    return settings["DEFAULT_LANG"] not in (settings.get("I18N_SUBSITES") or {})


def finishes_tree(settings: Any, module: str) -> bool:
    """True when the plugin of `module` should finish this build's tree: it is the main site,
    and the plugin is one of this build's PLUGINS.

    Pelican's signals are process-wide: once a build in a process has registered a plugin, its
    handlers also fire for later builds in that process (the edit loop, the tests) that did not
    ask for it.
    """
    package = module.split(".", 1)[0]
    own = {str(getattr(p, "__name__", p)).split(".", 1)[0] for p in settings.get("PLUGINS") or ()}
    return package in own and is_main_site(settings)


def forum_settings(settings: Any) -> dict[str, Any]:
    """The FORUM settings with every default filled in."""
    return {**DEFAULTS, **(settings.get("FORUM") or {})}
