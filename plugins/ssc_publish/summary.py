"""What a successful build says: one line on what the site contains, and no noise.

Pelican prints "Done: Processed N articles, … 0 pages …" once per language (i18n-subsites
runs the English site as a second Pelican): it counts only Pelican's own articles and pages,
so it reads as if the site were nearly empty. This plugin prints one line instead, counted
from the written tree, and drops Pelican's line (`quiet_pelican_summary`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from ssc_forum.messages import Message, tr

SECTIONS: tuple[tuple[str, Message], ...] = (
    ("sessions", tr("{count} sessions")),
    ("speakers", tr("{count} speakers")),
    ("cases", tr("{count} city cases")),
    ("news", tr("{count} news items")),
)
"""Folders of the built site counted in the summary, with how the line names their number (editor's language)."""


def count_pages(root: Path, languages: tuple[str, ...]) -> dict[str, int]:
    """Written HTML pages per language: the main language at the root, the others in their folder."""
    counts = dict.fromkeys(languages, 0)
    subsites = set(languages[1:])
    for page in root.rglob("*.html"):
        first = page.relative_to(root).parts[0]
        counts[first if first in subsites else languages[0]] += 1
    return counts


def count_items(root: Path) -> dict[str, int]:
    """Items of each section of the main-language site (each has `<section>/<slug>/index.html`), by folder."""
    return {folder: len(list((root / folder).glob("*/index.html"))) for folder, _ in SECTIONS}


def summary_line(root: Path, languages: tuple[str, ...]) -> str:
    """`Built: 52 pages in ko, 52 in en; 21 sessions, 40 speakers, 6 city cases, 2 news items (each language).`

    In the editor's language (Korean by default), as every line a build prints for them.
    """
    pages = count_pages(root, languages)
    first, *others = languages
    page_part = ", ".join(
        [
            str(tr("{count} pages in {lang}", count=pages[first], lang=first)),
            *(str(tr("{count} in {lang}", count=pages[lang], lang=lang)) for lang in others),
        ]
    )
    counts = count_items(root)
    items = ", ".join(str(tr(label.msgid, count=counts[folder])) for folder, label in SECTIONS)
    return str(tr("Built: {pages}; {items} (each language).", pages=page_part, items=items))


def quiet_pelican_summary() -> None:
    """Make Pelican's console drop its own "Done: Processed …" lines (see the module docstring).

    Pelican prints them with its rich console, not through logging, so a logging filter cannot
    reach them; the console's `print` is wrapped once, dropping only that line.
    """
    from pelican.log import console

    if getattr(console.print, "_ssc_quiet", False):
        return
    original = console.print

    @functools.wraps(original)
    def print_(*objects, **kwargs):
        if objects and isinstance(objects[0], str) and objects[0].startswith("Done: Processed "):
            return None
        return original(*objects, **kwargs)

    print_._ssc_quiet = True  # type: ignore[attr-defined]
    console.print = print_  # type: ignore[method-assign]


def print_summary(line: str) -> None:
    """Print the summary where Pelican prints its own messages."""
    from pelican.log import console

    console.print(line, soft_wrap=True)  # one line, whatever the terminal width
