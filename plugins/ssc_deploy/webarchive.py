"""The web archive of the published site: one WACZ package, built, checked and written as `archive` does."""

from __future__ import annotations

import shutil
from pathlib import Path

from invoke import Exit

from ssc_forum.messages import render, tr

from . import sanity
from .project import CONFIG, ROOT, build_site, read_settings

ARCHIVE_OUTPUT = ROOT / "output-archive"
"""Where `archive` writes its package unless told otherwise."""


def archive_site(out_dir: Path, *, content: Path) -> Path:
    """Build with publishconf.py, check the tree as `publish` does, and write its WACZ into `out_dir`.

    Returns the package's path. A failed build or check raises Exit and leaves no package.
    """
    from ssc_archive import contenttypes, package, provenance

    from . import nginx as ngx

    try:
        source = provenance.read_provenance(ROOT)
    except provenance.ProvenanceError as exc:
        raise Exit(render(tr("No archive: {reason}", reason=exc)), code=1) from None
    settings = read_settings(CONFIG["settings_publish"], content)
    staging = build_site(out_dir, settings_file=CONFIG["settings_publish"], content=content)
    try:
        problems = sanity.check_tree(staging, settings["SITEURL"])
        if problems:
            print("\n".join(problems))
            raise Exit(render(tr("No archive: {count} problem(s) in the built site.", count=len(problems))), code=1)
        return package.make_package(
            staging,
            out_dir,
            site=package.SiteDescription.from_settings(settings),
            provenance=source,
            types=contenttypes.load(ngx.TEMPLATE),
        )
    except (package.ArchiveError, contenttypes.ConfigError) as exc:
        raise Exit(render(tr("No archive: {reason}", reason=exc)), code=1) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
