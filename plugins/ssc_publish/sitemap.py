"""`sitemap.xml` with language alternates, and `robots.txt`, read from the written pages.

Why from the written HTML and not from Pelican's signals: the i18n sub-site is a second
Pelican run, and some pages (timetable, search, the content types' own pages) come from
our generators rather than Pelican's. Each page's `<link rel="canonical">` and
`<link rel="alternate" hreflang>` tags, written by the theme, already say what the page
is called and what its translations are. Reading them back means the sitemap can never
disagree with the pages, whatever generator wrote them, and pages marked `noindex` or
without a canonical address (the 404 pages) stay out by themselves.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass
class PageHead:
    """What a page's `<head>` says about its address and languages."""

    lang: str = ""
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)
    noindex: bool = False


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head = PageHead()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.head.lang = a.get("lang", "")
        elif tag == "link":
            rels = a.get("rel", "").lower().split()
            if "canonical" in rels:
                self.head.canonical = a.get("href", "")
            elif "alternate" in rels and a.get("hreflang"):
                self.head.alternates[a["hreflang"]] = a.get("href", "")
        elif tag == "meta" and a.get("name", "").lower() == "robots":
            self.head.noindex = "noindex" in a.get("content", "").lower()


def read_head(path: Path) -> PageHead:
    """Parse the `<head>` of the page at `path` (the body is not read)."""
    text = path.read_text(encoding="utf-8")
    end = text.find("</head>")
    parser = _HeadParser()
    parser.feed(text if end < 0 else text[:end])
    parser.close()
    return parser.head


def page_url(site_url: str, relpath: str) -> str:
    """The address of the file at `relpath` (POSIX, from the output root), as links write it."""
    if posixpath.basename(relpath) == "index.html":
        relpath = relpath[: -len("index.html")]
    return f"{site_url.rstrip('/')}/{relpath}"


def collect_entries(root: Path, site_url: str, main_lang: str) -> dict[str, dict[str, str]]:
    """Every indexable page's canonical address with its language alternates.

    A page is left out when it has no canonical link, says `noindex`, or names another page as
    canonical (a copy of that page). Alternates always list the page itself under its language,
    and `x-default` is the main-language version (or the page itself when it has none).
    """
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(root.rglob("*.html")):
        head = read_head(path)
        if not head.canonical or head.noindex:
            continue
        own = page_url(site_url, path.relative_to(root).as_posix())
        if head.canonical != own:
            continue
        alternates = {k: v for k, v in head.alternates.items() if v}
        if head.lang:
            alternates.setdefault(head.lang, own)
        alternates.setdefault("x-default", alternates.get(main_lang, own))  # the main site's page
        entries[own] = alternates
    return entries


def _lang_key(item: tuple[str, str]) -> tuple[int, str]:
    # x-default last, the others in a fixed order, so the file is the same on every build.
    return (item[0] == "x-default", item[0])


def render_sitemap(entries: dict[str, dict[str, str]]) -> str:
    """The sitemap document for `entries` (from `collect_entries`), sorted by address."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    for loc in sorted(entries):
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(loc)}</loc>")
        for lang, href in sorted(entries[loc].items(), key=_lang_key):
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(site_url: str) -> str:
    """robots.txt allowing everything and naming the sitemap.

    The Sitemap line must be an absolute address, so it is written only when the build has one
    (the published build); a local build says so in a comment.
    """
    lines = ["User-agent: *", "Disallow:", ""]
    sitemap = f"{site_url.rstrip('/')}/sitemap.xml"
    if sitemap.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {sitemap}")
    else:
        lines.append("# Sitemap: written with an absolute address in the published build only.")
    return "\n".join(lines) + "\n"


def write_sitemap_and_robots(root: Path, site_url: str, main_lang: str) -> int:
    """Write `sitemap.xml` and `robots.txt` at the root of the built site; return the number of URLs.

    `main_lang` is the main site's language (the first of the settings' LANGUAGES): `x-default` points at it.
    """
    entries = collect_entries(root, site_url, main_lang)
    (root / "sitemap.xml").write_text(render_sitemap(entries), encoding="utf-8")
    (root / "robots.txt").write_text(render_robots(site_url), encoding="utf-8")
    return len(entries)
