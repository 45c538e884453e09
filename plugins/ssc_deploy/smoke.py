"""After a deploy: is the live site answering, and is it the release just published?

`check_live_site(url, revision)` asks the site at `url` (the address of the Korean home, e.g.
`https://forum.seoul.go.kr/ssc2020/`) for both language homes, the stylesheets and scripts they
load, and `version.txt` (written by the build, see `ssc_publish.revision`), and returns every
problem found. A CDN or proxy in front may take a moment to see the new release, so the
caller retries for a while.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin

from ssc_forum.messages import tr

LANGUAGE_HOMES = ("", "en/")
"""The homes below the site's address: Korean (the main site) and English."""

USER_AGENT = "ssc2020-smoke-check"


class _AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])


def _get(url: str, timeout: float) -> tuple[int, str, bytes]:
    """GET `url` (no cache): status, media type and body; errors become their status."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type() if exc.headers else "", b""
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(getattr(exc, "reason", exc)), b""


def check_live_site(url: str, revision: str, *, timeout: float = 10.0) -> list[str]:
    """Problems with the site at `url`: empty when both homes, their assets and the release are right.

    `revision` is the commit that was published; a shortened id matches its full form.
    """
    base = url if url.endswith("/") else url + "/"
    problems: list[str] = []
    assets: set[str] = set()
    nothing = str(tr("nothing"))  # what a request that got no answer at all "answered"
    for home in LANGUAGE_HOMES:
        page = urljoin(base, home)
        status, media_type, body = _get(page, timeout)
        if status != 200 or media_type != "text/html":
            problems.append(
                str(
                    tr(
                        "{url}: answered {status} ({type}), expected 200 text/html",
                        url=page,
                        status=status or nothing,
                        type=media_type,
                    )
                )
            )
            continue
        parser = _AssetParser()
        parser.feed(body.decode("utf-8", errors="replace"))
        assets.update(urljoin(page, href) for href in parser.assets)
    for asset in sorted(assets):
        status, _, _ = _get(asset, timeout)
        if status != 200:
            problems.append(
                str(
                    tr(
                        "{url}: answered {status}, expected 200 (a page loads it)",
                        url=asset,
                        status=status or nothing,
                    )
                )
            )
    version_url = urljoin(base, "version.txt")
    status, _, body = _get(version_url, timeout)
    served = body.decode("utf-8", errors="replace").strip()
    if status != 200:
        problems.append(str(tr("{url}: answered {status}, expected 200", url=version_url, status=status or nothing)))
    elif not revision or not served.startswith(revision.strip()):
        problems.append(
            str(
                tr(
                    "{url}: the site serves release {served!r}, not {revision!r}",
                    url=version_url,
                    served=served,
                    revision=revision,
                )
            )
        )
    return problems


def wait_for_live_site(
    url: str,
    revision: str,
    *,
    wait: float = 0.0,
    interval: float = 5.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """`check_live_site`, repeated every `interval` seconds for up to `wait` seconds until it passes."""
    deadline = time.monotonic() + wait
    while True:
        problems = check_live_site(url, revision, timeout=timeout)
        if not problems or time.monotonic() + interval > deadline:
            return problems
        sleep(interval)
