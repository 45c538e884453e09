"""The theme's message catalogues: `.po` files are kept in the repository, `.mo` are compiled by the build."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)


def compile_catalogues(localedir: str | Path, domain: str = "messages") -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/<domain>.po` whose `.mo` is missing or older; return those written."""
    written = []
    for po_path in sorted(Path(localedir).glob(f"*/LC_MESSAGES/{domain}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalogue, use_fuzzy=False)
        tmp.replace(mo_path)  # a concurrent build never reads half a catalogue
        written.append(mo_path)
    return written
