"""The package's page list (`pages/pages.jsonl`): every HTML page with its title and language.

Replay tools show this list as the archive's table of contents and open `mainPageURL` first.
A page is listed once, at the address its links use (`…/sessions/`, not `…/sessions/index.html`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from pathlib import Path

from bs4 import BeautifulSoup

from .captures import Capture

HTML = "text/html"
PAGES_FORMAT = "json-pages-1.0"


def page_entry(capture: Capture, ts: str) -> dict[str, str]:
    """One line of the list: id (stable, from the address), url, ts, title and lang of the page."""
    assert capture.source is not None
    soup = BeautifulSoup(capture.source.read_bytes(), "html.parser")
    html = soup.find("html")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    lang = html.get("lang", "") if html else ""
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, capture.url)),
        "url": capture.url,
        "ts": ts,
        "title": title or capture.url,
        "lang": str(lang),
    }


def page_list(captures: Iterable[Capture], ts: str) -> list[dict[str, str]]:
    """The entries for every HTML page among `captures` (200 answers, no repeats), in their order."""
    return [
        page_entry(c, ts)
        for c in captures
        if c.status == 200 and not c.same_as and c.source and c.content_type.split(";")[0] == HTML
    ]


def write_pages(path: Path, pages: list[dict[str, str]], *, title: str) -> None:
    """Write the list as JSON Lines, after its header (py-wacz keeps the header's id and title)."""
    lines = [{"format": PAGES_FORMAT, "id": "pages", "title": title}, *pages]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
