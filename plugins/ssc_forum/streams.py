"""Streams and recordings: provider:id values, checked and turned into addresses.

Editors write `youtube:VIDEO_ID` or `link:https://…`; a recording may end in
`@1h02m03s` (or `@3723`) to start inside a longer video. Only YouTube is
embedded (through a click-to-load facade); every other service is a plain link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
OFFSET_RE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$|^(\d+)$")
PROVIDERS = ("youtube", "link")


class MediaError(ValueError):
    """A stream or recording value that cannot be used."""


@dataclass(frozen=True)
class Media:
    """A stream or a recording."""

    provider: str
    id: str
    start: int = 0  # seconds into the video where this item begins

    @property
    def embeddable(self) -> bool:
        """Whether the site shows a player facade (otherwise a plain link)."""
        return self.provider == "youtube"

    @property
    def watch_url(self) -> str:
        """The address a visitor can open without any script."""
        if self.provider == "youtube":
            suffix = f"&t={self.start}s" if self.start else ""
            return f"https://www.youtube.com/watch?v={self.id}{suffix}"
        return self.id

    @property
    def embed_url(self) -> str:
        """The iframe address, on YouTube's no-cookie host; never autoplays on page load."""
        if self.provider != "youtube":
            return ""
        suffix = f"&start={self.start}" if self.start else ""
        # autoplay=1 is only used because the iframe is created by the visitor's own click.
        return f"https://www.youtube-nocookie.com/embed/{self.id}?autoplay=1{suffix}"

    @property
    def host(self) -> str:
        """The host name shown next to a plain link."""
        return urlsplit(self.watch_url).hostname or ""


MAX_OFFSET = 24 * 3600  # no recording of a forum day runs longer than a day


def _offset(text: str) -> int:
    match = OFFSET_RE.match(text)
    if not text or not match or len(text) > 12:
        raise MediaError(f"start offset {text!r} is not written like 1h02m03s or 3723")
    h, m, s, plain = match.groups()
    if plain is not None:
        seconds = int(plain)
    else:
        # A unit after a larger one counts up to 59 only; alone (99m, 90s) it may be larger.
        if (h is not None and int(m or 0) >= 60) or ((h or m) is not None and int(s or 0) >= 60):
            raise MediaError(f"start offset {text!r}: minutes and seconds go from 0 to 59")
        seconds = int(h or 0) * 3600 + int(m or 0) * 60 + int(s or 0)
    if seconds > MAX_OFFSET:
        raise MediaError(f"start offset {text!r} is more than 24 hours into the video")
    return seconds


def parse_media(value: str, *, recording: bool = False) -> Media:
    """Parse one `provider:id[@offset]` item; raises MediaError naming what is wrong."""
    provider, sep, rest = value.partition(":")
    provider = provider.strip().lower()
    if not sep:
        raise MediaError(f"{value!r} is not written provider:id (e.g. youtube:VIDEO_ID)")
    if provider not in PROVIDERS:
        raise MediaError(f"unknown provider {provider!r} in {value!r} (known: {', '.join(PROVIDERS)})")
    start = 0
    if provider == "youtube":
        ident, at, offset = rest.strip().partition("@")
        if at:
            if not recording:
                raise MediaError(f"{value!r}: only a recording can have a start offset")
            start = _offset(offset)
        if not YOUTUBE_ID_RE.match(ident):
            raise MediaError(f"{ident!r} is not a YouTube video id (11 letters, digits, - or _)")
        return Media(provider, ident, start)
    url = rest.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise MediaError(f"{url!r} is not an https:// address")
    return Media(provider, url)
