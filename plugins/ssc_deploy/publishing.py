"""Publishing the site: what the `publish` task does.

A publish checks the content, builds with publishconf.py (or takes a tree built already), checks
the built tree and only then replaces what is served (`deploy`). Failures raise invoke's `Exit`
with one line.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from invoke import Exit

from ssc_forum.messages import render, tr

from . import deploy, sanity
from .project import CONFIG, ROOT, content_problems, read_settings, run_pelican


def release_for(source: Path, *, allow_dirty: bool) -> str:
    """The name of an rsync release of the checkout at `source`; Exit if it has uncommitted changes.

    A release is named after its commit, so a build with changes no commit holds is refused
    unless `allow_dirty`, and then named `...-dirty` so nobody mistakes it for that commit.
    """
    state = deploy.source_state(source)
    if state.dirty and not allow_dirty:
        shown = ", ".join(state.changes[:5])
        if len(state.changes) > 5:
            shown += render(tr(" and {count} more", count=len(state.changes) - 5))
        raise Exit(
            render(
                tr(
                    "Not published: the working tree differs from commit {revision} ({changes}). Commit the "
                    "changes, or publish anyway with --allow-dirty (the release is then named …-dirty).",
                    revision=state.revision or "(none)",
                    changes=shown,
                )
            ),
            code=1,
        )
    return deploy.release_name(state.revision, dirty=state.dirty)


def copy_site(site: Path, staging: Path) -> None:
    """Copy a built tree into `staging`, times kept (they make the ETags); the first failure stops it.

    (`shutil.copytree` would go on after a full disk and report every file.) Links are copied
    as links, for the check to refuse.
    """
    for folder, dirs, files in os.walk(site):
        into = staging / Path(folder).relative_to(site)
        into.mkdir(exist_ok=True)
        for name in dirs + files:
            source = Path(folder, name)
            if source.is_symlink():
                (into / name).symlink_to(os.readlink(source))
                if name in dirs:
                    dirs.remove(name)
            elif name in files:
                if not source.is_file():  # a pipe would block the copy; a device is never published
                    raise Exit(
                        render(
                            tr(
                                "Not published: {path} is not a regular file; nothing that is served changed.",
                                path=source,
                            )
                        ),
                        code=1,
                    )
                shutil.copy2(source, into / name)


def source_revision(source: Path) -> str:
    """What `version.txt` of a publish of the checkout at `source` says: its commit, `-dirty` with changes.

    The commit comes from the CI's variable or git (`ssc_publish.revision`); a working tree that
    differs from it adds `-dirty`, so `smoke --revision <commit>` cannot pass against that build.
    """
    from ssc_publish.revision import build_revision

    revision = build_revision(source)
    return f"{revision}-dirty" if deploy.source_state(source).dirty else revision


def publish_site(
    *,
    target: Path | None,
    rsync: str | None,
    content: Path,
    allow_dirty: bool = False,
    source: Path = ROOT,
    site: Path | None = None,
) -> str:
    """Build the published site, check it, then replace what is served; return where it went.

    Order, all under the target's lock: content check, build with publishconf.py into a fresh
    folder (the build repeats the content validation), check of the built tree (links, pages,
    no symbolic link, device or hidden file), its manifest; only then the swap (local folder) or
    the release switch (rsync). Any failure, or SIGINT/SIGTERM before the swap, raises Exit and
    leaves the served site untouched. An rsync release of a checkout (`source`) with
    uncommitted changes needs `allow_dirty`. With `site`, that tree (made by `build --publish`,
    e.g. the pipeline's tested artifact) is published instead of a new build, after the same check.
    """
    release = release_for(source, allow_dirty=allow_dirty) if rsync else ""
    settings = read_settings(CONFIG["settings_publish"], content)
    if site is not None:
        if not (site / "index.html").is_file():
            raise Exit(
                render(
                    tr(
                        "Not published: {site} is not a built site (no index.html); build it with "
                        "`python3 make.py build --publish --output DIR`.",
                        site=site,
                    )
                ),
                code=1,
            )
        # An artifact of another commit would go online under this commit's name (and its release's).
        built = (site / "version.txt").read_text(encoding="utf-8").strip() if (site / "version.txt").is_file() else ""
        expected = source_revision(source)
        if built != expected:
            raise Exit(
                render(
                    tr(
                        "Not published: {site} was built from {built}, not from {expected} (the commit being "
                        "published); nothing that is served changed.",
                        site=site,
                        built=built or tr("an unknown commit"),
                        expected=expected,
                    )
                ),
                code=1,
            )

    def build_into(staging: Path) -> None:
        if site is not None:
            from ssc_publish.validators import set_content_mtimes

            copy_site(site, staging)
            # A CI artifact may come back with the times of its download: the times the build
            # gives (they make the ETags) are computed from the content, so they are given again.
            set_content_mtimes(staging)
            return
        problems = content_problems(content)
        if problems:
            print("\n".join(problems))
            raise Exit(render(tr("Not published: {count} problem(s) in the content.", count=len(problems))), code=1)
        started = time.monotonic()
        if not run_pelican(CONFIG["settings_publish"], staging, content, revision=source_revision(source)):
            if deploy.no_space_left(staging):  # the build's own error above is a traceback: say it plainly
                raise Exit(
                    render(
                        tr(
                            "Not published: {target}: No space left on device (the build filled the disk at "
                            "{folder}); nothing that is served changed.",
                            target=target or rsync,
                            folder=staging.parent,
                        )
                    ),
                    code=1,
                )
            raise Exit(render(tr("Not published: the build failed; nothing that is served changed.")), code=1)
        print(render(tr("Built in {seconds:.1f} s.", seconds=time.monotonic() - started)))

    try:
        # An rsync release is staged (and locked) beside the output folder of the checkout it comes from.
        beside = target or (CONFIG["output"] if source == ROOT else source / CONFIG["output"].relative_to(ROOT))
        done = deploy.publish(
            target=target,
            rsync=rsync,
            beside=beside,
            build=build_into,
            check=lambda tree: sanity.check_tree(tree, settings["SITEURL"]),
            release=release,
        )
    except deploy.CheckFailed as exc:
        print("\n".join(exc.problems))
        raise Exit(render(tr("Not published: {reason}.", reason=exc)), code=1) from None
    except deploy.Interrupted as exc:
        if exc.published:
            raise Exit(
                render(tr("Published, then {reason}: {target} serves the new site.", reason=exc, target=target)),
                code=128 + exc.signum,
            ) from None
        raise Exit(
            render(tr("Not published: {reason}; nothing that is served changed.", reason=exc)), code=128 + exc.signum
        ) from None
    except deploy.Unfinished as exc:
        raise Exit(render(tr("Published, but not finished: {reason}.", reason=exc)), code=1) from None
    except deploy.PublishError as exc:
        raise Exit(render(tr("Not published: {reason}", reason=exc)), code=1) from None
    for path in done.removed:
        print(
            render(tr("Removed {name}, left beside the target by a publish or build that was stopped.", name=path.name))
        )
    if done.previous:
        return render(tr("{where}; the site before is in {previous}", where=done.where, previous=done.previous))
    return done.where


def rollback_site(dest_dir: Path | None, dest_rsync: str | None) -> list[str]:
    """Serve the site published before the last one again, on a local folder or an rsync target; what to print.

    Under the target's lock, as a publish: only a whole tree goes back online. Exit with one line
    when nothing was rolled back.
    """
    lines: list[str] = []
    try:
        if dest_dir:
            dest_dir = deploy.resolve_target(dest_dir)
            lock = deploy.lock_path(dest_dir)
        else:
            assert dest_rsync is not None  # publish_target gives exactly one of the two
            lock = deploy.rsync_lock_path(dest_rsync, CONFIG["output"])
        with deploy.publish_lock(lock):
            if dest_dir:
                deploy.rollback_tree(dest_dir)
                lines.append(
                    render(
                        tr(
                            "Rolled back: {target} now serves what {previous} held, and vice versa.",
                            target=dest_dir,
                            previous=deploy.previous_path(dest_dir),
                        )
                    )
                )
            else:
                assert dest_rsync is not None
                lines.append(
                    render(tr("Rolled back: current is {release}", release=deploy.rollback_release(dest_rsync)))
                )
        for path in deploy.stale_leftovers(dest_dir or CONFIG["output"]):
            lines.append(
                render(
                    tr(
                        "Left over beside the target by a stopped publish (`publish` or `clean` removes it): {path}",
                        path=path,
                    )
                )
            )
    except deploy.PublishError as exc:
        raise Exit(str(exc), code=1) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(dest_dir) else ""
        raise Exit(
            render(
                tr(
                    "Not rolled back: {target}: {reason}{where}; nothing that is served changed.",
                    target=dest_dir or dest_rsync,
                    reason=exc.strerror or exc,
                    where=where,
                )
            ),
            code=1,
        ) from None
    return lines
