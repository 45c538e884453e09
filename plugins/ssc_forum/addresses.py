"""The addresses the build itself writes, declared once, and who writes what.

The forum's fixed pages are listed in `FIXED_PAGES`, which the generator writes from; the
exports, Pelican's own outputs (news, feeds, theme, static folders), the search index, the
sitemap and every language's sub-site are derived from the settings. A content item whose
address falls on one of them (a page with the slug `en` would replace the English home page)
is a content error naming its file and field. As a last line of defence every output path
is claimed by its source before anything is written, and two sources claiming one path is
an error naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import schema
from .messages import Message, tr


@dataclass(frozen=True)
class FixedPage:
    """A page the forum writes once per language, whatever the content."""

    save_as: str
    template: str
    url: str
    kind: str


FIXED_PAGES: tuple[FixedPage, ...] = (
    FixedPage("index.html", "home", "", "home"),
    FixedPage("timetable/index.html", "timetable", "timetable/", "timetable"),
    FixedPage("sessions/index.html", "sessions", "sessions/", "sessions"),
    FixedPage("speakers/index.html", "speakers", "speakers/", "speakers"),
    FixedPage("cases/index.html", "cases", "cases/", "cases"),
    FixedPage("search/index.html", "search", "search/", "search"),
    FixedPage("404.html", "404", "404.html", "404"),
)

EXPORTS = ("schedule.ics", "schedule.xml", "schedule.json")  # written by exports.writers()
# Written over the whole tree by the other plugins: the search index (ssc_search), the
# sitemap, robots.txt and the build's commit (ssc_publish). A test builds the site and
# fails when a top-level name is written that is neither here nor a content page.
TREE_OUTPUTS = {
    "pagefind": "the search index",
    "sitemap.xml": "the sitemap",
    "robots.txt": "robots.txt",
    "version.txt": "the build's commit",
}


def _first(path: str) -> str:
    return path.strip("/").split("/")[0]


def reserved(settings: dict[str, Any]) -> dict[str, str]:
    """Top-level names of the site the build writes itself, each with what it is for."""
    names: dict[str, str] = {}

    def add(path: str, what: str) -> None:
        first = _first(path)
        if first and "{" not in first:
            names.setdefault(first, what)
            if "." in first:  # index.html also reserves /index/, schedule.ics /schedule/
                names.setdefault(first.split(".")[0], what)

    for page in FIXED_PAGES:
        add(page.save_as, f"the {page.kind} page")
    for export in EXPORTS:
        add(export, "the schedule exports")
    for ctype in schema.CONTENT_TYPES:
        add(ctype.url, f"the {ctype.label_en.lower()} pages")
    for key, value in sorted(settings.items()):
        if isinstance(value, str) and value and key.endswith(("_SAVE_AS", "_FEED_ATOM", "_FEED_RSS")):
            add(value, f"Pelican's {key}")
    add(settings.get("THEME_STATIC_DIR") or "theme", "the theme's files")
    for path in settings.get("STATIC_PATHS") or ():
        add(path, "static files")
    for path, what in TREE_OUTPUTS.items():
        add(path, what)
    # Each language's folder (the settings' LANGUAGES; a wrong row is the languages check's to report) and code.
    for row in settings.get("LANGUAGES") or ():
        if isinstance(row, dict) and isinstance(row.get("code"), str) and isinstance(row.get("prefix"), str):
            add(row["prefix"], f"the {row['code']} site")
            names.setdefault(row["code"], "a language code")
    for lang in settings.get("I18N_SUBSITES") or {}:
        add(lang, f"the {lang} site")
    return dict(sorted(names.items()))


def slug_clash(ctype: schema.ContentType, slug: str, settings: dict[str, Any]) -> Message | None:
    """Why an item's address is taken by the build itself, or None when it is free."""
    if not ctype.url.startswith("{slug}"):
        return None  # under its type's own folder (sessions/…), which nothing else writes into
    names = reserved(settings)
    if slug not in names:
        return None
    return tr(
        "{slug!r} is an address the site itself uses ({slug}/ is {what}): choose another slug (reserved: {names})",
        slug=slug,
        what=names[slug],
        names=", ".join(names),
    )


class Claims:
    """Which source writes which output path; a second source for one path is a clash."""

    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}
        self.clashes: list[tuple[str, str, str]] = []  # (path, first source, second source)

    def claim(self, path: str, source: str) -> None:
        """Record that `source` writes `path` (relative to the output folder)."""
        path = path.lstrip("/")
        first = self.by_path.setdefault(path, source)
        if first != source:
            self.clashes.append((path, first, source))
