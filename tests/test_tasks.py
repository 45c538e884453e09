"""The invoke tasks and the make.py bootstrap: listing, scaffolding, checking, atomic builds, serving."""

from __future__ import annotations

import gzip
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from invoke import Context, Exit
from publish_helpers import REPO, STALE, copy_content, snapshot, subpath_output, workdir

import tasks
from ssc_deploy import deploy, devserver
from ssc_deploy.project import existing_static_paths
from ssc_forum import schema

# The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("publish-builds")

TASKS = [
    "archive",
    "build",
    "check",
    "clean",
    "docs",
    "edit",
    "livereload",
    "new",
    "nginx",
    "preview",
    "publish",
    "rebuild",
    "regenerate",
    "reserve",
    "rollback",
    "serve",
    "shots",
    "smoke",
    "tokens",
    "translations",
]


def _invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=120
    )


def test_invoke_list_documents_every_task() -> None:
    done = _invoke("--list")
    assert done.returncode == 0, done.stderr
    listed = dict(re.findall(r"^  (\S+)\s+(\S.*)$", done.stdout, flags=re.M))
    assert sorted(listed) == TASKS
    assert all(len(doc) > 10 for doc in listed.values()), listed


# --- new -------------------------------------------------------------------------------------


def _metadata(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head.splitlines())}


def test_new_writes_both_languages_with_the_schema_fields(tmp_path: Path) -> None:
    paths = tasks.scaffold("session", "smart-mobility", {"day": "2020-09-23", "kind": "session"}, tmp_path)
    assert paths == [tmp_path / "sessions" / f"smart-mobility.{lang}.md" for lang in tasks.site_languages()]
    for lang, path in zip(tasks.site_languages(), paths, strict=True):
        meta = _metadata(path)
        assert set(meta) == set(schema.SESSION.required)  # optional fields are not written
        assert meta["slug"] == "smart-mobility" and meta["lang"] == lang
        assert meta["day"] == "2020-09-23" and meta["kind"] == "session"
        assert meta["title"] == "" and meta["order"] == ""
        assert "Title:" in path.read_text(encoding="utf-8"), "fields are written as the content files write them"


