"""The web editor (plugins/ssc_editor): its configuration agrees with the schema, its file format
writes our files back byte for byte, and only preview builds carry it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from ssc_editor import config as editor_config
from ssc_editor.plugin import BUNDLE, add_editor, write_admin
from ssc_forum import schema

NODE = shutil.which("node")


def _settings(name: str) -> dict[str, Any]:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / name))


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """admin/ as a preview build writes it."""
    return write_admin(tmp_path_factory.mktemp("editor"), _settings("pelicanconf.py"))


@pytest.fixture(scope="module")
def config(admin: Path) -> dict[str, Any]:
    return yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))


WIDGETS = {
    schema.TEXT: "string",
    schema.LANG: "ssc-lang",
    schema.DATE: "datetime",
    schema.TIME: "datetime",
    schema.INT: "number",
    schema.IMAGE: "image",
    schema.MEDIA: "string",
    schema.SLUG: "string",
}


def test_every_content_type_is_a_collection_with_every_field_of_the_schema(config: dict[str, Any]) -> None:
    collections = {c["name"]: c for c in config["collections"]}
    assert sorted(collections) == sorted(ct.folder for ct in schema.CONTENT_TYPES)
    for ct in schema.CONTENT_TYPES:
        col = collections[ct.folder]
        assert col["folder"] == f"content/{ct.folder}" and col["format"] == "pelican" and col["i18n"] is True
        fields = {f["name"]: f for f in col["fields"]}
        assert list(fields) == [f.name for f in ct.fields] + ["body"], ct.name
        for f in ct.fields:
            got = fields[f.name]
            where = f"{ct.name}.{f.name}"
            assert got["required"] is f.required, where
            assert f.help_ko in got["hint"] and f.help_en in got["hint"], where
            assert got["i18n"] == ("duplicate" if f.shared or f.name == "slug" else True), where
            if f.choices:
                assert (got["widget"], got["options"]) == ("select", list(f.choices)), where
            elif f.refers_to in schema.BY_NAME:
                assert got["widget"] == "relation", where
                assert got["collection"] == schema.BY_NAME[f.refers_to].folder, where
                assert got["multiple"] is (f.kind is schema.SLUGS), where
            else:
                assert got["widget"] == WIDGETS[f.kind], where
            if f.kind is schema.DATE:
                assert got["format"] == "YYYY-MM-DD" and got["time_format"] is False, where
            if f.kind is schema.TIME:
                assert got["format"] == "HH:mm" and got["date_format"] is False, where
            if f.kind is schema.SLUG and f.refers_to not in schema.BY_NAME:
                assert got["pattern"][0] == schema.SLUG_RE.pattern, where
        assert ct.body_help_ko in fields["body"]["hint"]


def test_both_languages_are_twin_files_and_the_interface_is_korean(config: dict[str, Any]) -> None:
    assert config["locale"] == "ko" and config["publish_mode"] == "editorial_workflow"
    # The files' languages are the site's (the settings' table); the interface stays Korean.
    assert config["i18n"] == {"structure": "multiple_files", "locales": ["ko", "en"], "default_locale": "ko"}
    assert config["media_folder"] == "content/images" and config["public_folder"] == "images"


def test_the_configuration_follows_a_change_of_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    before = editor_config.editor_config(_settings("pelicanconf.py"))
    speaker = schema.SPEAKER
    extra = schema.Field("pronouns", schema.TEXT, True, "How to refer to the person.", "호칭.")
    monkeypatch.setattr(
        schema,
        "CONTENT_TYPES",
        tuple(
            ct if ct is not speaker else schema.ContentType(**{**speaker.__dict__, "fields": speaker.fields + (extra,)})
            for ct in schema.CONTENT_TYPES
        ),
    )
    after = editor_config.editor_config(_settings("pelicanconf.py"))
    assert before != after
    speakers = next(c for c in after["collections"] if c["name"] == "speakers")
    assert speakers["fields"][-2]["name"] == "pronouns" and speakers["fields"][-2]["required"] is True


def test_the_written_config_is_the_generated_one(admin: Path, config: dict[str, Any]) -> None:
    assert config == editor_config.editor_config(_settings("pelicanconf.py"))
    page = (admin / "index.html").read_text(encoding="utf-8")
    for script in ("manual-init.js", "decap-cms.js", "schema.js", "pelican-format.js", "init.js"):
        assert f'<script src="{script}"></script>' in page
        assert (admin / script).is_file(), script
    assert "<script>" not in page and "style=" not in page  # nothing inline: the editor's CSP allows none


def test_the_bundle_is_the_pinned_package(admin: Path) -> None:
    import json

    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["decap-cms"]
    shipped = json.loads((BUNDLE.parent / "package.json").read_text())["version"]
    assert shipped == pinned
    assert (admin / "decap-cms.js").read_bytes() == (BUNDLE / "decap-cms.js").read_bytes()
    assert len(list(admin.glob("*.decap-cms.js"))) == len(list(BUNDLE.glob("*.decap-cms.js"))) > 10


class _Run:
    def __init__(self, settings: dict[str, Any], output: Path) -> None:
        self.settings = {**settings, "OUTPUT_PATH": str(output)}
        self.output_path = str(output)


def test_only_the_preview_build_carries_the_editor(tmp_path: Path) -> None:
    preview, published = tmp_path / "preview", tmp_path / "published"
    add_editor(_Run(_settings("pelicanconf.py"), preview))
    add_editor(_Run(_settings("publishconf.py"), published))
    assert (preview / "admin" / "config.yml").is_file()
    assert not published.exists()
    turned_on = {**_settings("publishconf.py"), "EDITOR": {"enabled": True}}
    add_editor(_Run(turned_on, published))
    assert (published / "admin" / "decap-cms.js").is_file()


@pytest.mark.skipif(NODE is None, reason="node is needed for the editor's format")
def test_the_file_format_writes_every_content_file_back_byte_for_byte(admin: Path) -> None:
    script = ROOT / "tests" / "js" / "pelican-format.test.mjs"
    done = subprocess.run(
        [NODE, "--test", "--test-reporter=dot", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SSC_SCHEMA_JS": str(admin / "schema.js"), "SSC_CONTENT": str(ROOT / "content")},
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- served by nginx ---------------------------------------------------------------------------


def _policy(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture(scope="module")
def nginx_server(tmp_path_factory: pytest.TempPathFactory, admin: Path) -> Iterator[str]:
    """nginx with the shipped configuration over a tree holding the editor and one public page."""
    from ssc_deploy import nginx

    if nginx.nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx)")
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(admin, root / "admin")
    (root / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    prefix = tmp_path_factory.mktemp("nginx")
    port = nginx.free_port()
    conf = nginx.prepare(root=root, prefix=prefix, port=port)
    process = subprocess.Popen(nginx.command(conf, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(url: str) -> tuple[int, Any, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_the_editor_has_its_own_policy_and_the_public_pages_keep_theirs(nginx_server: str) -> None:
    status, headers, _ = _get(f"{nginx_server}/ssc2020/admin/")
    assert status == 200
    editor = _policy(headers["Content-Security-Policy"])
    assert editor["script-src"] == ["'self'", "'unsafe-eval'"]  # Ajv compiles Decap's config check
    assert "'unsafe-inline'" not in editor["script-src"] and editor["frame-ancestors"] == ["'none'"]
    assert set(editor["connect-src"]) == {"'self'", "https://gitlab.com", "https://api.github.com"}
    assert headers["X-Robots-Tag"] == "noindex, nofollow" and headers["Cache-Control"] == "no-cache, private"
    _, public_headers, _ = _get(f"{nginx_server}/ssc2020/")
    public = _policy(public_headers["Content-Security-Policy"])
    assert public["script-src"] == ["'self'", "'wasm-unsafe-eval'"] and public["style-src"] == ["'self'"]
    for name, kind in (
        ("config.yml", "text/yaml"),
        ("decap-cms.js", "text/javascript"),
        ("pelican-format.js", "text/javascript"),
    ):
        status, headers, _ = _get(f"{nginx_server}/ssc2020/admin/{name}")
        assert status == 200 and headers.get_content_type() == kind, name
        assert _policy(headers["Content-Security-Policy"]) == editor, name


# --- the local backend -------------------------------------------------------------------------


def test_the_local_backend_refuses_a_taken_port_and_a_folder_without_content(tmp_path: Path) -> None:
    import socket

    from ssc_editor.local import LocalBackend, LocalBackendError

    with pytest.raises(LocalBackendError, match="has no content/ folder"):
        LocalBackend(tmp_path, port=1).start()
    (tmp_path / "content").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LocalBackendError, match=f"127.0.0.1:{port} is already in use"):
            LocalBackend(tmp_path, port=port).start()


@pytest.mark.skipif(NODE is None, reason="node is needed for the local backend")
def test_the_local_backend_writes_into_the_folder_it_is_given_and_stops(tmp_path: Path) -> None:
    import json
    import socket
    import urllib.request

    from ssc_deploy.nginx import free_port
    from ssc_editor.local import LocalBackend

    (tmp_path / "content" / "speakers").mkdir(parents=True)
    port = free_port()
    entry = {"path": "content/speakers/a.ko.md", "slug": "a", "raw": "Title: A\n"}
    options = {"commitMessage": "a", "useWorkflow": False, "status": "draft"}
    body = {
        "action": "persistEntry",
        "params": {"branch": "main", "dataFiles": [entry], "assets": [], "options": options},
    }
    with LocalBackend(tmp_path, port=port) as backend:
        request = urllib.request.Request(
            backend.url, method="POST", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.status == 200
    assert (tmp_path / "content" / "speakers" / "a.ko.md").read_text(encoding="utf-8") == "Title: A\n"
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the backend still answers after its with block"


@pytest.mark.skipif(NODE is None or not Path("/proc").is_dir(), reason="node and Linux's /proc are needed here")
def test_the_local_backend_ends_with_the_process_that_started_it_even_when_that_is_killed(tmp_path: Path) -> None:
    """`make.py edit` killed outright (SIGKILL) cannot stop decap-server: the kernel's parent-death signal does."""
    import os
    import signal
    import sys
    import time

    from ssc_deploy.nginx import free_port

    (tmp_path / "content").mkdir()
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from ssc_editor.local import LocalBackend\n"
        f"backend = LocalBackend(Path({str(tmp_path)!r}), port={free_port()})\n"
        "backend.start()\n"
        "print(backend.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    starter = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    server = int(starter.stdout.readline())
    assert "decap-server" in Path(f"/proc/{server}/cmdline").read_text(errors="replace")
    starter.send_signal(signal.SIGKILL)
    starter.wait()

    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    try:
        while running(server):
            assert time.monotonic() < deadline, "decap-server outlived the process that started it"
            time.sleep(0.05)
    finally:
        if running(server):  # the test failed: leave nothing running behind it
            os.kill(server, signal.SIGTERM)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--content", "docs"], "is not a folder named content"),
        (["--backend-port", "eighty"], "--backend-port eighty is not a port number"),
        (["--backend-port", "70000"], "--backend-port 70000 is not a port number"),
    ],
)
def test_the_edit_task_refuses_a_wrong_folder_or_port_in_one_line(options: list[str], message: str) -> None:
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "invoke", "edit", *options], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
