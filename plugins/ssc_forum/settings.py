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
}


def forum_settings(settings: Any) -> dict[str, Any]:
    """The FORUM settings with every default filled in."""
    return {**DEFAULTS, **(settings.get("FORUM") or {})}
