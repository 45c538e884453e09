"""Run Pagefind over the finished output, once per build, after the last language.

Pagefind reads every page's `<html lang>` and writes one index per language under
`pagefind/` at the output root, so it must run when both the Korean main site and
the English sub-site are on disk. pelican-i18n-subsites builds each sub-site inside
the main site's run (before the main site writes its own pages), so the main
site's `finalized` signal is the last one of the build: that is where we index.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from pelican import Pelican

from ssc_forum.settings import finishes_tree

from .korean import AFTER, Analyser, annotate_tree

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
"""Where the index and `pagefind.js` land, relative to the output root; the search page loads it from there."""
TERMS_FILE = "terms.{lang}.json"
"""In the bundle: the words of one language's index, for the search page's suggestions."""
ENTRY_TAG = "ssc2020"
"""What pagefind.js appends to its entry file's address (`pagefind-entry.json?ts=…`; its `metaCacheTag`).

Left to itself, Pagefind adds the time of each visit there to get past caches, so no two visits
ask for the same address and a web archive, which holds the address it recorded, cannot answer
(ReplayWeb.page: "No language indexes found"). Our server already keeps the entry file fresh
(`max-age=300, must-revalidate`, an ETag that changes with its content), so a fixed tag costs
nothing there, and the web archive records the entry file under this address too."""


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build must not pass without search."""


def _html_files(output_path: Path) -> list[Path]:
    """Every HTML page of the built tree except Pagefind's own folder, in a fixed order."""
    bundle = output_path / BUNDLE_DIR
    return sorted(p for p in output_path.rglob("*.html") if bundle not in p.parents)


