"""Tasks for the forum archive: build, preview, check, scaffold, translate and publish.

Run `invoke --list` for the list and `invoke --help TASK` for a task's options.
Settings come from `pelicanconf.py` (local build) and `publishconf.py` (published build);
the publish target and the preview address can also be given by environment variables:

    SSC_PUBLISH_DIR    local directory the web server serves (swapped in by rename)
    SSC_PUBLISH_RSYNC  [user@host:]/path of an rsync target (releases + `current` symlink)
    SSC_HOST, SSC_PORT address of the preview servers (default 127.0.0.1:8000; port 0 takes a free one)
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

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
# The plugins folder is not a package on the path; tasks share its schema and publishing code.
sys.path.insert(0, str(ROOT / "plugins"))

from ssc_deploy import deploy, sanity  # noqa: E402
from ssc_forum import guide, schema  # noqa: E402

SUBPATH = "/ssc2020"
"""Where the site lives on its host; `--subpath` builds and previews use it too."""

CONFIG: dict[str, Any] = {
    "settings_base": ROOT / "pelicanconf.py",
    "settings_publish": ROOT / "publishconf.py",
    "content": ROOT / "content",
    "output": ROOT / "output",
    "translations": ROOT / "theme" / "translations",
    "babel_cfg": ROOT / "theme" / "babel.cfg",
    "host": os.environ.get("SSC_HOST", "127.0.0.1"),
    "port": int(os.environ.get("SSC_PORT", "8000")),
}


# --- helpers ----------------------------------------------------------------------------------


def _path(value: str | Path | None, default_key: str) -> Path:
    return Path(value).absolute() if value else CONFIG[default_key]


def _read_settings(settings_file: Path, content: Path) -> dict[str, Any]:
    from pelican.settings import read_settings

    # Reading the local settings warns that feeds need a SITEURL: true for a build, noise for a check.
    logging.getLogger("pelican.settings").setLevel(logging.ERROR)
    return read_settings(str(settings_file), override={"PATH": str(content)})


def run_pelican(settings_file: Path, output: Path, content: Path, overrides: dict[str, Any] | None = None,
                revision: str | None = None) -> bool:
    """Run one Pelican build (`--fatal errors`) in a child process; True when it succeeded.

    A child process, as the command line would: every build starts from fresh plugin state,
    and a crash cannot leave this process half-configured. It is Pelican's command line with
    both cores at work (`ssc_forum.parallel`: the English site is written by a second process),
    whose output is byte-identical to `pelican`'s (tests/test_incremental.py). `revision`, when
    given, is what `version.txt` says.
    """
    cmd = [sys.executable, "-m", "ssc_deploy.guard", sys.executable, "-m", "ssc_forum.parallel", str(content),
           "-s", str(settings_file), "-o", str(output), "--fatal", "errors"]
    if overrides:
        cmd += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "plugins"),
                                                                     os.environ.get("PYTHONPATH")]))}
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
        raise Exit(f"Build failed: {output} was left as it was.", code=1)
    print(f"Built in {time.monotonic() - started:.1f} s.")
    return staging


def content_problems(content: Path) -> list[str]:
    """The content check of the forum plugin: the build's own validation, without building."""
    from ssc_forum.content import check_content

    return check_content(_read_settings(CONFIG["settings_base"], content))


def content_problem_list(content: Path) -> list:
    """The same check as `content_problems`, as `ssc_forum.problems.Problem`s (file, field, line, message)."""
    from ssc_forum.content import find_problems

    return find_problems(_read_settings(CONFIG["settings_base"], content))


