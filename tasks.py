"""Tasks for the forum archive: build, preview, check, scaffold, translate and publish.

Run them as `python3 make.py TASK`: `python3 make.py --help` lists them, `python3 make.py TASK --help`
gives a task's options, both in the editor's language (the docstrings and the options' help are
messages of the help catalogue, `help.po`).

Settings come from `pelicanconf.py` (local build) and `publishconf.py` (published build);
the publish target and the preview address can also be given by environment variables:

    SSC_PUBLISH_DIR    local directory the web server serves (swapped in by rename)
    SSC_PUBLISH_RSYNC  [user@host:]/path of an rsync target (releases + `current` symlink)
    SSC_HOST, SSC_PORT address of the preview servers (default 127.0.0.1:8000; port 0 takes a free one)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from invoke import Context, Exit, task

from ssc_deploy import catalogues, deploy, webarchive
from ssc_deploy.devserver import serve_until_stopped
from ssc_deploy.project import CONFIG, ROOT, SUBPATH, build_site, content_problem_list, existing_static_paths
from ssc_deploy.project import option_path as _path
from ssc_deploy.project import publish_target as _publish_target
from ssc_deploy.project import read_settings as _read_settings
from ssc_deploy.publishing import publish_site, rollback_site
from ssc_deploy.scaffold import choice_fields, field_hint, scaffold, site_languages

# Called as tasks.X by the tests and the pipeline's scripts, beside the tasks.
from ssc_deploy.project import content_problems  # noqa: F401  # isort: skip
from ssc_deploy.publishing import release_for, source_revision  # noqa: F401  # isort: skip
from ssc_forum import guide, schema
from ssc_forum.messages import Message, render, tr, tr_help

# What this file prints for the people who run the site (editors, whoever publishes) is written as
# `tr("…")` and shown in their language (Korean by default). The tasks only developers run on the
# project itself (`translations`, `docs`, `tokens`) print file names and tool output, in English.


# The options' help is written `tr_help("…")` (the help catalogue) and put into words when tasks.py is
# read: in the language of the environment, or of `--lang` (make.py passes it on as SSC_LANG).
LANG_HELP = tr_help(
    "language of the messages: ko or en (default: ko; en when LC_ALL, LC_MESSAGES or LANG starts with en)"
)
CONTENT_HELP = tr_help("content folder (default: content)")
OUTPUT_HELP = tr_help("folder to build into (default: output)")
FOLDER_HELP = tr_help("folder (default: output)")


def _help(**texts: Message) -> dict[str, str]:
    """A task's option help as invoke takes it: plain strings, in the editor's language."""
    return {name: render(text) for name, text in texts.items()}


def _use_language(lang: str | None) -> None:
    """Print the editor's messages in `lang` (a task's --lang), refusing any other value plainly."""
    from ssc_forum import messages

    if lang is not None and lang not in messages.LANGUAGES:
        raise Exit(
            render(tr("--lang {value!r}: one of {choices}", value=lang, choices=", ".join(messages.LANGUAGES))), code=2
        )
    messages.use_language(lang)


# --- building and previewing -----------------------------------------------------------------


@task(help=_help(output=tr_help("folder to clean (default: output)")))
def clean(c: Context, output: str | None = None) -> None:
    """Remove the built site, left-over staging folders of failed or stopped builds, and the cache."""
    out = _path(output, "output")
    leftovers = [out, *out.parent.glob(f"{deploy.STAGING_PREFIX}*")]
    if out == CONFIG["output"]:
        leftovers.append(ROOT / "cache")  # Pelican's content cache, if it was ever turned on
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)


@task(
    help=_help(
        subpath=tr_help("build for the site's real path ({path}/), as `preview` and nginx serve it", path=SUBPATH),
        publish=tr_help("build with publishconf.py (absolute addresses), as `publish` does, e.g. for a CI artifact"),
        output=OUTPUT_HELP,
        content=CONTENT_HELP,
        lang=LANG_HELP,
    )
)
def build(
    c: Context,
    subpath: bool = False,
    publish: bool = False,
    output: str | None = None,
    content: str | None = None,
    lang: str | None = None,
) -> None:
    """Build the site into output/, all at once: a failed build leaves the previous output/ as it was.

    The site is built into a fresh folder beside output/ and swapped in by a rename only when
    Pelican succeeded (content errors stop it before anything is written).
    """
    _use_language(lang)
    if publish and subpath:
        raise Exit(render(tr("--publish builds for the published address already; leave out --subpath.")), code=2)
    out = _path(output, "output")
    staging = build_site(
        out,
        settings_file=CONFIG["settings_publish" if publish else "settings_base"],
        content=_path(content, "content"),
        overrides={"SITEURL": SUBPATH} if subpath else None,
    )
    deploy.install_tree(staging, out, keep_previous=False)


@task(help=_help(subpath=tr_help("build for {path}/", path=SUBPATH), output=FOLDER_HELP))
def rebuild(c: Context, subpath: bool = False, output: str | None = None) -> None:
    """Clean, then build from scratch."""
    clean(c, output=output)
    build(c, subpath=subpath, output=output)


@task
def regenerate(c: Context) -> None:
    """Rebuild output/ whenever a file changes (Pelican's autoreload; writes in place, not atomically)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "-r",
            str(CONFIG["content"]),
            "-s",
            str(CONFIG["settings_base"]),
            "-o",
            str(CONFIG["output"]),
            *existing_static_paths(CONFIG["content"]),
        ],
        cwd=ROOT,
        check=False,
    )


