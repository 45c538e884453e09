"""Shared fixtures: real builds of the site (and of small fixture sites) into temporary directories."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ssc_forum.incremental import ErrorCollector
from ssc_publish.revision import build_revision

ROOT = Path(__file__).resolve().parent.parent

# Every build of one test run names the same commit in version.txt (builds compared with each other
# must not differ because a commit landed between them): the one checked out when the run started.
os.environ.setdefault("SSC_REVISION", build_revision(ROOT))

# Editors read the content check in Korean unless the locale says English. Most tests assert the
# English texts (the message ids, stable and readable in a diff), so the suite runs with SSC_LANG=en,
# in this process and in every task and build it starts; the tests of the Korean output set the
# language themselves. Not an English locale: one that is not installed makes Pelican's setlocale fail.
os.environ["SSC_LANG"] = "en"


@pytest.fixture(autouse=True)
def _messages_language_reset():
    """A test that picks a language (`--lang` in-process) leaves the next one the locale's."""
    from ssc_forum import messages

    yield
    messages.use_language(None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup`, name each test's `xdist_group` in its node id, as pytest-xdist means to.

    pytest-xdist 3.8 writes the group into `item._nodeid`, which pytest 9 no longer reads (the id
    is `item._id`), so its scheduler never saw a group and spread a group's tests over the workers,
    each then making the group's builds again. This does the same renaming on the new attribute;
    it does nothing once pytest-xdist does it itself.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in the test summary how many hostile inputs of each class tests/test_hardening.py tried.

    Counted from the reports of the run, so that it also works when pytest-xdist workers ran them.
    """
    counts: Counter[str] = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", None) == "call" and nodeid.startswith(HOSTILE_INPUT_TEST + "["):
                counts[nodeid[len(HOSTILE_INPUT_TEST) + 1 :].split(": ", 1)[0]] += 1
    if counts:
        terminalreporter.write_line(
            "hostile inputs per class: "
            + ", ".join(f"{cls} {n}" for cls, n in counts.items())
            + f" (total {sum(counts.values())})"
        )


HOSTILE_INPUT_TEST = "tests/test_hardening.py::test_hostile_input_is_refused_by_check_and_build"


def build(output: Path, **overrides: Any) -> Path:
    """Build the site with pelicanconf.py (plus overrides) into `output`, in this process.

    Fails the test on any logged error, as the real build does with `--fatal errors`.
    """
    from pelican import Pelican
    from pelican.settings import read_settings

    from ssc_forum import subsites

    # The site as readers get it: without the preview's editor (admin/, no public page; tests/test_editor.py
    # and tests/browser/test_editor.py test it), unless a test asks for it.
    overrides.setdefault("EDITOR", False)
    if "FORUM" in overrides:  # the forum settings are one dict: override keys, keep the rest
        overrides["FORUM"] = {**read_settings(str(ROOT / "pelicanconf.py"))["FORUM"], **overrides["FORUM"]}
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "cache"), **overrides},
    )
    # Builds share this process: one that stopped (a test's deliberate mistake, a failed plugin) may
    # have left i18n-subsites' queue of sub-sites behind, and this build would inherit its languages.
    subsites.forget_unfinished()
    collector = ErrorCollector()
    logging.getLogger().addHandler(collector)
    try:
        Pelican(settings).run()
    finally:
        logging.getLogger().removeHandler(collector)
    if collector.messages:
        pytest.fail(f"the build into {output} logged errors:\n" + "\n".join(collector.messages))
    return output


def run_pelican(
    content: Path, output: Path, *extra: str, lang: str | None = "en", **env: str
) -> subprocess.CompletedProcess:
    """Build through the command line, as editors and CI do; returns the finished process.

    In English by default, as the rest of the suite; `lang=None` leaves the language to the locale
    (Korean unless `env` gives an English one), as in an editor's terminal.
    """
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-o",
            str(output),
            "--fatal",
            "errors",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={
            "COLUMNS": "400",
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "SSC_REVISION": os.environ["SSC_REVISION"],
            **({"SSC_LANG": lang} if lang else {}),
            **env,
        },
    )


def use_real_languages() -> None:
    """Give the date formatters and exports the real site's languages and catalogues, as a build's start does.

    For tests that call them outside a build (a build configures them from its own settings).
    """
    from pelican.settings import read_settings

    from ssc_forum import translations

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    translations.compile_catalogues(settings["I18N_GETTEXT_LOCALEDIR"], settings["I18N_GETTEXT_DOMAIN"])
    translations.configure(settings)


@pytest.fixture
def real_languages() -> None:
    """`use_real_languages` for one test."""
    use_real_languages()


def copy_content(dest: Path) -> Path:
    """A private copy of the real content folder, for tests that change it."""
    target = dest / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def copy_with_dotted_day(dest: Path) -> Path:
    """A copy of the real content with the Korean keynote's day written with dots (2020.09.23), a typical slip."""
    content = copy_content(dest)
    keynote = content / "sessions" / "keynote.ko.md"
    keynote.write_text(
        keynote.read_text(encoding="utf-8").replace("Day: 2020-09-23", "Day: 2020.09.23"), encoding="utf-8"
    )
    return content


def soup(path: Path) -> BeautifulSoup:
    """Parse one written HTML file."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once for the whole test session (read-only: the browser checks serve it too)."""
    return build(tmp_path_factory.mktemp("real") / "output")


@pytest.fixture(scope="session")
def subpath_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built for the sub-path it is published under (SITEURL /ssc2020), once per session.

    Read-only to its users, like `site`: the browser checks serve this very tree.
    """
    return build(tmp_path_factory.mktemp("real-subpath") / "output", SITEURL="/ssc2020")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture programme (exact times, parallel rooms, streams, recordings), built after the event."""
    from fixture_site import write_fixture_site

    base = tmp_path_factory.mktemp("fixture")
    content = write_fixture_site(base)
    return build(base / "output", PATH=str(content), FORUM={"phase": "after", "home_url": "https://example.org/forum"})