def _publish_target(target: str | None, rsync: str | None) -> tuple[Path | None, str | None]:
    """The publish destination: options first, then the environment, then publishconf.py."""
    target = target or os.environ.get("SSC_PUBLISH_DIR")
    rsync = rsync or os.environ.get("SSC_PUBLISH_RSYNC")
    if not target and not rsync:
        settings = _read_settings(CONFIG["settings_publish"], CONFIG["content"])
        target = settings.get("PUBLISH_DIR")
        rsync = settings.get("PUBLISH_RSYNC")
    if bool(target) == bool(rsync):
        raise Exit("Say where to publish: exactly one of --target DIR / SSC_PUBLISH_DIR / PUBLISH_DIR "
                   "or --rsync [user@host:]/path / SSC_PUBLISH_RSYNC / PUBLISH_RSYNC.", code=2)
    return (Path(target).absolute() if target else None), rsync


def _serve(output: Path, prefix: str) -> None:
    from ssc_deploy.devserver import make_server

    server = make_server(output, prefix=prefix, host=CONFIG["host"], port=CONFIG["port"])
    # The request lines go to a logger (quiet in tests); whoever runs a preview by hand sees them.
    requests = logging.getLogger("ssc_deploy.devserver")
    requests.setLevel(logging.INFO)
    requests.addHandler(logging.StreamHandler())
    print(f"Serving {output} at http://{CONFIG['host']}:{CONFIG['port']}{prefix}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# --- building and previewing -----------------------------------------------------------------


@task(help={"output": "folder to clean (default: output)"})
def clean(c: Context, output: str | None = None) -> None:
    """Remove the built site, left-over staging folders of failed or stopped builds, and the cache."""
    out = _path(output, "output")
    leftovers = [out, *out.parent.glob(f"{deploy.STAGING_PREFIX}*")]
    if out == CONFIG["output"]:
        leftovers.append(ROOT / "cache")  # Pelican's content cache, if it was ever turned on
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)


@task(help={
    "subpath": f"build for the site's real path ({SUBPATH}/), as `preview` and nginx serve it",
    "publish": "build with publishconf.py (absolute addresses), as `publish` does, e.g. for a CI artifact",
    "output": "folder to build into (default: output)",
    "content": "content folder (default: content)",
})
def build(c: Context, subpath: bool = False, publish: bool = False, output: str | None = None,
          content: str | None = None) -> None:
    """Build the site into output/, all at once: a failed build leaves the previous output/ as it was.

    The site is built into a fresh folder beside output/ and swapped in by a rename only when
    Pelican succeeded (content errors stop it before anything is written).
    """
    if publish and subpath:
        raise Exit("--publish builds for the published address already; leave out --subpath.", code=2)
    out = _path(output, "output")
    staging = build_site(out, settings_file=CONFIG["settings_publish" if publish else "settings_base"],
                         content=_path(content, "content"), overrides={"SITEURL": SUBPATH} if subpath else None)
    deploy.install_tree(staging, out, keep_previous=False)


@task(help={"subpath": f"build for {SUBPATH}/", "output": "folder (default: output)"})
def rebuild(c: Context, subpath: bool = False, output: str | None = None) -> None:
    """Clean, then build from scratch."""
    clean(c, output=output)
    build(c, subpath=subpath, output=output)


@task
def regenerate(c: Context) -> None:
    """Rebuild output/ whenever a file changes (Pelican's autoreload; writes in place, not atomically)."""
    subprocess.run([sys.executable, "-m", "pelican", "-r", str(CONFIG["content"]), "-s",
                    str(CONFIG["settings_base"]), "-o", str(CONFIG["output"])], cwd=ROOT, check=False)


@task(help={"subpath": f"serve at {SUBPATH}/ (for a --subpath build)", "output": "folder (default: output)"})
def serve(c: Context, subpath: bool = False, output: str | None = None) -> None:
    """Serve output/ at http://127.0.0.1:8000/ (SSC_HOST, SSC_PORT change it), with the 404 pages."""
    _serve(_path(output, "output"), SUBPATH if subpath else "")


@task(help={"subpath": f"build and serve at {SUBPATH}/"})
def reserve(c: Context, subpath: bool = False) -> None:
    """Build, then serve."""
    build(c, subpath=subpath)
    serve(c, subpath=subpath)


