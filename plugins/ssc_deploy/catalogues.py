"""The message catalogues: the theme's (`messages`) and the editors' (`editor`), extracted with Babel.

What the `translations` task does. Both templates are kept as the repository has them: sorted,
with neither a header (its creation date would change on every run) nor source locations (an
edit would then rewrite them), so a diff shows only messages that changed.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

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


EDITOR_SOURCES = (
    ROOT / "plugins" / "ssc_forum",
    ROOT / "plugins" / "ssc_deploy",
    ROOT / "plugins" / "ssc_theme",  # the identity settings' check
    ROOT / "plugins" / "ssc_editor" / "local.py",  # `edit`'s local backend
    ROOT / "plugins" / "ssc_publish" / "summary.py",  # the line a build ends with
    ROOT / "plugins" / "ssc_archive" / "provenance.py",  # `archive`'s commit and date
    ROOT / "tasks.py",
    ROOT / "make.py",  # a mistyped task or option
)
"""Where the editors' messages (`tr("…")`) are written: folders and single files, as Babel extracts them."""

HELP_SOURCES = (ROOT / "tasks.py", ROOT / "make.py")
"""Where the help's lines (`tr_help("…")`) are written; the tasks' docstrings are the rest of the help."""

KEYWORDS = {"editor": "tr", "help": "tr_help"}
"""The function each catalogue's messages are written with, by catalogue (gettext domain)."""


def task_docstrings(module: ModuleType) -> list[str]:
    """The docstrings of the tasks defined in `module` (tasks.py): their descriptions in `--help`."""
    from invoke import Task

    return [inspect.getdoc(value) or "" for value in vars(module).values() if isinstance(value, Task)]


def docstring_ids(docstrings: Iterable[str]) -> set[str]:
    """The help catalogue's ids of docstrings: one per paragraph (`messages.paragraphs`), as make.py looks them up."""
    from ssc_forum import messages

    return {paragraph for text in docstrings for paragraph in messages.paragraphs(text)}


def editor_catalogues(locale_dir: Path | None = None, docstrings: Iterable[str] = ()) -> list[Path]:
    """Extract the editors' messages and the tasks' help into their templates and merge them into each .po.

    `editor` holds `tr("…")` of `EDITOR_SOURCES`; `help` holds `tr_help("…")` of `HELP_SOURCES`
    and the paragraphs of `docstrings`. The ids are the English texts;
    `plugins/ssc_forum/locale/<lang>/LC_MESSAGES/<domain>.po` holds the other languages. Like the
    theme's template, a `.pot` here has no header and no locations, so its diff shows only
    messages that changed; the .po files are read as they are (no .mo to compile).
    """
    from ssc_forum import messages

    folder = locale_dir or CONFIG["editor_locale"]
    written = []
    for domain, sources, extra in (
        (messages.DOMAIN, EDITOR_SOURCES, set()),
        (messages.HELP_DOMAIN, HELP_SOURCES, docstring_ids(docstrings)),
    ):
        pot = folder / f"{domain}.pot"
        _pybabel(
            "extract",
            "--no-default-keywords",
            "--keyword",
            KEYWORDS[domain],
            "--no-location",
            "--sort-output",
            "--omit-header",
            "--output-file",
            str(pot),
            *(str(source) for source in sources),
        )
        _add_messages(pot, extra)
        for lang in messages.LANGUAGES:
            if lang == "en":  # the ids are English
                continue
            _update(pot, folder, lang, domain, "--omit-header")
        written.append(pot)
    return written


def _add_messages(pot: Path, ids: Iterable[str]) -> None:
    """Add message ids that extraction cannot see to a catalogue template, written back as pybabel writes it."""
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as handle:
        catalogue = read_po(handle)
    for msgid in ids:
        if msgid not in catalogue:
            catalogue.add(msgid)
    with pot.open("wb") as handle:
        write_po(handle, catalogue, no_location=True, omit_header=True, sort_output=True)


def add_schema_messages(pot: Path) -> None:
    """Add the schema's interface labels (the session kinds) to a catalogue template extracted from the theme.

    The templates translate them from a variable (`_(SESSION_KIND_LABELS[kind])`), which extraction
    cannot see.
    """
    _add_messages(pot, schema.SESSION_KIND_LABELS.values())


def update_all(task_docs: Iterable[str] = ()) -> None:
    """Extract the theme's strings, merge them into each language's .po and compile them; then the editors'.

    `task_docs` are the tasks' docstrings, which the help catalogue holds paragraph by paragraph.
    """
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
    editor_catalogues(docstrings=task_docs)