@pytest.mark.parametrize(
    ("kind", "slug", "values", "message"),
    [
        ("workshop", "x", {}, "unknown content type"),
        ("speaker", "Not A Slug", {}, "is not a slug"),
        ("session", "x", {"colour": "red"}, "not a field"),
        ("session", "x", {"day": "23 September"}, "is not a date"),
        ("session", "x", {"kind": "party"}, "is not one of"),
    ],
)
def test_new_refuses_bad_arguments(tmp_path: Path, kind: str, slug: str, values: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tasks.scaffold(kind, slug, values, tmp_path)
    assert not any(tmp_path.rglob("*.md"))


def test_new_never_overwrites(tmp_path: Path) -> None:
    tasks.scaffold("speaker", "ada-lovelace", {}, tmp_path)
    first = snapshot(tmp_path)
    with pytest.raises(FileExistsError):
        tasks.scaffold("speaker", "ada-lovelace", {"affiliation": "x"}, tmp_path)
    assert snapshot(tmp_path) == first


def test_scaffold_fails_the_check_until_filled_in() -> None:
    content = copy_content("scaffold")
    tasks.scaffold("speaker", "ada-lovelace", {}, content)
    problems = tasks.content_problems(content)
    named = {(Path(line.split(":")[0]).name, re.search(r"field '(\w+)'", line).group(1)) for line in problems}
    expected = {
        (f"ada-lovelace.{lang}.md", name) for lang in tasks.site_languages() for name in ("title", "affiliation")
    }
    assert named == expected, problems
    for lang in tasks.site_languages():
        path = content / "speakers" / f"ada-lovelace.{lang}.md"
        text = path.read_text(encoding="utf-8")
        for name, value in [("Title", "Ada Lovelace"), ("Affiliation", "Analytical Engine")]:
            text = text.replace(f"{name}:\n", f"{name}: {value}\n")
        path.write_text(text, encoding="utf-8")
    assert tasks.content_problems(content) == []


def test_new_lists_the_choices_of_every_choice_field(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "make.py"), "new", "--help"], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    helped = re.sub(r"-\s+", "-", " ".join(done.stdout.split()))  # invoke wraps the help text, also at hyphens
    for kind in schema.BY_NAME:
        assert kind in helped
    for choice in (*schema.SESSION_KINDS, "ko, en"):
        assert choice in helped, choice
    done = _invoke("new", "--kind", "session", "--slug", "x", "--content", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "  Kind: one of: keynote, session, case-presentations, talk-concert\n" in done.stdout
    assert "Fill in, in both files (ko, en):\n" in done.stdout
    done = _invoke("new", "--kind", "session", "--slug", "y", "--content", str(tmp_path), "--lang", "ko")
    assert "  Kind: 다음 중 하나: keynote, session, case-presentations, talk-concert\n" in done.stdout
    done = _invoke("new", "--kind", "workshop", "--slug", "z", "--content", str(tmp_path))
    assert done.returncode == 2 and done.stderr.strip() == (
        "unknown content type 'workshop' (one of: session, speaker, case, page, news)"
    )


@pytest.mark.parametrize("kind", list(schema.BY_NAME))
def test_a_new_file_passes_the_check_once_filled(kind: str) -> None:
    """What `new` writes, filled as its output says (a choice, a date, a number, text), is published."""
    content = copy_content(f"filled-{kind}")
    ctype = schema.BY_NAME[kind]
    paths = tasks.scaffold(kind, "example-new", {}, content)
    assert tasks.content_problems(content), "empty required fields are reported"
    filler = {schema.DATE: "2020-09-23", schema.INT: "9", schema.TEXT: "Example", schema.SLUG: "keynote"}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for f in ctype.fields:
            if f.required and f"\n{f.name.capitalize()}:\n" in "\n" + text:
                value = f.choices[0] if f.choices else filler[f.kind]
                text = ("\n" + text).replace(f"\n{f.name.capitalize()}:\n", f"\n{f.name.capitalize()}: {value}\n")[1:]
        path.write_text(text, encoding="utf-8")
    if ctype is schema.CITY_CASE:  # as `new case` says: the session lists its cases
        for lang in tasks.site_languages():
            keynote = content / "sessions" / f"keynote.{lang}.md"
            keynote.write_text(
                keynote.read_text(encoding="utf-8").replace("\nKind:", "\nCases: example-new\nKind:", 1),
                encoding="utf-8",
            )
    assert tasks.content_problems(content) == []


def test_shots_refuses_an_unknown_kind_before_building(tmp_path: Path) -> None:
    started = time.monotonic()
    done = _invoke("shots", "--kind", "foo", "--folder", str(tmp_path / "shots"))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("No screenshots: unknown page kind 'foo' (one of: home, timetable")
    assert "Built" not in done.stdout and not (tmp_path / "shots").exists()
    assert time.monotonic() - started < 10, "refused before a build of the site"


def test_regenerate_watches_only_static_folders_that_exist(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    assert not (content / "images").exists(), "the real content has no images folder"
    options = existing_static_paths(content)
    assert options == ["--extra-settings", "STATIC_PATHS=[]"]
    (content / "images").mkdir()
    assert existing_static_paths(content) == []
    (content / "images").rmdir()
    # Pelican's autoreload with those options: it builds and says nothing about a folder it cannot watch.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pelican",
            "-r",
            str(content),
            "-s",
            str(REPO / "pelicanconf.py"),
            "-o",
            str(tmp_path / "out"),
            *options,
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "400"},
    )
    seen = []
    watchdog = threading.Timer(120, proc.kill)  # a build that never finishes ends the reading, not the run
    watchdog.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("Built:"):
                break
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait()
    log = "".join(seen)
    assert "Built:" in log and "Unable to watch" not in log and "WARNING" not in log, log