@task
def preview(c: Context) -> None:
    """Build the site as it will be published, under /ssc2020/, and serve it at http://127.0.0.1:8000/ssc2020/."""
    build(c, subpath=True)
    serve(c, subpath=True)


@task(help={"content": "content folder (default: content)", "output": "folder to build into (default: output)"})
def livereload(c: Context, content: str | None = None, output: str | None = None) -> None:
    """Serve the site at http://127.0.0.1:8000/ and bring the open page up to date whenever a file is saved.

    Saved files are noticed at once (the system's file events); an edit of a session, speaker,
    city case or page rewrites only the pages it changes (ssc_forum.incremental), and the open
    page reloads as soon as they are written. A saved mistake keeps the last good pages and shows
    its problems over the page, until the file is fixed. The search index, sitemap and .gz copies
    follow once you stop saving. Other content, the theme and the settings rebuild everything;
    changed plugin code restarts the task, so that the new code is the one running.
    """
    outcome = _live_preview(content, output)
    if outcome == "restart":
        print("Plugin code changed: restarting to load it.", flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def _live_preview(content: str | None, output: str | None) -> str:
    """Serve and keep up to date until stopped; "restart" when changed plugin code needs a new process."""
    from ssc_deploy.livepreview import Preview

    out = _path(output, "output")
    preview = Preview(CONFIG["settings_base"], _path(content, "content"), out,
                      watched=[_path(content, "content"), ROOT / "theme", ROOT / "plugins", CONFIG["settings_base"]],
                      plugins=ROOT / "plugins", host=CONFIG["host"], port=CONFIG["port"])
    outcome = "stopped"
    try:
        print(f"Serving {out} at {preview.url} (Ctrl+C stops)", flush=True)
        preview.start()  # serves the last build on disk, if any, while the first build runs
        outcome = preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    if preview.nothing_to_serve:
        raise Exit("Build failed: nothing to serve.", code=1)
    return outcome


@task(help={"output": "folder to build into (default: output)"})
def edit(c: Context, output: str | None = None) -> None:
    """Edit in the browser: the editor at http://127.0.0.1:8000/admin/ beside the live preview.

    The editor's local backend (decap-server, from the pinned npm package) runs on
    127.0.0.1:8081 and writes the files of content/ directly; the live preview notices each save
    and the open page shows it a moment later. Nothing is committed: review the changes with
    git (or hand them to someone who does) as with any edit. Ctrl+C stops both.
    """
    from ssc_editor.config import editor_settings
    from ssc_editor.local import LocalBackend, LocalBackendError

    port = editor_settings(_read_settings(CONFIG["settings_base"], CONFIG["content"]))["local_backend_port"]
    backend = LocalBackend(ROOT, port=port)
    try:
        backend.start()
    except LocalBackendError as exc:
        raise Exit(f"edit: {exc}", code=1) from None
    try:
        print(f"Editor: http://{CONFIG['host']}:{CONFIG['port']}/admin/ (saves go to content/ through "
              f"{backend.url})", flush=True)
        outcome = _live_preview(None, output)
    finally:
        backend.stop()  # also before a restart: the new process starts its own
    if outcome == "restart":
        print("Plugin code changed: restarting to load it.", flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


# --- content ---------------------------------------------------------------------------------


CHECK_FORMATS = ("text", "github", "gitlab")
"""How `check` reports: lines for people, GitHub workflow commands, a GitLab Code Quality file."""


@task(help={
    "content": "content folder (default: content)",
    "format": "text (default), github (::error annotations on the pull request's lines) or gitlab "
              "(a Code Quality report file for the merge request)",
    "output": "the report file of --format gitlab (default: gl-code-quality-report.json)",
})
def check(c: Context, content: str | None = None, format: str = "text", output: str | None = None) -> None:
    """Check the content only, fast: the same problems the build reports, and a non-zero exit if any."""
    from ssc_deploy import ci_reports

    if format not in CHECK_FORMATS:
        raise Exit(f"--format {format!r}: one of {', '.join(CHECK_FORMATS)}", code=2)
    started = time.monotonic()
    problems = content_problem_list(_path(content, "content"))
    lines = [str(p) for p in problems]
    if format == "github":
        lines = ci_reports.github_annotations(problems)
    elif format == "gitlab":
        report = Path(output or "gl-code-quality-report.json").absolute()
        report.write_text(ci_reports.gitlab_report_json(problems), encoding="utf-8")
        print(f"Wrote {report.name} ({len(problems)} problem(s)).")
    for line in lines:
        print(line)
    if problems:
        raise Exit(f"{len(problems)} problem(s) in the content.", code=1)
    print(f"Content is fine (checked in {time.monotonic() - started:.1f} s).")


def scaffold(kind: str, slug: str, values: dict[str, str], content: Path) -> list[Path]:
    """Write a new record of content type `kind` in every language; return the files written.

    Fields come from the schema: the slug and language are filled in, so are the fields given
    in `values` (checked against their kind), and every other required field is written with
    an empty value. The build and `invoke check` refuse empty required fields and name each one,
    so a half-filled file can never be published by mistake. Optional fields are left out.
    """
    ctype = schema.BY_NAME.get(kind)
    if ctype is None:
        raise ValueError(f"unknown content type {kind!r} (one of: {', '.join(schema.BY_NAME)})")
    schema.SLUG.parse(slug)  # type: ignore[operator]
    for name, value in values.items():
        declared = ctype.field(name)
        if declared is None or name in ("slug", "lang"):
            raise ValueError(f"{name!r} is not a field you can set for a {kind} "
                             f"(fields: {', '.join(f.name for f in ctype.fields)})")
        declared.kind.parse(value)  # type: ignore[operator]
        if declared.choices and value not in declared.choices:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(declared.choices)}")
    paths = [content / ctype.folder / f"{slug}.{lang}.md" for lang in schema.LANGS]
    existing = [p for p in paths if p.exists()]
    if existing:
        raise FileExistsError(f"already there: {', '.join(str(p) for p in existing)}")
    for lang, path in zip(schema.LANGS, paths, strict=True):
        lines = []
        for f in ctype.fields:
            if f.name == "slug":
                value = slug
            elif f.name == "lang":
                value = lang
            elif f.name in values:
                value = values[f.name]
            elif f.required:
                value = ""
            else:
                continue
            lines.append(f"{f.name.capitalize()}: {value}".rstrip())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return paths


@task(
    iterable=["field"],
    help={
        "kind": f"content type: {', '.join(schema.BY_NAME)}",
        "slug": "the new record's slug (a-z, 0-9, hyphens), the same in both languages",
        "field": "a field to fill in, NAME=VALUE (repeat for more), e.g. --field day=2020-09-23",
        "content": "content folder (default: content)",
    },
)
def new(c: Context, kind: str, slug: str, field: list[str] | None = None, content: str | None = None) -> None:
    """Start a new session, speaker, city case or page in both languages, with the fields it needs.

    Required fields you do not give are written empty: `invoke check` lists them until filled.
    """
    values: dict[str, str] = {}
    for item in field or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise Exit(f"--field {item!r}: write NAME=VALUE", code=2)
        values[name.strip().lower()] = value.strip()
    try:
        paths = scaffold(kind, slug, values, _path(content, "content"))
    except (ValueError, FileExistsError) as exc:
        raise Exit(str(exc), code=2) from None
    ctype = schema.BY_NAME[kind]
    for path in paths:
        print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    empty = [f.name for f in ctype.fields if f.required and f.name not in values and f.name not in ("slug", "lang")]
    if empty:
        print(f"Fill in: {', '.join(empty)} (in both files); `python3 make.py check` lists what is still missing.")
    optional = [f for f in ctype.fields if not f.required and f.name not in values]
    if optional:
        print("Optional fields you may add:")
        for f in optional:
            print(f"  {f.name.capitalize()}: {f.help_en} / {f.help_ko}")


@task
def translations(c: Context) -> None:
    """Update the theme's message catalogues: extract strings, merge them into each .po, compile .mo.

    Edit theme/translations/<lang>/LC_MESSAGES/messages.po afterwards; the .mo files are build
    products (the build compiles them too) and are not committed.
    """
    cfg, folder = CONFIG["babel_cfg"], CONFIG["translations"]
    pot = folder / "messages.pot"
    settings = _read_settings(CONFIG["settings_base"], CONFIG["content"])
    # Templates are written in one language; only the others need a catalogue.
    source_lang = settings.get("I18N_TEMPLATES_LANG", "en")

    def pybabel(*args: str, cwd: Path = ROOT) -> None:
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd, check=True)

    # The catalogue template is kept as the repository has it: sorted, with neither a header
    # (its creation date would change on every run) nor source locations (a template edit
    # would then rewrite it): a diff of it shows only strings that changed.
    theme = cfg.parent
    pybabel("extract", "--mapping-file", cfg.name, "--output-file", str(pot.relative_to(theme)),
            "--no-location", "--sort-output", "--omit-header", ".", cwd=theme)
    for lang in schema.LANGS:
        if lang == source_lang:
            continue
        # No fuzzy matching: a guessed translation of a similar sentence is wrong more often than not.
        # Strings the templates no longer use are dropped, not kept as comments: the catalogue is
        # what the site says, and git keeps the history.
        pybabel("update", "--init-missing", "--ignore-pot-creation-date", "--no-fuzzy-matching",
                "--ignore-obsolete", "--input-file", str(pot),
                "--output-dir", str(folder), "--locale", lang, "--domain", "messages")
    pybabel("compile", "--directory", str(folder), "--domain", "messages", "--statistics")


