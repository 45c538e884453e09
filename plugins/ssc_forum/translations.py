"""The theme's message catalogues: `.po` files are kept in the repository, `.mo` are compiled by the build."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

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


def keep_messages(env: Environment) -> None:
    """Make the templates' `_()` answer a message without variables from what it gave before.

    Jinja's `_` goes through the context to the installed `gettext`, marks the result safe and
    formats it with no variables, for each of the 40 or so messages a page shows (about 7 µs a
    message, 200,000 messages at 1,600 sessions). The answer depends only on the message and the
    translations installed, so call this once they are (before the pages are written).
    """
    kept: dict[str, Any] = {}

    @pass_context
    def kept_gettext(__context: Context, __string: str, **variables: Any) -> Any:
        if variables:
            return __context.call(__context.resolve("gettext"), __string, **variables)
        found = kept.get(__string)
        if found is None:
            found = kept[__string] = __context.call(__context.resolve("gettext"), __string)
        return found

    env.globals["_"] = kept_gettext
