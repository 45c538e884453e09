"""The project as the tasks see it: its folders and settings files, and a Pelican build of it.

Shared by `tasks.py` (the invoke tasks) and `ssc_deploy.publishing` (publishing and the web
archive): the addresses a task defaults to (`CONFIG`, which the tests point elsewhere), reading
the settings, one build in a child process, the content check and where a publish goes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from invoke import Exit

from ssc_forum.messages import LANGUAGE_VARIABLE, current_language, render, tr

from . import deploy

ROOT = Path(__file__).resolve().parents[2]
"""The checkout: the folder of tasks.py, the settings, content/ and plugins/."""

SUBPATH = "/ssc2020"
"""Where the site lives on its host; `--subpath` builds and previews use it too."""

CONFIG: dict[str, Any] = {
    "settings_base": ROOT / "pelicanconf.py",
    "settings_publish": ROOT / "publishconf.py",
    "content": ROOT / "content",
    "output": ROOT / "output",
    "translations": ROOT / "theme" / "translations",
    "babel_cfg": ROOT / "theme" / "babel.cfg",
    "editor_locale": ROOT / "plugins" / "ssc_forum" / "locale",
    "host": os.environ.get("SSC_HOST", "127.0.0.1"),
    "port": int(os.environ.get("SSC_PORT", "8000")),
}


def option_path(value: str | Path | None, default_key: str) -> Path:
    """A folder or file a task was given (made absolute), else its default from `CONFIG`."""
    return Path(value).absolute() if value else CONFIG[default_key]


def read_settings(settings_file: Path, content: Path) -> dict[str, Any]:
    """Pelican's settings from `settings_file`, with `content` as the content folder."""
    from pelican.settings import read_settings as pelican_settings

    # Reading the local settings warns that feeds need a SITEURL: true for a build, noise for a check.
    logging.getLogger("pelican.settings").setLevel(logging.ERROR)
    return pelican_settings(str(settings_file), override={"PATH": str(content)})


def run_pelican(
    settings_file: Path,
    output: Path,
    content: Path,
    overrides: dict[str, Any] | None = None,
    revision: str | None = None,
) -> bool:
    """Run one Pelican build (`--fatal errors`) in a child process; True when it succeeded.

    A child process, as the command line would: every build starts from fresh plugin state,
    and a crash cannot leave this process half-configured. It is Pelican's command line with
    both cores at work (`ssc_forum.parallel`: the English site is written by a second process),
    whose output is byte-identical to `pelican`'s (tests/test_incremental.py). `revision`, when
    given, is what `version.txt` says.
    """
    cmd = [
        sys.executable,
        "-m",
        "ssc_deploy.guard",
        sys.executable,
        "-m",
        "ssc_forum.parallel",
        str(content),
        "-s",
        str(settings_file),
        "-o",
        str(output),
        "--fatal",
        "errors",
    ]
    if overrides:
        cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    env = dict(os.environ)
    # The build's content errors are printed by the child: in the language this process speaks
    # (a task's --lang included).
    env[LANGUAGE_VARIABLE] = current_language()
    if revision:
        env["SSC_REVISION"] = revision
    # Its own process group: a Ctrl+C or SIGTERM sent to ours (make.py passes them on) must not
    # reach it mid-import, where Python prints a traceback. This process stops it instead, with
    # its workers and the English site's process, and then passes the stop on. The guard
    # between the two stops that group too if this process is killed outright.
    build = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        return build.wait() == 0
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGTERM)
        build.wait()
        raise


def build_site(output: Path, *, settings_file: Path, content: Path, overrides: dict[str, Any] | None = None) -> Path:
    """Build into a fresh directory beside `output`; return it. Raise Exit (and delete it) on failure."""
    staging = deploy.staging_dir(output, "site")
    started = time.monotonic()
    if not run_pelican(settings_file, staging, content, overrides):
        shutil.rmtree(staging, ignore_errors=True)
        raise Exit(render(tr("Build failed: {output} was left as it was.", output=output)), code=1)
    print(render(tr("Built in {seconds:.1f} s.", seconds=time.monotonic() - started)))
    return staging


def content_problems(content: Path) -> list[str]:
    """The content check of the forum plugin: the build's own validation, without building."""
    from ssc_forum.content import check_content

    return check_content(read_settings(CONFIG["settings_base"], content))


def content_problem_list(content: Path) -> list:
    """The same check as `content_problems`, as `ssc_forum.problems.Problem`s (file, field, line, message)."""
    from ssc_forum.content import find_problems

    return find_problems(read_settings(CONFIG["settings_base"], content))


def publish_target(target: str | None, rsync: str | None) -> tuple[Path | None, str | None]:
    """The publish destination: options first, then the environment, then publishconf.py."""
    target = target or os.environ.get("SSC_PUBLISH_DIR")
    rsync = rsync or os.environ.get("SSC_PUBLISH_RSYNC")
    if not target and not rsync:
        settings = read_settings(CONFIG["settings_publish"], CONFIG["content"])
        target = settings.get("PUBLISH_DIR")
        rsync = settings.get("PUBLISH_RSYNC")
    if bool(target) == bool(rsync):
        raise Exit(
            render(
                tr(
                    "Say where to publish: exactly one of --target DIR / SSC_PUBLISH_DIR / PUBLISH_DIR "
                    "or --rsync [user@host:]/path / SSC_PUBLISH_RSYNC / PUBLISH_RSYNC."
                )
            ),
            code=2,
        )
    return (Path(target).absolute() if target else None), rsync


def existing_static_paths(content: Path) -> list[str]:
    """Pelican's options naming only the static folders that exist (none: no option).

    Pelican's autoreload warns about every static folder it cannot watch, and the real content has
    no `images/` (no portraits are published): a warning an editor would take for a fault. The
    content folder itself is watched whole, so a folder made later starts a rebuild; its files are
    copied as static files once `regenerate` is started again.
    """
    declared = read_settings(CONFIG["settings_base"], content).get("STATIC_PATHS") or []
    present = [p for p in declared if (content / p).exists()]
    return [] if present == list(declared) else ["--extra-settings", f"STATIC_PATHS={json.dumps(present)}"]