@task(help={"package": "the krds-uiux package folder (default: node_modules/krds-uiux)"})
def tokens(c: Context, package: str | None = None) -> None:
    """Rewrite theme/static/css/tokens.css: the KRDS design tokens the theme uses, from krds-uiux."""
    from ssc_theme.tokens import write_tokens

    source = Path(package) if package else ROOT / "node_modules" / "krds-uiux"
    if not (source / "package.json").is_file():
        raise Exit(f"{source} is not the krds-uiux package: run `npm ci` first.", code=1)
    path = write_tokens(source, ROOT / "theme" / "static" / "css" / "tokens.css")
    print(f"Wrote {path.relative_to(ROOT)}")


@task
def docs(c: Context) -> None:
    """Rewrite the editors' field reference and example files in docs/ from the content-type declarations."""
    for path in guide.write(ROOT / "docs"):
        print(f"Wrote {path.relative_to(ROOT)}")


# --- publishing ------------------------------------------------------------------------------


def release_for(source: Path, *, allow_dirty: bool) -> str:
    """The name of an rsync release of the checkout at `source`; Exit if it has uncommitted changes.

    A release is named after its commit, so a build with changes no commit holds is refused
    unless `allow_dirty`, and then named `...-dirty` so nobody mistakes it for that commit.
    """
    state = deploy.source_state(source)
    if state.dirty and not allow_dirty:
        shown = ", ".join(state.changes[:5]) + (f" and {len(state.changes) - 5} more" if len(state.changes) > 5 else "")
        raise Exit(f"Not published: the working tree differs from commit {state.revision or '(none)'} ({shown}). "
                   "Commit the changes, or publish anyway with --allow-dirty (the release is then named …-dirty).",
                   code=1)
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
                    raise Exit(f"Not published: {source} is not a regular file; nothing that is served changed.",
                               code=1)
                shutil.copy2(source, into / name)