# --- check -----------------------------------------------------------------------------------


def test_check_passes_on_the_real_content_quickly() -> None:
    started = time.monotonic()
    done = _invoke("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 20


def test_check_fails_with_the_file_and_field() -> None:
    content = copy_content("check-broken")
    speaker = sorted((content / "speakers").glob("*.en.md"))[0]
    speaker.write_text(re.sub(r"(?m)^Affiliation:.*\n", "", speaker.read_text(encoding="utf-8")), encoding="utf-8")
    done = _invoke("check", "--content", str(content))
    assert done.returncode == 1
    # Named with the line where the header ends, where the missing field goes.
    assert re.search(rf"speakers/{re.escape(speaker.name)}:\d+: field 'affiliation'", done.stdout), done.stdout


# --- build -----------------------------------------------------------------------------------


def test_successful_build_replaces_output_whole() -> None:
    output = subpath_output()
    assert (output / "index.html").is_file() and (output / "en" / "index.html").is_file()
    assert not (output / STALE).exists(), "the old output was written over, not replaced"
    assert not list(output.parent.glob(f"{deploy.STAGING_PREFIX}*"))
    assert "/ssc2020/theme/" in (output / "index.html").read_text(encoding="utf-8")


def test_failed_build_leaves_output_untouched() -> None:
    content = copy_content("build-broken")
    (content / "sessions" / "keynote.en.md").unlink()  # a session without its English twin
    output = workdir() / "build-broken" / "output"
    shutil.copytree(subpath_output(), output)
    before = snapshot(output)
    with pytest.raises(Exit):
        tasks.build(Context(), output=str(output), content=str(content))
    assert snapshot(output) == before
    assert not list(output.parent.glob(f"{deploy.STAGING_PREFIX}*"))


def test_clean_removes_output_and_leftover_staging(tmp_path: Path) -> None:
    output = tmp_path / "output"
    (output / "x").mkdir(parents=True)
    deploy.staging_dir(output, "site")
    (tmp_path / "keep.txt").write_text("not ours")
    tasks.clean(Context(), output=str(output))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_build_output_is_gzipped_beside_the_originals() -> None:
    output = subpath_output()
    index = output / "index.html"
    assert gzip.decompress((output / "index.html.gz").read_bytes()) == index.read_bytes()
    assert (output / "index.html.gz").read_bytes()[4:8] == b"\0\0\0\0", "gzip mtime must be 0"
    assert not list(output.rglob("*.png.gz")) and not list(output.rglob("*.gz.gz"))


# --- serve / preview -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def preview_server() -> Iterator[str]:
    server = devserver.make_server(subpath_output(), prefix="/ssc2020", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def test_preview_serves_the_sub_path_and_the_404_pages(preview_server: str) -> None:
    output = subpath_output()
    assert _get(preview_server + "/ssc2020/")[2] == (output / "index.html").read_bytes()
    assert _get(preview_server + "/ssc2020")[2] == (output / "index.html").read_bytes()  # redirected
    assert _get(preview_server + "/ssc2020/schedule.ics")[1].startswith("text/calendar")
    assert _get(preview_server + "/ssc2020/nope/") == (
        404,
        "text/html; charset=utf-8",
        (output / "404.html").read_bytes(),
    )
    assert _get(preview_server + "/ssc2020/en/nope/")[2] == (output / "en" / "404.html").read_bytes()
    assert _get(preview_server + "/elsewhere/")[0] == 404


def test_preview_stays_quiet_when_a_browser_drops_a_connection(tmp_path: Path, capfd) -> None:
    """A cancelled load (the browser moved on) is no error: no traceback in the editor's terminal."""
    import socket
    import struct

    (tmp_path / "big.html").write_bytes(b"x" * 5_000_000)
    server = devserver.make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        client.sendall(b"GET /big.html HTTP/1.1\r\nHost: preview\r\n\r\n")
        assert client.recv(100).startswith(b"HTTP/1.0 200")
        client.close()
        time.sleep(0.5)  # the handler meets the reset while it is still sending
        assert _get(f"http://127.0.0.1:{server.server_address[1]}/big.html")[0] == 200  # still serving
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


# --- translations ----------------------------------------------------------------------------


def test_translations_extract_update_and_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme, ignore=shutil.ignore_patterns("*.mo", "static"))
    monkeypatch.setitem(tasks.CONFIG, "babel_cfg", theme / "babel.cfg")
    monkeypatch.setitem(tasks.CONFIG, "translations", theme / "translations")
    tasks.translations(Context())
    pot = (theme / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert pot.count("msgid ") > 10
    assert "POT-Creation-Date" not in pot and "#: " not in pot, "no date nor locations: no churn in the diff"
    assert (theme / "translations" / "ko" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not (theme / "translations" / "en").exists(), "templates are written in English: no catalogue"
    # The repository's template must be what `invoke translations` makes of the templates now.
    committed = (REPO / "theme" / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert pot == committed, "theme/translations/messages.pot is out of date: run `invoke translations`"


def _compile_repeatedly(localedir: str, rounds: int) -> int:
    """Compile the catalogues `rounds` times (a worker process of the test below); how many were written."""
    from ssc_forum import translations

    return sum(len(translations.compile_catalogues(localedir)) for _ in range(rounds))


def test_concurrent_catalogue_compiles_never_collide(tmp_path: Path) -> None:
    # Two test workers (or a build and the edit loop) compiling the same catalogue at once once
    # shared one temporary file: one renamed it away under the other (FileNotFoundError).
    import multiprocessing

    messages = tmp_path / "ko" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    shutil.copy(REPO / "theme" / "translations" / "ko" / "LC_MESSAGES" / "messages.po", po)
    ahead = time.time() + 3600
    os.utime(po, (ahead, ahead))  # newer than any .mo written now: every call compiles again
    with multiprocessing.get_context("fork").Pool(4) as pool:
        written = pool.starmap(_compile_repeatedly, [(str(tmp_path), 25)] * 4)
    assert written == [25] * 4
    assert sorted(p.name for p in messages.iterdir()) == ["messages.mo", "messages.po"], "a temporary file was left"
    from babel.messages.mofile import read_mo

    with (messages / "messages.mo").open("rb") as handle:
        assert len(read_mo(handle)) > 10
    assert (messages / "messages.mo").stat().st_mode & 0o777 == 0o644


# --- make.py ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make() -> object:
    spec = importlib.util.spec_from_file_location("make", REPO / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_installs_the_plugins_into_the_environment(make, tmp_path: Path) -> None:
    # A fresh environment, as make.py creates it: the plugins are importable there from any folder,
    # with no PYTHONPATH and no sys.path edit (tasks.py, conftest.py and publishconf.py make none).
    import venv

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = str(make.venv_python(env_dir))
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    ask = ["-c", "import importlib.util as u; print(u.find_spec('ssc_forum').origin)"]
    before = subprocess.run([python, *ask], cwd=tmp_path, env=clean, capture_output=True, text=True)
    assert before.returncode != 0, "a fresh environment does not know the plugins yet"
    pth = make.install_plugins(env_dir)
    found = subprocess.run([python, *ask], cwd=tmp_path, env=clean, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()) == REPO / "plugins" / "ssc_forum" / "__init__.py"
    # Idempotent, and written again when the checkout has moved.
    mtime = pth.stat().st_mtime_ns
    assert make.install_plugins(env_dir) == pth and pth.stat().st_mtime_ns == mtime
    make.install_plugins(env_dir, root=tmp_path / "moved")
    assert pth.read_text(encoding="utf-8") == f"{tmp_path / 'moved' / 'plugins'}\n"


def test_no_sys_path_edits_in_tasks_tests_and_settings() -> None:
    for name in ("tasks.py", "make.py", "publishconf.py", "pelicanconf.py", "tests/conftest.py"):
        text = (REPO / name).read_text(encoding="utf-8")
        assert "sys.path" not in text and "PYTHONPATH" not in text, name


def test_make_reinstalls_only_when_requirements_change(make, tmp_path: Path) -> None:
    venv, req = tmp_path / ".venv", tmp_path / "requirements.txt"
    req.write_text("pelican==4.12.0\n")
    assert not make.venv_is_current(venv, req)
    python = make.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text("")
    assert not make.venv_is_current(venv, req), "no stamp: never installed from these requirements"
    (venv / make.STAMP_NAME).write_text(make.file_hash(req) + "\n")
    assert make.venv_is_current(venv, req)
    req.write_text("pelican==4.12.0\ninvoke==3.0.3\n")
    assert not make.venv_is_current(venv, req)


def test_make_check_installs_only_its_own_requirements_in_a_fresh_environment(make, tmp_path: Path) -> None:
    venv, req, small = tmp_path / ".venv", tmp_path / "requirements.txt", tmp_path / "requirements-check.txt"
    req.write_text("pelican==4.12.0\nplaywright==1.65.2\n")
    small.write_text("pelican==4.12.0\n")
    assert make.requirements_for("check", venv, req, small) == small, "a fresh CI job: only what check needs"
    assert make.requirements_for("build", venv, req, small) == req
    assert make.requirements_for("test", venv, req, small) == req
    python = make.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text("")
    (venv / make.STAMP_NAME).write_text(make.file_hash(req) + "\n")
    assert make.requirements_for("check", venv, req, small) == req, "everything is installed already: use it"
    small.unlink()
    (venv / make.STAMP_NAME).unlink()
    assert make.requirements_for("check", venv, req, small) == req


def test_make_runs_npm_ci_only_for_a_new_lock(make, tmp_path: Path) -> None:
    assert not make.node_modules_stale(tmp_path), "no package.json: nothing to install"
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    assert make.node_modules_stale(tmp_path)
    (tmp_path / "node_modules").mkdir()
    stamp = tmp_path / "node_modules" / make.NPM_STAMP_NAME
    stamp.write_text(make.file_hash(tmp_path / "package.json", tmp_path / "package-lock.json"))
    assert not make.node_modules_stale(tmp_path)
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}')
    assert make.node_modules_stale(tmp_path)


def test_make_test_runs_on_every_core_unless_told_otherwise(make) -> None:
    spread = ["-n", "2", "--dist", "loadgroup"]
    assert make.pytest_args([], workers=2) == spread
    assert make.pytest_args(["tests/test_site.py", "-x"], workers=2) == [*spread, "tests/test_site.py", "-x"]
    for own in (
        ["-n", "4"],
        ["-n4"],
        ["--numprocesses=3"],
        ["-p", "no:xdist"],
        ["-pno:xdist"],
        ["--pdb"],
        ["--dist", "load"],
    ):
        assert make.pytest_args(["tests", *own], workers=2) == ["tests", *own], own
    assert make.pytest_args(["tests"], workers=1) == ["tests"], "one core: no workers to spread over"
    assert make.worker_count() >= 1


def test_make_uses_only_the_standard_library() -> None:
    source = (REPO / "make.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:import|from) (\w+)", source, flags=re.M))
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_make_explains_itself() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "make.py"), "--help"], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode == 0 and "make.py test" in done.stdout


def test_make_lists_every_task_and_how_to_get_its_help() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "make.py"), "--help"], capture_output=True, text=True, check=False, cwd=REPO
    )
    listed = {  # a task's line starts two spaces in; a long summary goes on, further in
        line.split()[0] for line in done.stdout.split("Tasks:\n", 1)[1].splitlines() if re.match(r"  \S", line)
    }
    from invoke import Collection

    assert listed == set(Collection.from_module(tasks).task_names), listed
    assert "python3 make.py TASK --help" in done.stdout


def test_task_help_names_the_command_an_editor_types() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "make.py"), "new", "--help"], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python3 make.py new [options]\n"), done.stdout
    assert "inv[oke]" not in done.stdout and "--core-opts" not in done.stdout
