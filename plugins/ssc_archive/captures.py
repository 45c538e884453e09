"""What a complete crawl of the live site would have recorded, derived from the built tree.

Each file the server serves becomes a capture at its real address, with the status and
Content-Type nginx answers with (see deploy/nginx.conf.template):

* every file at `SITE_URL/<path>`, status 200; assets are found by walking the tree, so
  fingerprinted or subsetted file names need no list;
* a folder's `index.html` also at the folder's address (`…/sessions/`, the address every link
  uses), and `…/sessions` as the 301 redirect nginx sends to `…/sessions/`;
* Pagefind's entry file also at the address pagefind.js asks for (`…/pagefind-entry.json?ts=TAG`,
  the tag the search page fixes), as a revisit of the plain one;
* each language's 404 page also as the answer, status 404, for an address that does not exist
  (`…/not-found`, `…/en/not-found`): the server sends that page for any unknown address, and a
  replay shows it the same way;
* not archived: dot files (nginx refuses them: the build's manifest is for `rollback` only)
  and the `.gz` twin of a file (the same resource, sent compressed when a browser asks).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ssc_search.indexing import BUNDLE_DIR, ENTRY_TAG

from .contenttypes import ContentTypes

INDEX = "index.html"
SEARCH_ENTRY = f"{BUNDLE_DIR}/pagefind-entry.json"
NOT_FOUND_PAGE = "404.html"
NOT_FOUND_NAME = "not-found"
"""The address, in each language's folder, recorded with the 404 answer."""


@dataclass(frozen=True)
class Capture:
    """One answer of the server: an address, a status, and a file or a redirect."""

    url: str
    status: int
    content_type: str = ""
    source: Path | None = None
    """The file sent as the body (none for a redirect)."""
    location: str = ""
    """For a redirect: the Location header, as nginx sends it (a path: `absolute_redirect off`)."""
    same_as: str = ""
    """The address already recorded with the same file and status (written as a revisit record)."""


def _served_files(tree: Path) -> Iterator[Path]:
    """The files nginx serves from `tree`, in a fixed order: no dot files, no `.gz` twins."""
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix == ".gz" and path.with_suffix("").is_file():
            continue
        yield path


def site_captures(tree: Path, site_url: str, types: ContentTypes) -> list[Capture]:
    """Every capture of the site built in `tree` for `site_url` (no trailing slash), sorted by address."""
    base = site_url.rstrip("/")
    base_path = urlsplit(base).path
    captures: list[Capture] = []
    addresses: set[str] = set()
    for path in _served_files(tree):
        rel = path.relative_to(tree).as_posix()
        url = f"{base}/{quote(rel)}"
        content_type = types.for_name(path.name)
        if path.name == INDEX:
            folder = quote(rel[: -len(INDEX)])  # "" or "sessions/"
            captures.append(Capture(f"{base}/{folder}", 200, content_type, path))
            captures.append(Capture(url, 200, content_type, path, same_as=f"{base}/{folder}"))
            captures.append(Capture(f"{base}/{folder}".rstrip("/"), 301, location=f"{base_path}/{folder}"))
        else:
            captures.append(Capture(url, 200, content_type, path))
        if rel == SEARCH_ENTRY:
            # pagefind.js asks for its entry file with a tag in the query (the search page
            # fixes it: ssc_search ENTRY_TAG); nginx ignores the query and the archive must
            # answer that exact address too.
            captures.append(Capture(f"{url}?ts={ENTRY_TAG}", 200, content_type, path, same_as=url))
        if path.name == NOT_FOUND_PAGE:
            folder = quote(rel[: -len(NOT_FOUND_PAGE)])
            captures.append(Capture(f"{base}/{folder}{NOT_FOUND_NAME}", 404, content_type, path))
        addresses.add(url)
    clashes = sorted(c.url for c in captures if c.status == 404 and c.url in addresses)
    if clashes:
        raise ValueError(f"{', '.join(clashes)}: a real file has the address kept for the 404 answer")
    return sorted(captures, key=lambda c: (c.url, c.status))