def source_revision(source: Path) -> str:
    """What `version.txt` of a publish of the checkout at `source` says: its commit, `-dirty` with changes.

    The commit comes from the CI's variable or git (`ssc_publish.revision`); a working tree that
    differs from it adds `-dirty`, so `smoke --revision <commit>` cannot pass against that build.
    """
    from ssc_publish.revision import build_revision

    revision = build_revision(source)
    return f"{revision}-dirty" if deploy.source_state(source).dirty else revision


def publish_site(*, target: Path | None, rsync: str | None, content: Path, allow_dirty: bool = False,
                 source: Path = ROOT, site: Path | None = None) -> str:
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
    settings = _read_settings(CONFIG["settings_publish"], content)
    if site is not None:
        if not (site / "index.html").is_file():
            raise Exit(f"Not published: {site} is not a built site (no index.html); build it with "
                       "`python3 make.py build --publish --output DIR`.", code=1)
        # An artifact of another commit would go online under this commit's name (and its release's).
        built = (site / "version.txt").read_text(encoding="utf-8").strip() if (site / "version.txt").is_file() else ""
        expected = source_revision(source)
        if built != expected:
            raise Exit(f"Not published: {site} was built from {built or 'an unknown commit'}, not from {expected} "
                       "(the commit being published); nothing that is served changed.", code=1)

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
            raise Exit(f"Not published: {len(problems)} problem(s) in the content.", code=1)
        started = time.monotonic()
        if not run_pelican(CONFIG["settings_publish"], staging, content, revision=source_revision(source)):
            if deploy.no_space_left(staging):  # the build's own error above is a traceback: say it plainly
                raise Exit(f"Not published: {target or rsync}: No space left on device (the build filled the disk "
                           f"at {staging.parent}); nothing that is served changed.", code=1)
            raise Exit("Not published: the build failed; nothing that is served changed.", code=1)
        print(f"Built in {time.monotonic() - started:.1f} s.")

    try:
        # An rsync release is staged (and locked) beside the output folder of the checkout it comes from.
        beside = target or (CONFIG["output"] if source == ROOT else source / CONFIG["output"].relative_to(ROOT))
        done = deploy.publish(target=target, rsync=rsync, beside=beside, build=build_into,
                              check=lambda tree: sanity.check_tree(tree, settings["SITEURL"]), release=release)
    except deploy.CheckFailed as exc:
        print("\n".join(exc.problems))
        raise Exit(f"Not published: {exc}.", code=1) from None
    except deploy.Interrupted as exc:
        if exc.published:
            raise Exit(f"Published, then {exc}: {target} serves the new site.", code=128 + exc.signum) from None
        raise Exit(f"Not published: {exc}; nothing that is served changed.", code=128 + exc.signum) from None
    except deploy.Unfinished as exc:
        raise Exit(f"Published, but not finished: {exc}.", code=1) from None
    except deploy.PublishError as exc:
        raise Exit(f"Not published: {exc}", code=1) from None
    for path in done.removed:
        print(f"Removed {path.name}, left beside the target by a publish or build that was stopped.")
    return f"{done.where}; the site before is in {done.previous}" if done.previous else done.where


