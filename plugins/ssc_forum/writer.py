"""Pelican's writer with two corrections: honest feed entries and named output clashes.

- Atom `<summary type="html">` and `<title>`: our summaries and titles are plain text (see
  FORMATTED_FIELDS), but Pelican hands the summary to the feed as HTML and strips tags
  from the title, so `A <b> & C` would be read as markup by a feed reader or lose its
  `<b>`. Both are escaped here, making the HTML the feed declares say exactly the text.
- An id used twice on one page (a heading in the text named like a part of the page, say
  `## Main`): links and labels would point at the wrong element. Each HTML page is checked
  as it is written, and the build stops naming the page's source.
- Two sources writing one output path: Pelican raises FileOverwriteFailedError with a
  traceback naming only a temporary path. Every path is checked before writing begins
  (generator.py); should one still be written twice, this names both sources instead.
"""

from __future__ import annotations

import html
import os
import re
import string
from pathlib import Path
from typing import Any

from pelican.writers import FileOverwriteFailedError, Writer

from . import hooks, markup, subsites
from .messages import tr
from .problems import ContentError, Problem


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


_ID_PREFIX_RE = re.compile(r"id\s*=\s*")
_ID_VALUE_RE = re.compile(r"""(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_LETTERS = frozenset(string.ascii_letters)


def page_ids(page: str) -> list[str]:
    """Every id of the theme's own HTML (a page or a fragment the theme rendered), in order.

    The theme's output escapes all text, so each id attribute is found by its pattern: an `id=`
    after whitespace inside a start tag (a `<` and a letter, then no `>`), the first one of each
    tag. Text an editor wrote is read by the parser instead (`markup`).
    """
    # The attribute is searched for by its letters, then its tag looked back for: a pattern for
    # the whole tag, tried at every `<` of a page, cost more than writing the page. Its value is
    # read only once the `id=` is known to be an attribute, and the page is looked through for
    # `>` and tag openings once, up to each `id=` in turn: looking back from every `id=` (or
    # matching the value of each), 240 KB of `id=` in a paragraph took a minute.
    ids: list[str] = []
    searched = pos = 0  # as that pattern would: on from the end of the last id found
    scanned = 0  # page[:scanned] has been looked through
    last_close = last_open = -1  # the last ">", and the last "<" and letter, found in it
    while match := _ID_PREFIX_RE.search(page, pos):
        start = match.start() - 1
        if start < searched or not page[start].isspace():
            pos = match.start() + 1  # `xid=` is no attribute, but the `id=` after it may be
            continue
        if start > scanned:
            close = page.rfind(">", scanned, start)
            last_close = close if close >= 0 else last_close
            # The last `<` and letter that ends by `start`, looked for backwards: each character is
            # looked at once over the whole page (a `finditer` over every tag cost more than the rest).
            low, high = max(scanned - 1, 0), start - 1
            while (opening := page.rfind("<", low, high)) >= 0:
                if page[opening + 1] in _LETTERS:
                    last_open = opening
                    break
                high = opening
            scanned = start
        value = _ID_VALUE_RE.match(page, match.end()) if last_open >= max(searched, last_close + 1) else None
        if not value:
            pos = match.start() + 1
            continue
        searched = pos = value.end()
        ids.append(next(g for g in value.groups() if g is not None))
    return ids


def duplicate_ids(page: str) -> list[str]:
    """Ids given to more than one element of a written page, in order."""
    return markup.repeated(page_ids(page))


class _CheckedPage:
    """A page file that refuses to be written with an id used twice."""

    def __init__(self, handle: Any, path: str, rel: str, source: str) -> None:
        self._handle, self._path, self._rel, self._source = handle, path, rel, source

    def __enter__(self) -> _CheckedPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def write(self, text: str) -> int:
        """Write the page, or stop the build when an id repeats."""
        repeated = duplicate_ids(text)
        if repeated:
            self._handle.close()
            os.remove(self._path)
            subsites.forget_unfinished()
            raise ContentError(
                [
                    Problem(
                        self._source,
                        None,
                        tr(
                            "the page {page} would use the id {ids} twice (a heading named like a part of the page?): "
                            "links to it would break; rename the heading or give it another id with {{: #other-id }}",
                            page=self._rel,
                            ids=", ".join(map(repr, repeated)),
                        ),
                    )
                ]
            )
        return self._handle.write(text)


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
        recorder = hooks.of(self.settings).recorder
        try:
            if recorder is None or not name:
                super().write_file(name, *args, **kwargs)
            else:
                with recorder.writing(os.path.join(self.output_path, name)):
                    super().write_file(name, *args, **kwargs)
        finally:
            self._current = None

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        try:
            handle = super()._open_w(filename, encoding, override)
        except FileOverwriteFailedError:
            subsites.forget_unfinished()
            rel = os.path.relpath(filename, self.output_path)
            first = self._sources.get(filename, "another source")
            second = self._current or "another source"
            raise ContentError(
                [
                    Problem(
                        second,
                        None,
                        tr(
                            "would write {path}, which {first} writes too: two sources "
                            "cannot share one address; change one slug",
                            path=rel,
                            first=first,
                        ),
                    )
                ]
            ) from None
        self._sources.setdefault(filename, self._current or "the site")
        if filename.endswith(".html"):
            return _CheckedPage(
                handle, filename, os.path.relpath(filename, self.output_path), self._current or "the site"
            )
        return handle
