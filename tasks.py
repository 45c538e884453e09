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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from invoke import Context, Exit, task

from ssc_deploy import deploy, sanity
from ssc_deploy.project import CONFIG, ROOT, SUBPATH, build_site, content_problem_list
from ssc_deploy.project import option_path as _path
from ssc_deploy.project import publish_target as _publish_target
from ssc_deploy.project import read_settings as _read_settings
from ssc_deploy.publishing import publish_site

# Called as tasks.X by the tests and the pipeline's scripts, beside the tasks.
from ssc_deploy.project import content_problems  # noqa: F401  # isort: skip
from ssc_deploy.publishing import release_for, source_revision  # noqa: F401  # isort: skip
from ssc_forum import guide, schema


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


@task(
    help={
        "subpath": f"build for the site's real path ({SUBPATH}/), as `preview` and nginx serve it",
        "publish": "build with publishconf.py (absolute addresses), as `publish` does, e.g. for a CI artifact",
        "output": "folder to build into (default: output)",
        "content": "content folder (default: content)",
    }
)
def build(
    c: Context, subpath: bool = False, publish: bool = False, output: str | None = None, content: str | None = None
) -> None:
    """Build the site into output/, all at once: a failed build leaves the previous output/ as it was.

    The site is built into a fresh folder beside output/ and swapped in by a rename only when
    Pelican succeeded (content errors stop it before anything is written).
    """
    if publish and subpath:
        raise Exit("--publish builds for the published address already; leave out --subpath.", code=2)
    out = _path(output, "output")
    staging = build_site(
        out,
        settings_file=CONFIG["settings_publish" if publish else "settings_base"],
        content=_path(content, "content"),
        overrides={"SITEURL": SUBPATH} if subpath else None,
    )
    deploy.install_tree(staging, out, keep_previous=False)


@task(help={"subpath": f"build for {SUBPATH}/", "output": "folder (default: output)"})
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
            *_existing_static_paths(),
        ],
        cwd=ROOT,
        check=False,
    )


def _existing_static_paths(content: Path | None = None) -> list[str]:
    """Pelican's options naming only the static folders that exist (none: no option).

    Pelican's autoreload warns about every static folder it cannot watch, and the real content has
    no `images/` (no portraits are published): a warning an editor would take for a fault. The
    content folder itself is watched whole, so a folder made later starts a rebuild; its files are
    copied as static files once `regenerate` is started again.
    """
    content = content or CONFIG["content"]
    declared = _read_settings(CONFIG["settings_base"], content).get("STATIC_PATHS") or []
    present = [p for p in declared if (content / p).exists()]
    return [] if present == list(declared) else ["--extra-settings", f"STATIC_PATHS={json.dumps(present)}"]


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


def _live_preview(
    content: str | None,
    output: str | None,
    *,
    overrides: dict[str, Any] | None = None,
    beside: Callable[[str], contextlib.AbstractContextManager[object]] | None = None,
) -> str:
    """Serve and keep up to date until stopped; "restart" when changed plugin code needs a new process.

    `overrides` are settings given to every build; `beside(url)`, when given, is entered once the
    preview's address is known and left after the preview stops: what runs next to it (`edit`'s
    local backend, which answers that address only).
    """
    from ssc_deploy.livepreview import Preview

    out = _path(output, "output")
    folder = _path(content, "content")
    company = beside if beside is not None else (lambda url: contextlib.nullcontext())
    preview: Preview | None = None
    outcome = "stopped"
    try:
        preview = Preview(
            CONFIG["settings_base"],
            folder,
            out,
            watched=[folder, ROOT / "theme", ROOT / "plugins", CONFIG["settings_base"]],
            plugins=ROOT / "plugins",
            host=CONFIG["host"],
            port=CONFIG["port"],
            overrides=overrides,
        )
        with company(preview.url):
            print(f"Serving {out} at {preview.url} (Ctrl+C stops)", flush=True)
            preview.start()  # serves the last build on disk, if any, while the first build runs
            outcome = preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        if preview is not None:
            preview.close()
    if preview is not None and preview.nothing_to_serve:
        raise Exit("Build failed: nothing to serve.", code=1)
    return outcome