@task(help={
    "target": "local folder the web server serves (else SSC_PUBLISH_DIR or PUBLISH_DIR)",
    "rsync": "[user@host:]/path to publish to with rsync (else SSC_PUBLISH_RSYNC or PUBLISH_RSYNC)",
    "content": "content folder (default: content)",
    "allow_dirty": "publish an rsync release even with uncommitted changes (its name then ends in -dirty)",
    "site": "publish this tree built by `build --publish` (e.g. the pipeline's tested artifact) instead of "
            "building",
})
def publish(c: Context, target: str | None = None, rsync: str | None = None, content: str | None = None,
            allow_dirty: bool = False, site: str | None = None) -> None:
    """Build with publishconf.py, check everything, and only then replace the published site.

    A local folder is swapped in by one rename and the old site kept as <folder>.previous; an
    rsync target gets a new release and its `current` link is switched. `invoke rollback` undoes it.
    One publish per target at a time: a second one is refused at once.
    """
    dest_dir, dest_rsync = _publish_target(target, rsync)
    where = publish_site(target=dest_dir, rsync=dest_rsync, content=_path(content, "content"),
                         allow_dirty=allow_dirty, site=Path(site).absolute() if site else None)
    print(f"Published: {where}")


@task(help={"target": "local folder (as for publish)", "rsync": "rsync target (as for publish)"})
def rollback(c: Context, target: str | None = None, rsync: str | None = None) -> None:
    """Serve the site published before the last one again (run it twice to come back).

    Only a whole tree goes back online: its files must match the manifest written when it was published.
    """
    dest_dir, dest_rsync = _publish_target(target, rsync)
    try:
        if dest_dir:
            dest_dir = deploy.resolve_target(dest_dir)
        lock = deploy.lock_path(dest_dir) if dest_dir else deploy.rsync_lock_path(dest_rsync, CONFIG["output"])
        with deploy.publish_lock(lock):
            if dest_dir:
                deploy.rollback_tree(dest_dir)
                print(f"Rolled back: {dest_dir} now serves what {deploy.previous_path(dest_dir)} held, "
                      "and vice versa.")
            else:
                print(f"Rolled back: current is {deploy.rollback_release(dest_rsync)}")
        for path in deploy.stale_leftovers(dest_dir or CONFIG["output"]):
            print(f"Left over beside the target by a stopped publish (`publish` or `clean` removes it): {path}")
    except deploy.PublishError as exc:
        raise Exit(str(exc), code=1) from None
    except OSError as exc:
        raise Exit(f"Not rolled back: {dest_dir or dest_rsync}: {exc.strerror or exc}"
                   + (f" ({exc.filename})" if exc.filename and str(exc.filename) != str(dest_dir) else "")
                   + "; nothing that is served changed.", code=1) from None


