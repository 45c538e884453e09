"""The sub-path build served by nginx with the shipped configuration, as readers will get it."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from publish_helpers import subpath_output

from ssc_deploy import nginx

# Skipped on a developer's machine without nginx; on CI (CI=true) a missing nginx is an error.
pytestmark = [
    pytest.mark.skipif(
        nginx.nginx_binary() is None and not os.environ.get("CI"),
        reason="nginx is not installed (Debian package nginx)",
    ),
    # The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
    pytest.mark.xdist_group("publish-builds"),
]


@dataclass
class Reply:
    """One HTTP answer, redirects not followed."""

    status: int
    headers: Message
    body: bytes

    @property
    def type(self) -> str:
        """The media type, without parameters."""
        return self.headers.get_content_type()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


@dataclass
class Server:
    """The running nginx and the tree it serves."""

    base: str
    root: Path
    prefix: Path

    def get(self, path: str, *, gzip_ok: bool = False) -> Reply:
        """GET `path` (below the host) and return the answer, errors included."""
        headers = {"Accept-Encoding": "gzip"} if gzip_ok else {"Accept-Encoding": "identity"}
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=10) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.headers, err.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = subpath_output()
    prefix = tmp_path_factory.mktemp("nginx")
    port = nginx.free_port()
    conf = nginx.prepare(root=root, prefix=prefix, port=port)
    process = subprocess.Popen(nginx.command(conf, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        yield Server(f"http://127.0.0.1:{port}", root, prefix)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _some(root: Path, pattern: str) -> str:
    """The site path of the first file matching `pattern` (so the test follows the content)."""
    matches = sorted(root.glob(pattern))
    assert matches, f"the build has no {pattern}"
    return "/ssc2020/" + matches[0].relative_to(root).as_posix().removesuffix("index.html")


PAGES = [
    "/ssc2020/",
    "/ssc2020/en/",
    "/ssc2020/timetable/",
    "/ssc2020/en/timetable/",
    "/ssc2020/search/",
    "/ssc2020/en/search/",
    "/ssc2020/news/",
    "/ssc2020/about/",
    "/ssc2020/en/venue/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_served_as_built(server: Server, path: str) -> None:
    reply = server.get(path)
    assert reply.status == 200
    assert reply.type == "text/html"
    assert reply.headers.get_content_charset() == "utf-8"
    assert reply.body == (server.root / path.removeprefix("/ssc2020/") / "index.html").read_bytes()


@pytest.mark.parametrize(
    "pattern",
    [
        "sessions/*/index.html",
        "speakers/*/index.html",
        "cases/*/index.html",
        "en/sessions/*/index.html",
        "en/speakers/*/index.html",
    ],
)
def test_content_pages_are_served(server: Server, pattern: str) -> None:
    reply = server.get(_some(server.root, pattern))
    assert reply.status == 200 and reply.type == "text/html"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/ssc2020/feeds/news.atom.xml", "application/xml"),
        ("/ssc2020/en/feeds/news.atom.xml", "application/xml"),
        ("/ssc2020/schedule.ics", "text/calendar"),
        ("/ssc2020/en/schedule.ics", "text/calendar"),
        ("/ssc2020/schedule.xml", "application/xml"),
        ("/ssc2020/schedule.json", "application/json"),
        ("/ssc2020/en/schedule.json", "application/json"),
        ("/ssc2020/sitemap.xml", "application/xml"),
        ("/ssc2020/robots.txt", "text/plain"),
        ("/ssc2020/pagefind/pagefind.js", "text/javascript"),
        ("/ssc2020/pagefind/pagefind-entry.json", "application/json"),
    ],
)
def test_feeds_calendars_exports_and_search_index_have_their_types(server: Server, path: str, media_type: str) -> None:
    reply = server.get(path)
    assert reply.status == 200, path
    assert reply.type == media_type
    assert reply.body == (server.root / path.removeprefix("/ssc2020/")).read_bytes()


def test_theme_assets_are_served(server: Server) -> None:
    styles = sorted((server.root / "theme").rglob("*.css"))
    scripts = sorted((server.root / "theme").rglob("*.js"))
    assert styles and scripts
    for path, media_type in [(styles[0], "text/css"), (scripts[0], "text/javascript")]:
        reply = server.get("/ssc2020/" + path.relative_to(server.root).as_posix())
        assert (reply.status, reply.type) == (200, media_type)


def test_search_index_chunks_are_served(server: Server) -> None:
    for pattern in ["pagefind/*.pf_meta", "pagefind/index/*", "pagefind/fragment/*"]:
        reply = server.get(_some(server.root, pattern).rstrip("/"))
        assert reply.status == 200, pattern
        assert reply.headers.get("Content-Encoding") is None  # Pagefind's chunks are gzip data it reads itself


@pytest.mark.parametrize(
    "path", ["/ssc2020/", "/ssc2020/en/timetable/", "/ssc2020/theme/css/site.css", "/ssc2020/schedule.json"]
)
def test_gzip_clients_get_the_precompressed_file(server: Server, path: str) -> None:
    local = server.root / path.removeprefix("/ssc2020/")
    if local.is_dir():
        local = local / "index.html"
    reply = server.get(path, gzip_ok=True)
    assert reply.status == 200
    assert reply.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in reply.headers.get("Vary", "")
    assert reply.body == local.with_name(local.name + ".gz").read_bytes(), "nginx compressed it itself"
    assert gzip.decompress(reply.body) == local.read_bytes()
    assert server.get(path).headers.get("Content-Encoding") is None


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/ssc2020/no-such-page/", "404.html"),
        ("/ssc2020/sessions/no-such-session/", "404.html"),
        ("/ssc2020/en/no-such-page/", "en/404.html"),
        ("/ssc2020/en/theme-nothing.css", "en/404.html"),
    ],
)
def test_missing_pages_get_the_404_page_of_their_language(server: Server, path: str, page: str) -> None:
    reply = server.get(path)
    assert reply.status == 404
    assert reply.type == "text/html"
    assert reply.body == (server.root / page).read_bytes()


def test_paths_without_trailing_slash_redirect_within_the_sub_path(server: Server) -> None:
    reply = server.get("/ssc2020")
    assert (reply.status, reply.headers["Location"]) == (301, "/ssc2020/")
    session = _some(server.root, "sessions/*/index.html")
    reply = server.get(session.rstrip("/"))
    assert (reply.status, reply.headers["Location"]) == (301, session)


def test_config_has_no_placeholders_left(server: Server) -> None:
    text = (server.prefix / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"@@[A-Z_]+@@", text) is None
    assert "gzip_static on;" in text


# --- security headers --------------------------------------------------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "Referrer-Policy", "Permissions-Policy", "X-Content-Type-Options")


def _csp(reply: Reply) -> dict[str, list[str]]:
    """The Content-Security-Policy of an answer as {directive: [sources]}."""
    policy: dict[str, list[str]] = {}
    for part in reply.headers.get("Content-Security-Policy", "").split(";"):
        if part.strip():
            name, *sources = part.split()
            policy[name] = sources
    return policy


@pytest.mark.parametrize(
    "path",
    [
        "/ssc2020/",
        "/ssc2020/en/timetable/",
        "/ssc2020/theme/css/site.css",
        "/ssc2020/schedule.ics",
        "/ssc2020/feeds/news.atom.xml",
        "/ssc2020/pagefind/pagefind.js",
        "/ssc2020/no-such-page/",
        "/ssc2020/en/no-such-page/",
        "/ssc2020/.manifest.json",
    ],
)
def test_every_answer_carries_the_security_headers(server: Server, path: str) -> None:
    # A nested location with an add_header of its own would silently drop these: ask every kind.
    for gzip_ok in (False, True):
        reply = server.get(path, gzip_ok=gzip_ok)
        missing = [name for name in SECURITY_HEADERS if not reply.headers.get(name)]
        assert missing == [], f"{path} ({reply.status}) lacks {missing}"
    nested = server.get(_some(server.root, "pagefind/index/*").rstrip("/"))
    assert nested.headers.get("Content-Security-Policy") == reply.headers.get("Content-Security-Policy")


def test_content_security_policy_allows_only_the_site_and_the_video_frame(server: Server) -> None:
    policy = _csp(server.get("/ssc2020/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    every_source = {source for sources in policy.values() for source in sources}
    assert not every_source & {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}


def test_referrer_and_permissions_policies(server: Server) -> None:
    reply = server.get("/ssc2020/en/")
    assert reply.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    features = dict(item.strip().split("=", 1) for item in reply.headers["Permissions-Policy"].split(","))
    for denied in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[denied] == "()"
    for granted in ("autoplay", "fullscreen", "encrypted-media", "picture-in-picture"):
        assert features[granted] == '("https://www.youtube-nocookie.com")'


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/ssc2020/.manifest.json", "404.html"),
        ("/ssc2020/en/.manifest.json", "en/404.html"),
        ("/ssc2020/theme/.env", "404.html"),
    ],
)
def test_dot_files_are_never_served(server: Server, path: str, page: str) -> None:
    hidden = server.root / path.removeprefix("/ssc2020/")
    hidden.write_text('{"secret": true}', encoding="utf-8")
    try:
        reply = server.get(path)
    finally:
        hidden.unlink()
    assert reply.status == 404
    assert reply.body == (server.root / page).read_bytes()


def test_hsts_is_documented_for_production_but_not_sent_over_plain_http(server: Server) -> None:
    assert "Strict-Transport-Security" not in server.get("/ssc2020/").headers
    assert '#     add_header Strict-Transport-Security "max-age=31536000" always;' in nginx.TEMPLATE.read_text()


# --- caching: lifetimes and validators ----------------------------------------------------------

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300, must-revalidate"


def _loaded_assets(server: Server, page: str) -> list[str]:
    """The addresses of the style sheets and scripts a page loads (fingerprinted by the build)."""
    html = server.get(page).body.decode("utf-8")
    return re.findall(r'<(?:link rel="stylesheet" href|script[^>]* src)="(/ssc2020/[^"]+)"', html)


def test_fingerprinted_assets_are_cached_for_a_year_and_everything_else_revalidates(server: Server) -> None:
    assets = _loaded_assets(server, "/ssc2020/") + _loaded_assets(server, "/ssc2020/en/search/")
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    hashed = [
        *assets,
        _some(server.root, "pagefind/index/*").rstrip("/"),
        _some(server.root, "pagefind/fragment/*").rstrip("/"),
        _some(server.root, "pagefind/*.pf_meta"),
    ]
    for path in hashed:
        for gzip_ok in (False, True):
            reply = server.get(path, gzip_ok=gzip_ok)
            assert (reply.status, reply.headers.get("Cache-Control")) == (200, IMMUTABLE), path
            assert reply.headers.get("Content-Security-Policy"), f"{path} lost the security headers"
    short = [
        "/ssc2020/",
        "/ssc2020/en/timetable/",
        "/ssc2020/feeds/news.atom.xml",
        "/ssc2020/schedule.ics",
        "/ssc2020/en/schedule.json",
        "/ssc2020/version.txt",
        "/ssc2020/sitemap.xml",
        "/ssc2020/pagefind/pagefind.js",
        "/ssc2020/pagefind/pagefind-entry.json",
        "/ssc2020/theme/css/site.css",
    ]  # the plain name of an asset: it changes in place
    for path in short:
        reply = server.get(path, gzip_ok=True)
        assert (reply.status, reply.headers.get("Cache-Control")) == (200, REVALIDATE), path
    missing = server.get("/ssc2020/theme/css/site.0badc0de.css")
    assert missing.status == 404 and missing.headers.get("Cache-Control") is None


def _build_pair(base: Path) -> tuple[Path, Path, str, str]:
    """Two builds of one content, the second with one session's text changed.

    The first is the group's `invoke build --subpath` of the real content (`subpath_output`, made
    once per process and only read here); the second builds a copy of that content with the change.
    Returns both trees, the changed page's address and an unchanged page's address.
    """
    from invoke import Context
    from publish_helpers import REPO

    import tasks

    content = base / "content"
    shutil.copytree(REPO / "content", content)
    first = subpath_output()
    session = sorted((content / "sessions").glob("*.ko.md"))[0]
    text = session.read_text(encoding="utf-8")
    # A paragraph said twice: no new character, so the subset fonts (and the style sheet naming
    # them) stay the same and only this page changes.
    last = [line for line in text.splitlines() if line.strip()][-1]
    session.write_text(f"{text.rstrip()}\n\n{last}\n", encoding="utf-8")
    second = base / "second"
    tasks.build(Context(), subpath=True, output=str(second), content=str(content))
    changed = [
        p.relative_to(second).as_posix()
        for p in sorted(second.rglob("index.html"))
        if p.read_bytes() != (first / p.relative_to(second)).read_bytes()
    ]
    assert len(changed) == 1, changed
    return first, second, "/ssc2020/" + changed[0].removesuffix("index.html"), "/ssc2020/about/"


def test_a_rebuilt_page_gets_new_validators_and_an_unchanged_one_answers_304(tmp_path: Path) -> None:
    first, second, changed, unchanged = _build_pair(tmp_path)
    current = tmp_path / "current"  # as on the server: a link switched from one release to the next
    current.symlink_to(first)
    prefix = tmp_path / "nginx"
    port = nginx.free_port()
    conf = nginx.prepare(root=current, prefix=prefix, port=port)
    process = subprocess.Popen(nginx.command(conf, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(f"http://127.0.0.1:{port}", current, prefix)

    def conditional(path: str, gzip_ok: bool, **headers: str) -> int:
        opener = urllib.request.build_opener(_NoRedirect)
        headers["Accept-Encoding"] = "gzip" if gzip_ok else "identity"
        try:
            with opener.open(urllib.request.Request(server.base + path, headers=headers), timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        before = {(p, gz): server.get(p, gzip_ok=gz).headers for p in (changed, unchanged) for gz in (False, True)}
        current.unlink()
        current.symlink_to(second)
        for gzip_ok in (False, True):
            old_changed, old_unchanged = before[(changed, gzip_ok)], before[(unchanged, gzip_ok)]
            new_changed = server.get(changed, gzip_ok=gzip_ok).headers
            assert new_changed["ETag"] != old_changed["ETag"]
            assert new_changed["Last-Modified"] != old_changed["Last-Modified"]
            assert server.get(unchanged, gzip_ok=gzip_ok).headers["ETag"] == old_unchanged["ETag"]
            assert conditional(changed, gzip_ok, **{"If-None-Match": old_changed["ETag"]}) == 200
            assert conditional(changed, gzip_ok, **{"If-Modified-Since": old_changed["Last-Modified"]}) == 200
            assert conditional(unchanged, gzip_ok, **{"If-None-Match": old_unchanged["ETag"]}) == 304
            assert conditional(unchanged, gzip_ok, **{"If-Modified-Since": old_unchanged["Last-Modified"]}) == 304
    finally:
        process.terminate()
        process.wait(timeout=10)