def build_index(output_path: Path, prepare: Callable[[Path, str], str] | None = None) -> str:
    """Index every HTML page under `output_path` into `output_path/pagefind/`.

    `prepare` turns a page's HTML into what Pagefind reads (the Korean analysis): the prepared
    pages are written to a temporary copy of the tree that Pagefind indexes, so the pages
    visitors get are not changed. (Pagefind's Python API would take them from memory, but it
    waits a tenth of a second for each page's answer: 500 s for the 5,000 pages at scale.)
    Returns Pagefind's summary. Raises SearchIndexError with Pagefind's own output if it
    fails or indexes nothing (an empty index would make search silently useless).
    """
    with tempfile.TemporaryDirectory(prefix="ssc-search-") as staging:
        source = Path(staging)
        for path in _html_files(output_path):
            rel = path.relative_to(output_path)
            target = source / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            html = path.read_text(encoding="utf-8")
            target.write_text(prepare(rel, html) if prepare else html, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(source),
            "--output-path",
            str(output_path / BUNDLE_DIR),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise SearchIndexError(f"ssc_search: could not start Pagefind: {exc}") from exc
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise SearchIndexError(
            f"ssc_search: Pagefind failed (exit {result.returncode}) indexing {output_path}:\n{output}"
        )
    if not (output_path / BUNDLE_DIR / "pagefind.js").is_file():
        raise SearchIndexError(f"ssc_search: Pagefind wrote no pagefind.js under {output_path}:\n{output}")
    if "Indexed 0 pages" in output:
        raise SearchIndexError(f"ssc_search: Pagefind found no page to index in {output_path}:\n{output}")
    return output


_H1 = re.compile(r"<h1[^>]*>.*?</h1>", re.S)
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


class PagePreparer:
    """Turns each page into what Pagefind reads, and gathers the words the index knows.

    In every page with a `data-pagefind-body`, the titles of its twins in the other languages are
    added to its own title as index-only words (so "Jung-Hoon Lee" finds 이정훈 on the Korean
    site, and 이정훈 finds Jung-Hoon Lee on the English one), and Korean pages get Kiwi's
    analysis (`korean.annotate_tree`). Every language's words are kept for `write_terms`,
    which the search page reads to suggest a nearby word.
    """

    def __init__(self, output_path: Path) -> None:
        self.output_path = output_path
        self.analyser = Analyser()
        self.terms: dict[str, set[str]] = {}

    def __call__(self, rel: Path, html: str) -> str:
        """The page at `rel` (relative to the output root), as the index should read it."""
        if "data-pagefind-body" not in html:
            return html
        root = lxml.html.document_fromstring(html)
        lang = (root.get("lang") or "").lower().split("-")[0]
        bodies = root.xpath("//*[@data-pagefind-body]")
        if not bodies:
            return html
        terms = self.terms.setdefault(lang, set())
        heading = bodies[0].find(".//h1")
        twin = " ".join(self._twin_titles(root, rel, lang))
        if heading is not None and twin:
            last = heading[-1] if len(heading) else None
            words = "".join(f" {AFTER}{word}" for word in twin.split())
            if last is not None:
                last.tail = (last.tail or "") + words
            else:
                heading.text = (heading.text or "") + words
        # Korean, the language (not the site's first): Kiwi analyses Korean text only; every other language
        # keeps Pagefind's own word splitting and stemming.
        if lang == "ko":
            annotate_tree(bodies, self.analyser, terms)
        else:
            for body in bodies:
                text = " ".join(body.xpath(".//text()[not(ancestor::*[@data-pagefind-ignore])]"))
                terms.update(w for w in _ENGLISH_WORD.findall(text.lower()) if len(w) > 2)
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")

    def _twin_titles(self, root: Any, rel: Path, lang: str) -> list[str]:
        """The `<h1>` texts of the page's translations, in the order of its alternates, read from the built tree."""
        links = {link.get("hreflang"): link.get("href") or "" for link in root.xpath("//link[@rel='alternate']")}
        own = links.get(lang)
        others = [href for code, href in links.items() if code not in (lang, "x-default", None) and href]
        if not own or not others:
            return []
        own_path = urlsplit(own).path
        folder = rel.as_posix().removesuffix("index.html")
        if not own_path.endswith(folder):
            return []
        prefix = own_path[: len(own_path) - len(folder)]
        titles = []
        for other in others:
            twin_path = urlsplit(other).path
            if not twin_path.startswith(prefix):
                continue
            twin_file = self.output_path / twin_path[len(prefix) :]
            if twin_path.endswith("/"):
                twin_file = twin_file / "index.html"
            try:
                twin_html = twin_file.read_text(encoding="utf-8")
            except OSError:
                continue
            found = _H1.search(twin_html)
            if found:
                titles.append(" ".join(lxml.html.fromstring(found.group(0)).text_content().split()))
        return titles

    def write_terms(self, bundle: Path) -> list[Path]:
        """Write `terms.<lang>.json` (the sorted list of the index's words) for each language."""
        written = []
        for lang, terms in sorted(self.terms.items()):
            if not lang or not terms:
                continue
            path = bundle / TERMS_FILE.format(lang=lang)
            path.write_text(json.dumps(sorted(terms), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            written.append(path)
        return written


def make_entry_deterministic(bundle: Path) -> None:
    """Write `pagefind-entry.json` with its languages in a fixed order.

    Pagefind lists the languages in whatever order its threads finish, so two builds of
    the same content would differ in this one file; the order means nothing to
    pagefind.js, and byte-identical builds let a deploy show only what really changed.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# Pagefind also writes its ready-made interfaces; our search page uses only the JS API
# (pagefind.js, its worker and the index), so the rest would be dead weight on the server.
UNUSED_FILES = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js")


def drop_unused_files(bundle: Path) -> None:
    """Remove the Pagefind interface files the site never loads."""
    for pattern in UNUSED_FILES:
        for path in bundle.glob(pattern):
            path.unlink()


def index_output(pelican: Pelican) -> None:
    """`finalized` handler: index the whole output once the main site is written."""
    if not finishes_tree(pelican.settings, __name__):
        log.debug(
            "ssc_search: sub-site %s finished; indexing waits for the main site", pelican.settings["DEFAULT_LANG"]
        )
        return
    output_path = Path(pelican.settings["OUTPUT_PATH"])
    preparer = PagePreparer(output_path)
    summary = build_index(output_path, preparer)
    preparer.write_terms(output_path / BUNDLE_DIR)
    make_entry_deterministic(output_path / BUNDLE_DIR)
    drop_unused_files(output_path / BUNDLE_DIR)
    log.info("ssc_search: search index written to %s/\n%s", BUNDLE_DIR, summary)