@task(help={"port": "port on 127.0.0.1 (default 8080)", "no_build": "serve output/ as it is"})
def nginx(c: Context, port: int = 8080, no_build: bool = False) -> None:
    """Build for /ssc2020/ and serve output/ with nginx and the shipped configuration, in the foreground."""
    import tempfile

    from ssc_deploy import nginx as ngx

    if not no_build:
        build(c, subpath=True)
    prefix = Path(tempfile.mkdtemp(prefix="ssc-nginx-"))
    conf = ngx.prepare(root=CONFIG["output"], prefix=prefix, port=port)
    print(f"nginx: http://127.0.0.1:{port}{SUBPATH}/ (config {conf}; Ctrl+C stops)")
    try:
        subprocess.run(ngx.command(conf, prefix), check=False)
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@task(help={
    "url": "the live site's address (the Korean home), e.g. https://forum.seoul.go.kr/ssc2020/",
    "revision": "the commit that was published (else SSC_REVISION, GITHUB_SHA or CI_COMMIT_SHA)",
    "wait": "keep trying for this many seconds while the site is not right yet (default 0)",
})
def smoke(c: Context, url: str, revision: str | None = None, wait: int = 0) -> None:
    """Check the live site after a publish: both language homes and their assets answer, and
    version.txt names the published commit. A non-zero exit lists what is wrong."""
    from ssc_deploy import smoke as live
    from ssc_publish.revision import ENV_VARS

    revision = revision or next((os.environ[n] for n in ENV_VARS if os.environ.get(n)), "")
    if not revision:
        raise Exit("Say which commit should be live: --revision SHA (or SSC_REVISION).", code=2)
    problems = live.wait_for_live_site(url, revision, wait=wait)
    for line in problems:
        print(line)
    if problems:
        raise Exit(f"Smoke check failed: {len(problems)} problem(s) at {url}.", code=1)
    print(f"{url} serves {revision} in both languages.")


