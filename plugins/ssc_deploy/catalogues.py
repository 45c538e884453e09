"""The message catalogues: the theme's (`messages`) and the editors' (`editor`), extracted with Babel.

What the `translations` task does. Both templates are kept as the repository has them: sorted,
with neither a header (its creation date would change on every run) nor source locations (an
edit would then rewrite them), so a diff shows only messages that changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ssc_forum import schema

from .project import CONFIG, ROOT, read_settings


def _pybabel(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd, check=True)


def _update(pot: Path, folder: Path, lang: str, domain: str, *extra: str) -> None:
    """Merge `pot` into one language's catalogue of `domain` under `folder` (made when missing).

    No fuzzy matching: a guessed translation of a similar sentence is wrong more often than not.
    Strings no longer used are dropped, not kept as comments: the catalogue is what is said, and
    git keeps the history.
    """
    _pybabel(
        "update",
        "--init-missing",
        "--ignore-pot-creation-date",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        *extra,
        "--input-file",
        str(pot),
        "--output-dir",
        str(folder),
        "--locale",
        lang,
        "--domain",
        domain,
    )


def editor_catalogue(locale_dir: Path | None = None) -> Path:
    """Extract the editors' messages (`tr("…")` of the plugins and tasks.py that print for them) into each .po.

    The ids are the English texts; `plugins/ssc_forum/locale/<lang>/LC_MESSAGES/editor.po` holds the
    other languages. Like the theme's template, `editor.pot` has no header and no locations, so
    its diff shows only messages that changed; the .po is read as it is (no .mo to compile).
    """
    from ssc_forum import messages

    folder = locale_dir or CONFIG["editor_locale"]
    pot = folder / f"{messages.DOMAIN}.pot"
    plugin = folder.parent
    _pybabel(
        "extract",
        "--no-default-keywords",
        "--keyword",
        "tr",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "--output-file",
        str(pot),
        str(plugin),
        str(ROOT / "plugins" / "ssc_deploy"),
        str(ROOT / "plugins" / "ssc_theme"),  # the identity settings' check
        str(ROOT / "plugins" / "ssc_editor" / "local.py"),  # `edit`'s local backend
        str(ROOT / "plugins" / "ssc_publish" / "summary.py"),  # the line a build ends with
        str(ROOT / "plugins" / "ssc_archive" / "provenance.py"),  # `archive`'s commit and date
        str(ROOT / "tasks.py"),
    )
    for lang in messages.LANGUAGES:
        if lang == "en":  # the ids are English
            continue
        _update(pot, folder, lang, messages.DOMAIN, "--omit-header")
    return pot


def add_schema_messages(pot: Path) -> None:
    """Add the schema's interface labels (the session kinds) to a catalogue template extracted from the theme.

    The templates translate them from a variable (`_(SESSION_KIND_LABELS[kind])`), which extraction
    cannot see; the template is written back as pybabel writes it (sorted, no header, no locations).
    """
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as handle:
        catalogue = read_po(handle)
    for label in schema.SESSION_KIND_LABELS.values():
        if label not in catalogue:
            catalogue.add(label)
    with pot.open("wb") as handle:
        write_po(handle, catalogue, no_location=True, omit_header=True, sort_output=True)


def update_all() -> None:
    """Extract the theme's strings, merge them into each language's .po and compile them; then the editors'."""
    cfg, folder = CONFIG["babel_cfg"], CONFIG["translations"]
    pot = folder / "messages.pot"
    settings = read_settings(CONFIG["settings_base"], CONFIG["content"])
    # Templates are written in one language; only the others need a catalogue.
    source_lang = settings.get("I18N_TEMPLATES_LANG", "en")

    pybabel = _pybabel
    # The catalogue template is kept as the repository has it: sorted, with neither a header
    # (its creation date would change on every run) nor source locations (a template edit
    # would then rewrite it): a diff of it shows only strings that changed.
    theme = cfg.parent
    # With the forum plugin's own messages of the site (date patterns, exports' labels), read in the
    # same language's catalogue (babel.cfg's python section; NP_ is N_ with a context).
    pybabel(
        "extract",
        "--mapping-file",
        cfg.name,
        "--keyword",
        "NP_:1c,2",
        "--add-comments",
        "Translators:",
        "--output-file",
        str(pot.relative_to(theme)),
        "--no-location",
        "--sort-output",
        "--omit-header",
        ".",
        str(ROOT / "plugins" / "ssc_forum"),
        cwd=theme,
    )
    add_schema_messages(pot)
    for lang in (row["code"] for row in settings["LANGUAGES"]):  # a catalogue per language of the table
        if lang == source_lang:
            continue
        _update(pot, folder, lang, "messages")
    pybabel("compile", "--directory", str(folder), "--domain", "messages", "--statistics")
    editor_catalogue()
