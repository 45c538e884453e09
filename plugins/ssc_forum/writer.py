"""Pelican's writer with two corrections: honest feed entries and named output clashes.

- Atom `<summary type="html">` and `<title>`: our summaries and titles are plain text (see
  FORMATTED_FIELDS), but Pelican hands the summary to the feed as HTML and strips tags
  from the title, so `A <b> & C` would be read as markup by a feed reader or lose its
  `<b>`. Both are escaped here, making the HTML the feed declares say exactly the text.
- Two sources writing one output path: Pelican raises FileOverwriteFailedError with a
  traceback naming only a temporary path. Every path is checked before writing begins
  (generator.py); should one still be written twice, this names both sources instead.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from pelican.writers import FileOverwriteFailedError, Writer

from .content import ContentError, Problem


class _PlainTextItem:
    """A content item whose summary and title are given to the feed as escaped HTML."""

    def __init__(self, item: Any) -> None:
        self._item = item

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)

    @property
    def summary(self) -> str | None:
        """The plain-text summary as the HTML the feed declares."""
        summary = self._item.summary
        return html.escape(str(summary), quote=False) if summary else summary

    @property
    def title(self) -> str:
        """The title escaped, so the feed's tag stripping gives back the text as written."""
        return html.escape(str(self._item.title), quote=False)


def _source(kwargs: dict[str, Any], settings: dict[str, Any]) -> str | None:
    content = kwargs.get("article") or kwargs.get("page") or kwargs.get("item")
    path = getattr(content, "source", None) or getattr(content, "source_path", None)
    if not path:
        return None
    try:
        return f"{Path(settings['PATH']).name}/{Path(path).relative_to(settings['PATH']).as_posix()}"
    except ValueError:
        return str(path)


class ForumWriter(Writer):
    """The writer of every build of the site (both languages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sources: dict[str, str] = {}
        self._current: str | None = None

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        super()._add_item_to_the_feed(feed, _PlainTextItem(item))

    def write_file(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Write one file, remembering which content file it comes from."""
        self._current = _source(kwargs, self.settings) or f"the {kwargs.get('template_name') or 'site'} page"
        try:
            super().write_file(name, *args, **kwargs)
        finally:
            self._current = None

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        try:
            handle = super()._open_w(filename, encoding, override)
        except FileOverwriteFailedError:
            from .generator import _forget_unfinished_subsites

            _forget_unfinished_subsites()
            rel = os.path.relpath(filename, self.output_path)
            first = self._sources.get(filename, "another source")
            second = self._current or "another source"
            raise ContentError([Problem(second, None, f"would write {rel}, which {first} writes too: two sources "
                                        "cannot share one address")]) from None
        self._sources.setdefault(filename, self._current or "the site")
        return handle