# --- web archive -----------------------------------------------------------------------------

ARCHIVE_OUTPUT = ROOT / "output-archive"


def archive_site(out_dir: Path, *, content: Path) -> Path:
    """Build with publishconf.py, check the tree as `publish` does, and write its WACZ into `out_dir`.

    Returns the package's path. A failed build or check raises Exit and leaves no package.
    """
    from ssc_archive import contenttypes, package, provenance
    from ssc_deploy import nginx as ngx

    try:
        source = provenance.read_provenance(ROOT)
    except provenance.ProvenanceError as exc:
        raise Exit(f"No archive: {exc}", code=1) from None
    settings = _read_settings(CONFIG["settings_publish"], content)
    staging = build_site(out_dir, settings_file=CONFIG["settings_publish"], content=content)
    try:
        problems = sanity.check_tree(staging, settings["SITEURL"])
        if problems:
            print("\n".join(problems))
            raise Exit(f"No archive: {len(problems)} problem(s) in the built site.", code=1)
        return package.make_package(staging, out_dir, site=package.SiteDescription.from_settings(settings),
                                    provenance=source, types=contenttypes.load(ngx.TEMPLATE))
    except (package.ArchiveError, contenttypes.ConfigError) as exc:
        raise Exit(f"No archive: {exc}", code=1) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@task(help={"output": "folder for the package (default: output-archive)",
            "content": "content folder (default: content)"})
def archive(c: Context, output: str | None = None, content: str | None = None) -> None:
    """Write one WACZ web archive of the published site, for archives and libraries; prints its path last.

    Built with publishconf.py at the real addresses and dated with the commit, so one commit
    always gives the same file. View it with pywb or ReplayWeb.page (see docs/publishing.en.md).
    """
    path = archive_site(Path(output).absolute() if output else ARCHIVE_OUTPUT, content=_path(content, "content"))
    print(f"sha256 {deploy.sha256_file(path)} (also in {path.name}.sha256)")
    print(path)


# --- screenshots -----------------------------------------------------------------------------

SHOTS_OUTPUT = ROOT / "output-shots"


@task(help={"folder": "where the PNG files go (default: output-shots)",
            "site": "an already built site to photograph (default: build one now)",
            "kind": "only this page kind (repeatable; default: every kind)",
            "lang": "only this language, ko or en (repeatable; default: both)",
            "viewport": "only desktop (1366x900) or mobile (390x844) (repeatable; default: both)",
            "scheme": "only light, dark or contrast (prefers-contrast: more) (repeatable; default: all three)"},
      iterable=["kind", "lang", "viewport", "scheme"])
def shots(c: Context, folder: str | None = None, site: str | None = None, kind: list[str] | None = None,
          lang: list[str] | None = None, viewport: list[str] | None = None, scheme: list[str] | None = None) -> None:
    """Full-page screenshots of every page kind, both languages, desktop and mobile, light, dark and high contrast
    (and the phone menu opened); prints the folder last."""
    from ssc_deploy import screenshots

    target = Path(folder).absolute() if folder else SHOTS_OUTPUT
    tree = Path(site).absolute() if site else build_site(target, settings_file=CONFIG["settings_base"],
                                                          content=CONFIG["content"])
    try:
        chosen = screenshots.plan(tree, kind or screenshots.KINDS, lang or ("ko", "en"),
                                  viewport or tuple(screenshots.VIEWPORTS), scheme or tuple(screenshots.SCHEMES))
        written = screenshots.take(tree, target, chosen)
    except screenshots.ShotError as exc:
        raise Exit(f"No screenshots: {exc}", code=1) from None
    finally:
        if not site:
            shutil.rmtree(tree, ignore_errors=True)
    print(f"{len(written)} screenshots")
    print(target)