def _interrupt(signum: int, _frame: object) -> None:
    """A signal handler that stops the task as Ctrl+C does (KeyboardInterrupt, with every `finally` run)."""
    raise KeyboardInterrupt


@task(
    help={
        "content": "the content folder the editor writes into, named content (default: content)",
        "output": "folder to build into (default: output)",
        "backend_port": "port of the editor's local backend on 127.0.0.1 (default: EDITOR's local_backend_port, "
        "8081; 0 takes a free one)",
    }
)
def edit(c: Context, content: str | None = None, output: str | None = None, backend_port: int | None = None) -> None:
    """Edit in the browser: the editor at http://127.0.0.1:8000/admin/ beside the live preview.

    The editor's local backend (decap-server, from the pinned npm package) runs on
    127.0.0.1:8081, answers only the preview's pages and writes the files of content/ directly;
    the live preview notices each save and the open page shows it a moment later. Nothing is
    committed: review the changes with git (or hand them to someone who does) as with any edit.
    Ctrl+C stops both.
    """
    from ssc_deploy import editing
    from ssc_editor.config import editor_settings

    folder = editing.content_folder(_path(content, "content"))
    editor = editor_settings(_read_settings(CONFIG["settings_base"], folder))
    port = editing.local_backend_port(backend_port, editor)
    overrides = editing.build_settings(editor, port)
    # `kill` (SIGTERM) stops both as Ctrl+C does, rather than ending this process with the server left running.
    signal.signal(signal.SIGTERM, _interrupt)
    outcome = _live_preview(
        content, output, overrides=overrides, beside=lambda url: editing.backend_beside(folder, port, url)
    )
    if outcome == "restart":
        print("Plugin code changed: restarting to load it.", flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


# --- content ---------------------------------------------------------------------------------


CHECK_FORMATS = ("text", "github", "gitlab")
"""How `check` reports: lines for people, GitHub workflow commands, a GitLab Code Quality file."""


LANG_HELP = "language of the messages: ko or en (default: ko; en when LC_ALL, LC_MESSAGES or LANG starts with en)"


def _use_language(lang: str | None) -> None:
    """Print the editor's messages in `lang` (a task's --lang), refusing any other value plainly."""
    from ssc_forum import messages

    if lang is not None and lang not in messages.LANGUAGES:
        raise Exit(f"--lang {lang!r}: one of {', '.join(messages.LANGUAGES)}", code=2)
    messages.use_language(lang)


@task(
    help={
        "content": "content folder (default: content)",
        "format": "text (default), github (::error annotations on the pull request's lines) or gitlab "
        "(a Code Quality report file for the merge request)",
        "output": "the report file of --format gitlab (default: gl-code-quality-report.json)",
        "lang": LANG_HELP,
    }
)
def check(
    c: Context, content: str | None = None, format: str = "text", output: str | None = None, lang: str | None = None
) -> None:
    """Check the content only, fast: the same problems the build reports, and a non-zero exit if any."""
    from ssc_deploy import ci_reports
    from ssc_forum.messages import render, tr

    _use_language(lang)
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
        print(render(tr("Wrote {name} ({count} problem(s)).", name=report.name, count=len(problems))))
    for line in lines:
        print(line)
    if problems:
        raise Exit(render(tr("{count} problem(s) in the content.", count=len(problems))), code=1)
    print(render(tr("Content is fine (checked in {seconds:.1f} s).", seconds=time.monotonic() - started)))


def scaffold(kind: str, slug: str, values: dict[str, str], content: Path) -> list[Path]:
    """Write a new record of content type `kind` in every language; return the files written.

    Fields come from the schema: the slug and language are filled in, so are the fields given
    in `values` (checked against their kind), and every other required field is written with
    an empty value. The build and `invoke check` refuse empty required fields and name each one,
    so a half-filled file can never be published by mistake. Optional fields are left out.
    """
    from ssc_forum.messages import tr

    ctype = schema.BY_NAME.get(kind)
    if ctype is None:
        raise ValueError(
            tr("unknown content type {kind!r} (one of: {kinds})", kind=kind, kinds=", ".join(schema.BY_NAME))
        )
    try:
        schema.SLUG.parse(slug)  # type: ignore[operator]
        for name, value in values.items():
            declared = ctype.field(name)
            if declared is None or name in ("slug", "lang"):
                raise ValueError(
                    tr(
                        "{name!r} is not a field you can set for a {kind} (fields: {fields})",
                        name=name,
                        kind=kind,
                        fields=", ".join(f.name for f in ctype.fields if f.name not in ("slug", "lang")),
                    )
                )
            declared.kind.parse(value)  # type: ignore[operator]
            if declared.choices and value not in declared.choices:
                raise ValueError(
                    tr(
                        "{name}: {value!r} is not one of: {choices}",
                        name=name,
                        value=value,
                        choices=", ".join(declared.choices),
                    )
                )
    except schema.FieldError as exc:
        raise ValueError(exc.message) from None
    langs = site_languages()
    paths = [content / ctype.folder / f"{slug}.{lang}.md" for lang in langs]
    existing = [p for p in paths if p.exists()]
    if existing:
        raise FileExistsError(tr("already there: {paths}", paths=", ".join(str(p) for p in existing)))
    for lang, path in zip(langs, paths, strict=True):
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


def site_languages() -> tuple[str, ...]:
    """The codes of the site's languages, the main one first: the local settings' LANGUAGES table."""
    from ssc_forum import languages

    settings = _read_settings(CONFIG["settings_base"], CONFIG["content"])
    return tuple(row.code for row in languages.from_settings(settings))


def choice_fields() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every field with fixed choices, `(content type, field, choices)`; the language is one of them."""
    found = [("*", "lang", site_languages())]
    found += [(ct.name, f.name, f.choices) for ct in schema.CONTENT_TYPES for f in ct.fields if f.choices]
    return found


def _field_hint(f: schema.Field, lang: str) -> str:
    """What goes into a field, in the editor's language: its choices, or its kind and an example."""
    from ssc_forum.messages import render, tr

    if f.choices:
        return render(tr("one of: {choices}", choices=", ".join(f.choices)), lang)
    text, kind = (f.help_ko, f.kind.help_ko) if lang == "ko" else (f.help_en, f.kind.help_en)
    if f.kind.example != "…":  # a kind with a form to follow shows it
        kind += (", 예: " if lang == "ko" else ", e.g. ") + f.kind.example
    return f"{text} ({kind})"


@task(
    iterable=["field"],
    help={
        "kind": f"content type: {', '.join(schema.BY_NAME)}",
        "slug": "the new record's slug (a-z, 0-9, hyphens), the same in every language "
        f"(one file per language: {', '.join(site_languages())})",
        "field": "a field to fill in, NAME=VALUE (repeat for more), e.g. --field day=2020-09-23; fields with "
        "choices: "
        + "; ".join(f"{ct} {name}: {', '.join(choices)}" for ct, name, choices in choice_fields() if ct != "*"),
        "content": "content folder (default: content)",
        "lang": LANG_HELP,
    },
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
    from ssc_forum.messages import current_language, render, tr

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
            print(f"  {f.name.capitalize()}: {_field_hint(f, shown)}")
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
            print(f"  {f.name.capitalize()}: {_field_hint(f, shown)}")


def _pybabel(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd, check=True)


def editor_catalogue(locale_dir: Path | None = None) -> Path:
    """Extract the editors' messages (`tr("…")` in the forum and deploy plugins and tasks.py); merge them into each .po.

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
        str(ROOT / "tasks.py"),
    )
    for lang in messages.LANGUAGES:
        if lang == "en":  # the ids are English
            continue
        _pybabel(
            "update",
            "--init-missing",
            "--ignore-pot-creation-date",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "--omit-header",
            "--input-file",
            str(pot),
            "--output-dir",
            str(folder),
            "--locale",
            lang,
            "--domain",
            messages.DOMAIN,
        )
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


@task
def translations(c: Context) -> None:
    """Update the message catalogues: the theme's (extract, merge into each .po, compile .mo) and the editors'.

    Edit theme/translations/<lang>/LC_MESSAGES/messages.po and
    plugins/ssc_forum/locale/<lang>/LC_MESSAGES/editor.po afterwards (a test fails while an editors'
    message lacks its Korean); the .mo files are build products (the build compiles them too) and
    are not committed.
    """
    cfg, folder = CONFIG["babel_cfg"], CONFIG["translations"]
    pot = folder / "messages.pot"
    settings = _read_settings(CONFIG["settings_base"], CONFIG["content"])
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
        # No fuzzy matching: a guessed translation of a similar sentence is wrong more often than not.
        # Strings the templates no longer use are dropped, not kept as comments: the catalogue is
        # what the site says, and git keeps the history.
        pybabel(
            "update",
            "--init-missing",
            "--ignore-pot-creation-date",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "--input-file",
            str(pot),
            "--output-dir",
            str(folder),
            "--locale",
            lang,
            "--domain",
            "messages",
        )
    pybabel("compile", "--directory", str(folder), "--domain", "messages", "--statistics")
    editor_catalogue()


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
    for path in guide.write(ROOT / "docs", site_languages()):
        print(f"Wrote {path.relative_to(ROOT)}")


# --- publishing ------------------------------------------------------------------------------
@task(
    help={
        "target": "local folder the web server serves (else SSC_PUBLISH_DIR or PUBLISH_DIR)",
        "rsync": "[user@host:]/path to publish to with rsync (else SSC_PUBLISH_RSYNC or PUBLISH_RSYNC)",
        "content": "content folder (default: content)",
        "allow_dirty": "publish an rsync release even with uncommitted changes (its name then ends in -dirty)",
        "site": "publish this tree built by `build --publish` (e.g. the pipeline's tested artifact) instead of "
        "building",
        "lang": LANG_HELP,
    }
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
    rsync target gets a new release and its `current` link is switched. `invoke rollback` undoes it.
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
            lock = deploy.lock_path(dest_dir)
        else:
            assert dest_rsync is not None  # _publish_target gives exactly one of the two
            lock = deploy.rsync_lock_path(dest_rsync, CONFIG["output"])
        with deploy.publish_lock(lock):
            if dest_dir:
                deploy.rollback_tree(dest_dir)
                print(f"Rolled back: {dest_dir} now serves what {deploy.previous_path(dest_dir)} held, and vice versa.")
            else:
                assert dest_rsync is not None
                print(f"Rolled back: current is {deploy.rollback_release(dest_rsync)}")
        for path in deploy.stale_leftovers(dest_dir or CONFIG["output"]):
            print(f"Left over beside the target by a stopped publish (`publish` or `clean` removes it): {path}")
    except deploy.PublishError as exc:
        raise Exit(str(exc), code=1) from None
    except OSError as exc:
        raise Exit(
            f"Not rolled back: {dest_dir or dest_rsync}: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename and str(exc.filename) != str(dest_dir) else "")
            + "; nothing that is served changed.",
            code=1,
        ) from None


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


@task(
    help={
        "url": "the live site's address (the Korean home), e.g. https://forum.seoul.go.kr/ssc2020/",
        "revision": "the commit that was published (else SSC_REVISION, GITHUB_SHA or CI_COMMIT_SHA)",
        "wait": "keep trying for this many seconds while the site is not right yet (default 0)",
    }
)
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
        return package.make_package(
            staging,
            out_dir,
            site=package.SiteDescription.from_settings(settings),
            provenance=source,
            types=contenttypes.load(ngx.TEMPLATE),
        )
    except (package.ArchiveError, contenttypes.ConfigError) as exc:
        raise Exit(f"No archive: {exc}", code=1) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@task(
    help={"output": "folder for the package (default: output-archive)", "content": "content folder (default: content)"}
)
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


@task(
    help={
        "folder": "where the PNG files go (default: output-shots)",
        "site": "an already built site to photograph (default: build one now)",
        "kind": "only this page kind (repeatable; default: every kind)",
        "lang": "only this language, ko or en (repeatable; default: both)",
        "viewport": "only desktop (1366x900) or mobile (390x844) (repeatable; default: both)",
        "scheme": "only light, dark or contrast (prefers-contrast: more) (repeatable; default: all three)",
    },
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
        raise Exit(f"No screenshots: {exc}", code=2) from None
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
        raise Exit(f"No screenshots: {exc}", code=1) from None
    finally:
        if not site:
            shutil.rmtree(tree, ignore_errors=True)
    print(f"{len(written)} screenshots")
    print(target)
