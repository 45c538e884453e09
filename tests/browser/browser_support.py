"""What the browser checks share: the built sites, their servers, a visited page, axe.

Kept apart from conftest.py so that test modules can import the names they
parametrize over (page kinds, languages, variants) and the helpers.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Response

from conftest import build
from ssc_deploy.devserver import make_server

ROOT = Path(__file__).resolve().parents[2]
SUBPATH = "/ssc2020"
LANGS = ("ko", "en")
LANG_PREFIX = {"ko": "", "en": "/en"}
VARIANTS = ("root", "subpath")

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TIMEOUT_MS = 15_000
WEIGHT_LIMIT = 50 * 1024  # bytes of HTML+CSS+JS a page may load, uncompressed

# One page of every kind, by its path within a language site.
PAGE_KINDS: dict[str, str] = {
    "home": "/",
    "timetable": "/timetable/",
    "sessions": "/sessions/",
    "speakers": "/speakers/",
    "cases": "/cases/",
    "session": "/sessions/session-1-big-data/",
    "speaker": "/speakers/sokwoo-rhee/",
    "case": "/cases/helsinki/",
    "page": "/about/",
    "news": "/news/",
    "search": "/search/",
    "404": "/404.html",
}


@dataclass(frozen=True)
class Site:
    """One build of the site and the local server that serves it."""

    name: str  # "root" or "subpath"
    output: Path
    origin: str  # http://127.0.0.1:PORT
    prefix: str  # "" or "/ssc2020": where the site lives on the server

    def url(self, path: str, lang: str = "ko") -> str:
        """Absolute URL of `path` (as written in PAGE_KINDS) in the `lang` site."""
        return f"{self.origin}{self.prefix}{LANG_PREFIX[lang]}{path}"

    def html_files(self) -> list[Path]:
        """Every HTML page of the build, the search bundle's directory aside."""
        return sorted(p for p in self.output.rglob("*.html") if "pagefind" not in p.relative_to(self.output).parts)


# --- building ------------------------------------------------------------------------------


def build_site(output: Path, siteurl: str, **overrides: Any) -> None:
    """Build the whole site (both languages and the search index) into `output` for `siteurl`."""
    build(output, SITEURL=siteurl, **overrides)


# --- serving -------------------------------------------------------------------------------


def serve(directory: Path, prefix: str) -> tuple[ThreadingHTTPServer, str]:
    """Serve `directory` under `prefix` on 127.0.0.1 (a free port); returns server and origin.

    The preview server of `invoke preview`: outside the prefix everything is 404, and a
    missing page gets the language's 404 page with status 404, as nginx's `error_page` does.
    """
    server = make_server(directory, prefix=prefix, port=0)
    threading.Thread(target=server.serve_forever, name=f"serve {prefix or '/'}", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@dataclass
class VnuJob:
    """A running Nu Html Checker: one JVM over many files, its JSON report going to a file."""

    process: subprocess.Popen[bytes]
    report: Path

    def result(self, timeout: float = 300) -> tuple[int, str]:
        """Wait for the checker; its exit code and JSON report."""
        code = self.process.wait(timeout=timeout)
        return code, self.report.read_text(encoding="utf-8")

    def stop(self) -> None:
        """End the checker if nobody waited for it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start_vnu(files: list[Path], report: Path) -> VnuJob:
    """Start one JVM checking all `files`; vnu writes its JSON to stderr, kept in `report`.

    The report goes to a file, not a pipe, so that a long report cannot stall the
    checker while nobody reads it.
    """
    command = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)]
    with report.open("wb") as sink:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
    return VnuJob(process, report)


@dataclass
class Visit:
    """A page opened in a fresh context, with everything it asked for and everything that went wrong."""

    page: Page
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        """Requests to any host but 127.0.0.1 (data: and blob: URLs never leave the page)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
        ]

    def weight(self) -> dict[str, int]:
        """Bytes of HTML, CSS and JS the page loaded, by URL; the search bundle is left aside."""
        sizes: dict[str, int] = {}
        for response in self.responses:
            kind = response.request.resource_type
            if kind in ("document", "stylesheet", "script") and "/pagefind/" not in response.url:
                sizes[response.url] = len(response.body())
        return sizes


OpenPage = Callable[..., Visit]
SharedPage = Callable[..., Page]
"""`shared_page(url, **context_options)` (tests/browser/conftest.py): a kept page, `url` loaded anew."""


# --- axe -----------------------------------------------------------------------------------

_AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
}).then(result => result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + '\\n      ' + n.failureSummary.replace(/\\n/g, '\\n      ')),
})))"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; returns the violations of AXE_TAGS."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable account of axe violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.extend(f"    - {node}" for node in violation["nodes"][:8])
    return "\n".join(lines)


def url_path(url: str) -> str:
    """The path part of a URL, for comparisons independent of port and prefix."""
    return urlsplit(url).path


def page_url(site: Site, path: Path) -> str:
    """The URL path (with the site's prefix) a built HTML file is served at."""
    relative = path.relative_to(site.output).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return f"{site.prefix}/{relative}"


def facade_pages(site: Site) -> list[str]:
    """URL paths of the pages that hold a video facade (a YouTube player made on demand)."""
    return [page_url(site, p) for p in site.html_files() if 'class="video-facade"' in p.read_text("utf-8")]
