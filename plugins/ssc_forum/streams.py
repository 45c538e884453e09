"""Streams and recordings: provider:id values, checked and turned into addresses.

Editors write `youtube:VIDEO_ID` or `link:https://…`; a recording may end in
`@1h02m03s` (or `@3723`) to start inside a longer video. Only YouTube is
embedded (through a click-to-load facade); every other service is a plain link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .messages import Message, tr

YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
OFFSET_RE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$|^(\d+)$")
PROVIDERS = ("youtube", "link")


class MediaError(ValueError):
    """A stream or recording value that cannot be used; `message` says why in the editor's language."""

    def __init__(self, message: Message | str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


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
        """The host name shown next to a plain link: the host a browser opens, in ASCII (punycode)."""
        return browser_host(self.watch_url) or ""


MAX_OFFSET = 24 * 3600  # no recording of a forum day runs longer than a day


def _offset(text: str) -> int:
    match = OFFSET_RE.match(text)
    if not text or not match or len(text) > 12:
        raise MediaError(tr("start offset {offset!r} is not written like 1h02m03s or 3723", offset=text))
    h, m, s, plain = match.groups()
    if plain is not None:
        seconds = int(plain)
    else:
        # A unit after a larger one counts up to 59 only; alone (99m, 90s) it may be larger.
        if (h is not None and int(m or 0) >= 60) or ((h or m) is not None and int(s or 0) >= 60):
            raise MediaError(tr("start offset {offset!r}: minutes and seconds go from 0 to 59", offset=text))
        seconds = int(h or 0) * 3600 + int(m or 0) * 60 + int(s or 0)
    if seconds > MAX_OFFSET:
        raise MediaError(tr("start offset {offset!r} is more than 24 hours into the video", offset=text))
    return seconds


def parse_media(value: str, *, recording: bool = False) -> Media:
    """Parse one `provider:id[@offset]` item; raises MediaError naming what is wrong."""
    provider, sep, rest = value.partition(":")
    provider = provider.strip().lower()
    if not sep:
        raise MediaError(tr("{value!r} is not written provider:id (e.g. youtube:VIDEO_ID)", value=value))
    if provider not in PROVIDERS:
        raise MediaError(
            tr(
                "unknown provider {provider!r} in {value!r} (known: {known})",
                provider=provider,
                value=value,
                known=", ".join(PROVIDERS),
            )
        )
    start = 0
    if provider == "youtube":
        ident, at, offset = rest.strip().partition("@")
        if at:
            if not recording:
                raise MediaError(tr("{value!r}: only a recording can have a start offset", value=value))
            start = _offset(offset)
        if not YOUTUBE_ID_RE.match(ident):
            raise MediaError(tr("{ident!r} is not a YouTube video id (11 letters, digits, - or _)", ident=ident))
        return Media(provider, ident, start)
    url = rest.strip()
    _check_link(url)
    return Media(provider, url)


def browser_host(url: str) -> str | None:
    """The host a browser opens for an https:// address that `parse_media` accepted, as shown to visitors.

    In ASCII: a name written in other scripts is shown as its punycode form, so a look-alike
    (a Cyrillic "о" in "yоutube") cannot pass for the name it imitates.
    """
    hostname = urlsplit(url).hostname
    if not hostname:
        return None
    try:
        return hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _check_link(url: str) -> None:
    """Refuse an address whose host a browser reads otherwise than it looks (WHATWG URL rules).

    Browsers read a backslash as "/" and drop a user name before "@", so
    `https://evil.example\\@www.youtube.com/` opens evil.example; spaces and control characters
    are dropped or encoded, and a percent-encoded host is decoded. None of them has a use in a
    link to a stream: refused, so the host shown beside the link is the one it opens.
    """
    if "\\" in url:
        raise MediaError(
            tr(
                "{url!r} holds a backslash, which browsers read as '/' (so the address opens another "
                "host than it shows): write '/'",
                url=url,
            )
        )
    odd = next((c for c in url if c.isspace() or not c.isprintable()), None)
    if odd is not None:
        raise MediaError(
            tr(
                "{url!r} holds a space or an invisible character ({char}): remove it, or write it percent-encoded",
                url=url,
                char=f"U+{ord(odd):04X}",
            )
        )
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or not url.lower().startswith("https://"):
        raise MediaError(tr("{url!r} is not an https:// address", url=url))
    if "@" in parts.netloc:
        raise MediaError(
            tr(
                "{url!r} holds a user name before '@' ({user!r}): browsers open the host after it, so "
                "the address is not what it shows; remove the part up to '@'",
                url=url,
                user=parts.netloc.rpartition("@")[0],
            )
        )
    if "%" in parts.netloc:
        raise MediaError(tr("{url!r} has a percent-encoded host name: write the host name as it is", url=url))
    try:
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        raise MediaError(tr("{url!r} has a port that is not a number", url=url)) from None
    if browser_host(url) is None:
        raise MediaError(tr("{url!r} has a host name that is not a valid domain name", url=url))
