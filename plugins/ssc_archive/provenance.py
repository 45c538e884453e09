"""Which source a package is made from, and the date it carries.

The date of every record and of the package is the commit's (`git log -1 --format=%cI`), or
`SOURCE_DATE_EPOCH` when set (the reproducible-builds convention): never the clock, so the same
commit gives the same package. A working tree with changes that are not committed is marked as
such (`-modified` in the file name, "with local changes" in the description): such a package
does not match its commit and should not be handed over as if it did.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ssc_forum.messages import tr


class ProvenanceError(RuntimeError):
    """Neither git nor SOURCE_DATE_EPOCH can say what the package is made from."""


@dataclass(frozen=True)
class Provenance:
    """The commit a package is made from and the date its records carry."""

    commit: str
    """Full commit id ("" outside a git checkout)."""
    date: datetime
    """The capture date, in UTC, to the second."""
    modified: bool = False
    """The working tree had changes that are not committed."""

    @property
    def short(self) -> str:
        """The abbreviated commit id, as `git log --oneline` shows it."""
        return self.commit[:7]

    @property
    def timestamp(self) -> str:
        """The date as a 14-digit web-archive timestamp (YYYYMMDDhhmmss)."""
        return self.date.strftime("%Y%m%d%H%M%S")

    @property
    def iso(self) -> str:
        """The date as ISO 8601 in UTC (`2020-10-01T09:00:00Z`)."""
        return self.date.strftime("%Y-%m-%dT%H:%M:%SZ")

    def package_name(self, prefix: str) -> str:
        """`<prefix>-<YYYYMMDD>-<short commit>[-modified].wacz`."""
        parts = [prefix, self.date.strftime("%Y%m%d"), *([self.short] if self.commit else [])]
        if self.modified:
            parts.append("modified")
        return "-".join(parts) + ".wacz"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def read_provenance(root: Path, environ: dict[str, str] | None = None) -> Provenance:
    """The commit checked out in `root`, its date (or SOURCE_DATE_EPOCH's), and whether it was changed."""
    env = os.environ if environ is None else environ
    line = _git(root, "log", "-1", "--format=%H %cI")
    commit, _, committed = line.partition(" ") if line else ("", "", "")
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            date = datetime.fromtimestamp(int(epoch), UTC)
        except ValueError:
            raise ProvenanceError(tr("SOURCE_DATE_EPOCH={value!r} is not a number of seconds", value=epoch)) from None
    elif committed:
        date = datetime.fromisoformat(committed).astimezone(UTC)
    else:
        raise ProvenanceError(
            tr("{folder} is not a git checkout: set SOURCE_DATE_EPOCH to date the archive", folder=root)
        )
    modified = bool(commit) and bool(_git(root, "status", "--porcelain"))
    return Provenance(commit=commit, date=date.replace(microsecond=0), modified=modified)