@task(help=_help(subpath=tr_help("serve at {path}/ (for a --subpath build)", path=SUBPATH), output=FOLDER_HELP))
def serve(c: Context, subpath: bool = False, output: str | None = None) -> None:
    """Serve output/ at http://127.0.0.1:8000/ (SSC_HOST, SSC_PORT change it), with the 404 pages."""
    serve_until_stopped(_path(output, "output"), SUBPATH if subpath else "", CONFIG["host"], CONFIG["port"])


@task(help=_help(subpath=tr_help("build and serve at {path}/", path=SUBPATH)))
def reserve(c: Context, subpath: bool = False) -> None:
    """Build, then serve."""
    build(c, subpath=subpath)
    serve(c, subpath=subpath)


@task
def preview(c: Context) -> None:
    """Build the site as it will be published, under /ssc2020/, and serve it at http://127.0.0.1:8000/ssc2020/."""
    build(c, subpath=True)
    serve(c, subpath=True)


@task(help=_help(content=CONTENT_HELP, output=OUTPUT_HELP, lang=LANG_HELP))
def livereload(c: Context, content: str | None = None, output: str | None = None, lang: str | None = None) -> None:
    """Serve the site at http://127.0.0.1:8000/ and bring the open page up to date whenever a file is saved.

    Saved files are noticed at once (the system's file events); an edit of a session, speaker,
    city case or page rewrites only the pages it changes (ssc_forum.incremental), and the open
    page reloads as soon as they are written. A saved mistake keeps the last good pages and shows
    its problems over the page, until the file is fixed. The search index, sitemap and .gz copies
    follow once you stop saving. Other content, the theme and the settings rebuild everything;
    changed plugin code restarts the task, so that the new code is the one running.
    """
    from ssc_deploy.livepreview import run_live_preview  # watchfiles: not needed by the other tasks

    _use_language(lang)
    outcome = run_live_preview(_path(content, "content"), _path(output, "output"))
    if outcome == "restart":
        print(render(tr("Plugin code changed: restarting to load it.")), flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def _interrupt(signum: int, _frame: object) -> None:
    """A signal handler that stops the task as Ctrl+C does (KeyboardInterrupt, with every `finally` run)."""
    raise KeyboardInterrupt


@task(
    help=_help(
        content=tr_help("the content folder the editor writes into, named content (default: content)"),
        output=OUTPUT_HELP,
        backend_port=tr_help(
            "port of the editor's local backend on 127.0.0.1 (default: EDITOR's local_backend_port, 8081; "
            "0 takes a free one)"
        ),
        lang=LANG_HELP,
    )
)
def edit(
    c: Context,
    content: str | None = None,
    output: str | None = None,
    backend_port: int | None = None,
    lang: str | None = None,
) -> None:
    """Edit in the browser: the editor at http://127.0.0.1:8000/admin/ beside the live preview.

    The editor's local backend (decap-server, from the pinned npm package) runs on
    127.0.0.1:8081, answers only the preview's pages and writes the files of content/ directly;
    the live preview notices each save and the open page shows it a moment later. Nothing is
    committed: review the changes with git (or hand them to someone who does) as with any edit.
    Ctrl+C stops both.
    """
    from ssc_deploy import editing
    from ssc_deploy.livepreview import run_live_preview  # watchfiles: not needed by the other tasks
    from ssc_editor.config import editor_settings

    _use_language(lang)
    folder = editing.content_folder(_path(content, "content"))
    editor = editor_settings(_read_settings(CONFIG["settings_base"], folder))
    port = editing.local_backend_port(backend_port, editor)
    overrides = editing.build_settings(editor, port)
    # `kill` (SIGTERM) stops both as Ctrl+C does, rather than ending this process with the server left running.
    signal.signal(signal.SIGTERM, _interrupt)
    outcome = run_live_preview(
        folder,
        _path(output, "output"),
        overrides=overrides,
        beside=lambda url: editing.backend_beside(folder, port, url),
    )
    if outcome == "restart":
        print(render(tr("Plugin code changed: restarting to load it.")), flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


# --- content ---------------------------------------------------------------------------------


CHECK_FORMATS = ("text", "github", "gitlab")
"""How `check` reports: lines for people, GitHub workflow commands, a GitLab Code Quality file."""


@task(
    help=_help(
        content=CONTENT_HELP,
        format=tr_help(
            "text (default), github (::error annotations on the pull request's lines) or gitlab "
            "(a Code Quality report file for the merge request)"
        ),
        output=tr_help("the report file of --format gitlab (default: gl-code-quality-report.json)"),
        lang=LANG_HELP,
    )
)
def check(
    c: Context, content: str | None = None, format: str = "text", output: str | None = None, lang: str | None = None
) -> None:
    """Check the content only, fast: the same problems the build reports, and a non-zero exit if any."""
    from ssc_deploy import ci_reports

    _use_language(lang)
    if format not in CHECK_FORMATS:
        raise Exit(
            render(tr("--format {value!r}: one of {choices}", value=format, choices=", ".join(CHECK_FORMATS))), code=2
        )
    started = time.monotonic()
    problems = content_problem_list(_path(content, "content"))
    lines = [str(p) for p in problems]
    if format == "github":
        lines = ci_reports.github_annotations(problems)
    elif format == "gitlab":
        report = Path(output or "gl-code-quality-report.json").absolute()
        report.write_text(ci_reports.gitlab_report_json(problems), encoding="utf-8")
        print(render(tr("Wrote {name} ({count} problem(s)).", name=report.name, count=len(problems))))
    for line in lines:
        print(line)
    if problems:
        raise Exit(render(tr("{count} problem(s) in the content.", count=len(problems))), code=1)
    print(render(tr("Content is fine (checked in {seconds:.1f} s).", seconds=time.monotonic() - started)))


@task(
    iterable=["field"],
    help=_help(
        kind=tr_help("content type: {kinds}", kinds=", ".join(schema.BY_NAME)),
        slug=tr_help(
            "the new record's slug (a-z, 0-9, hyphens), the same in every language (one file per language: {langs})",
            langs=", ".join(site_languages()),
        ),
        field=tr_help(
            "a field to fill in, NAME=VALUE (repeat for more), e.g. --field day=2020-09-23; fields with choices: "
            "{choices}",
            choices="; ".join(f"{ct} {name}: {', '.join(ch)}" for ct, name, ch in choice_fields() if ct != "*"),
        ),
        content=CONTENT_HELP,
        lang=LANG_HELP,
    ),
)
def new(
    c: Context,
    kind: str,
    slug: str,
    field: list[str] | None = None,
    content: str | None = None,
    lang: str | None = None,
) -> None:
    """Start a new session, speaker, city case, page or news item in both languages, with the fields it needs.

    Required fields you do not give are written empty: `python3 make.py check` lists them until filled.
    """
    from ssc_forum.messages import current_language

    _use_language(lang)
    values: dict[str, str] = {}
    for item in field or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise Exit(render(tr("--field {item!r}: write NAME=VALUE", item=item)), code=2)
        values[name.strip().lower()] = value.strip()
    try:
        paths = scaffold(kind, slug, values, _path(content, "content"))
    except (ValueError, FileExistsError) as exc:
        raise Exit(render(exc.args[0]), code=2) from None
    ctype = schema.BY_NAME[kind]
    shown = current_language()
    for path in paths:
        print(render(tr("Wrote {path}", path=path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)))
    empty = [f for f in ctype.fields if f.required and f.name not in values and f.name not in ("slug", "lang")]
    if empty:
        print(render(tr("Fill in, in both files ({langs}):", langs=", ".join(site_languages()))))
        for f in empty:
            print(f"  {f.name.capitalize()}: {field_hint(f, shown)}")
    if ctype is schema.CITY_CASE:
        print(
            render(
                tr("Also add {slug} to the Cases field of the session the case belongs to, in both files.", slug=slug)
            )
        )
    print(render(tr("`python3 make.py check` lists what is still missing.")))
    optional = [f for f in ctype.fields if not f.required and f.name not in values]
    if optional:
        print(render(tr("Optional fields you may add:")))
        for f in optional:
            print(f"  {f.name.capitalize()}: {field_hint(f, shown)}")


@task
def translations(c: Context) -> None:
    """Update the message catalogues: the theme's (extract, merge into each .po, compile .mo) and the editors'.

    Edit theme/translations/<lang>/LC_MESSAGES/messages.po and
    plugins/ssc_forum/locale/<lang>/LC_MESSAGES/editor.po afterwards (a test fails while an editors'
    message lacks its Korean); the .mo files are build products (the build compiles them too) and
    are not committed.
    """
    catalogues.update_all(catalogues.task_docstrings(sys.modules[__name__]))


@task(help=_help(package=tr_help("the krds-uiux package folder (default: node_modules/krds-uiux)")))
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
    for path in guide.write(ROOT / "docs", site_languages()):
        print(f"Wrote {path.relative_to(ROOT)}")


# --- publishing ------------------------------------------------------------------------------
@task(
    help=_help(
        target=tr_help("local folder the web server serves (else SSC_PUBLISH_DIR or PUBLISH_DIR)"),
        rsync=tr_help("[user@host:]/path to publish to with rsync (else SSC_PUBLISH_RSYNC or PUBLISH_RSYNC)"),
        content=CONTENT_HELP,
        allow_dirty=tr_help("publish an rsync release even with uncommitted changes (its name then ends in -dirty)"),
        site=tr_help(
            "publish this tree built by `build --publish` (e.g. the pipeline's tested artifact) instead of building"
        ),
        lang=LANG_HELP,
    )
)
def publish(
    c: Context,
    target: str | None = None,
    rsync: str | None = None,
    content: str | None = None,
    allow_dirty: bool = False,
    site: str | None = None,
    lang: str | None = None,
) -> None:
    """Build with publishconf.py, check everything, and only then replace the published site.

    A local folder is swapped in by one rename and the old site kept as <folder>.previous; an
    rsync target gets a new release and its `current` link is switched. `python3 make.py rollback` undoes it.
    One publish per target at a time: a second one is refused at once.
    """
    _use_language(lang)
    dest_dir, dest_rsync = _publish_target(target, rsync)
    where = publish_site(
        target=dest_dir,
        rsync=dest_rsync,
        content=_path(content, "content"),
        allow_dirty=allow_dirty,
        site=Path(site).absolute() if site else None,
    )
    print(render(tr("Published: {where}", where=where)))


@task(
    help=_help(
        target=tr_help("local folder (as for publish)"), rsync=tr_help("rsync target (as for publish)"), lang=LANG_HELP
    )
)
def rollback(c: Context, target: str | None = None, rsync: str | None = None, lang: str | None = None) -> None:
    """Serve the site published before the last one again (run it twice to come back).

    Only a whole tree goes back online: its files must match the manifest written when it was published.
    """
    _use_language(lang)
    for line in rollback_site(*_publish_target(target, rsync)):
        print(line)


@task(help=_help(port=tr_help("port on 127.0.0.1 (default 8080)"), no_build=tr_help("serve output/ as it is")))
def nginx(c: Context, port: int = 8080, no_build: bool = False) -> None:
    """Build for /ssc2020/ and serve output/ with nginx and the shipped configuration, in the foreground."""
    import tempfile

    from ssc_deploy import nginx as ngx

    if not no_build:
        build(c, subpath=True)
    prefix = Path(tempfile.mkdtemp(prefix="ssc-nginx-"))
    conf = ngx.prepare(root=CONFIG["output"], prefix=prefix, port=port)
    url = f"http://127.0.0.1:{port}{SUBPATH}/"
    print(render(tr("nginx: {url} (configuration {conf}; Ctrl+C stops)", url=url, conf=conf)))
    try:
        subprocess.run(ngx.command(conf, prefix), check=False)
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@task(
    help=_help(
        url=tr_help("the live site's address (the Korean home), e.g. https://forum.seoul.go.kr/ssc2020/"),
        revision=tr_help("the commit that was published (else SSC_REVISION, GITHUB_SHA or CI_COMMIT_SHA)"),
        wait=tr_help("keep trying for this many seconds while the site is not right yet (default 0)"),
        lang=LANG_HELP,
    )
)
def smoke(c: Context, url: str, revision: str | None = None, wait: int = 0, lang: str | None = None) -> None:
    """Check the live site after a publish: both language homes and their assets answer, and
    version.txt names the published commit.

    A non-zero exit lists what is wrong.
    """
    from ssc_deploy import smoke as live
    from ssc_publish.revision import ENV_VARS

    _use_language(lang)
    revision = revision or next((os.environ[n] for n in ENV_VARS if os.environ.get(n)), "")
    if not revision:
        raise Exit(render(tr("Say which commit should be live: --revision SHA (or SSC_REVISION).")), code=2)
    problems = live.wait_for_live_site(url, revision, wait=wait)
    for line in problems:
        print(line)
    if problems:
        raise Exit(render(tr("Smoke check failed: {count} problem(s) at {url}.", count=len(problems), url=url)), code=1)
    print(render(tr("{url} serves {revision} in both languages.", url=url, revision=revision)))


# --- web archive -----------------------------------------------------------------------------


@task(
    help=_help(output=tr_help("folder for the package (default: output-archive)"), content=CONTENT_HELP, lang=LANG_HELP)
)
def archive(c: Context, output: str | None = None, content: str | None = None, lang: str | None = None) -> None:
    """Write one WACZ web archive of the published site, for archives and libraries; prints its path last.

    Built with publishconf.py at the real addresses and dated with the commit, so one commit
    always gives the same file. View it with pywb or ReplayWeb.page (see docs/publishing.en.md).
    """
    _use_language(lang)
    path = webarchive.archive_site(
        Path(output).absolute() if output else webarchive.ARCHIVE_OUTPUT, content=_path(content, "content")
    )
    print(render(tr("sha256 {digest} (also in {name})", digest=deploy.sha256_file(path), name=f"{path.name}.sha256")))
    print(path)


# --- screenshots -----------------------------------------------------------------------------

SHOTS_OUTPUT = ROOT / "output-shots"


@task(
    help=_help(
        folder=tr_help("where the PNG files go (default: output-shots)"),
        site=tr_help("an already built site to photograph (default: build one now)"),
        kind=tr_help("only this page kind (repeatable; default: every kind)"),
        lang=tr_help("only this language, ko or en (repeatable; default: both)"),
        viewport=tr_help("only desktop (1366x900) or mobile (390x844) (repeatable; default: both)"),
        scheme=tr_help("only light, dark or contrast (prefers-contrast: more) (repeatable; default: all three)"),
    ),
    iterable=["kind", "lang", "viewport", "scheme"],
)
def shots(
    c: Context,
    folder: str | None = None,
    site: str | None = None,
    kind: list[str] | None = None,
    lang: list[str] | None = None,
    viewport: list[str] | None = None,
    scheme: list[str] | None = None,
) -> None:
    """Full-page screenshots of every page kind, both languages, desktop and mobile, light, dark and high contrast
    (and the phone menu opened); prints the folder last."""
    from ssc_deploy import screenshots

    target = Path(folder).absolute() if folder else SHOTS_OUTPUT
    try:  # a misspelt kind is said at once, not after a build of the whole site
        screenshots.check_choices(
            kind or screenshots.KINDS,
            lang or screenshots.LANGS,
            viewport or tuple(screenshots.VIEWPORTS),
            scheme or tuple(screenshots.SCHEMES),
        )
    except screenshots.ShotError as exc:
        raise Exit(render(tr("No screenshots: {reason}", reason=exc)), code=2) from None
    tree = (
        Path(site).absolute()
        if site
        else build_site(target, settings_file=CONFIG["settings_base"], content=CONFIG["content"])
    )
    try:
        chosen = screenshots.plan(
            tree,
            kind or screenshots.KINDS,
            lang or ("ko", "en"),
            viewport or tuple(screenshots.VIEWPORTS),
            scheme or tuple(screenshots.SCHEMES),
        )
        written = screenshots.take(tree, target, chosen)
    except screenshots.ShotError as exc:
        raise Exit(render(tr("No screenshots: {reason}", reason=exc)), code=1) from None
    finally:
        if not site:
            shutil.rmtree(tree, ignore_errors=True)
    print(render(tr("{count} screenshot(s)", count=len(written))))
    print(target)
