"""Which commit a build was made from: `version.txt` at the site's root.

The pipeline's smoke check reads it from the live site to see that the new release is the
one being served. The commit comes from the build's environment (`SSC_REVISION`, else the
CI's own variable: `GITHUB_SHA` on GitHub Actions, `CI_COMMIT_SHA` on GitLab CI), else from
git; a build outside a repository says `unknown`. One commit gives one file: builds stay
byte-identical for a given commit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ENV_VARS = ("SSC_REVISION", "GITHUB_SHA", "CI_COMMIT_SHA")
"""Environment variables that name the commit being built, first found wins."""

FILE_NAME = "version.txt"
UNKNOWN = "unknown"


def build_revision(source: Path, environ: dict[str, str] | None = None) -> str:
    """The full commit id the build is made from: the environment first, then `git` in `source`."""
    env = os.environ if environ is None else environ
    for name in ENV_VARS:
        value = env.get(name, "").strip()
        if value:
            return value
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return UNKNOWN
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else UNKNOWN


def write_version_file(root: Path, revision: str) -> Path:
    """Write `version.txt` (the commit id and a newline) at the root of the built site."""
    path = root / FILE_NAME
    path.write_text(revision + "\n", encoding="utf-8")
    return path
