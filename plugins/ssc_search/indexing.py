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
import subprocess
import sys
from pathlib import Path

from pelican import Pelican

from ssc_forum.settings import finishes_tree

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
"""Where the index and `pagefind.js` land, relative to the output root; the search page loads it from there."""


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build must not pass without search."""


def build_index(output_path: Path) -> str:
    """Index every HTML page under `output_path` into `output_path/pagefind/`.

    Returns Pagefind's summary. Raises SearchIndexError with Pagefind's own output
    if it fails or indexes nothing (an empty index would make search silently useless).
    """
    command = [
        sys.executable, "-m", "pagefind",
        "--site", str(output_path),
        "--output-subdir", BUNDLE_DIR,
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
        log.debug("ssc_search: sub-site %s finished; indexing waits for the main site",
                  pelican.settings["DEFAULT_LANG"])
        return
    output_path = Path(pelican.settings["OUTPUT_PATH"])
    summary = build_index(output_path)
    make_entry_deterministic(output_path / BUNDLE_DIR)
    drop_unused_files(output_path / BUNDLE_DIR)
    log.info("ssc_search: search index written to %s/\n%s", BUNDLE_DIR, summary)
