"""A small local web server for previews: a built tree under a path prefix, with the 404 pages.

Only for looking at a build on your own computer (it binds to 127.0.0.1 unless told
otherwise); the real server is nginx, configured by `deploy/nginx.conf.template`.
"""

from __future__ import annotations

import functools
import http.server
import logging
import posixpath
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
}
"""The types nginx is configured to send too, so a preview behaves like the real site."""

log = logging.getLogger(__name__)
"""Request lines of the preview server (INFO); `tasks.py serve` prints them."""


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` at `prefix`/, answers unknown paths with the right language's 404 page."""

    prefix = ""
    languages: tuple[str, ...] = ("en",)

    def log_message(self, format: str, *args) -> None:
        # To a logger, not straight to stderr: tests and CI serve builds in threads, and their
        # request lines would land in the middle of pytest's output. `invoke serve` shows them.
        log.info("%s %s", self.address_string(), format % args)

    def _local_path(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        if self.prefix and path != self.prefix and not path.startswith(self.prefix + "/"):
            return None
        return path[len(self.prefix):] or "/"

    def translate_path(self, path: str) -> str:
        return super().translate_path(self._local_path() or "/")

    def send_head(self):
        if self.prefix and urlsplit(self.path).path == self.prefix:
            self.send_response(301)
            self.send_header("Location", self.prefix + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self._local_path() is None:
            self.send_error(404)
            return None
        return super().send_head()

    def guess_type(self, path: str) -> str:
        return CONTENT_TYPES.get(posixpath.splitext(str(path))[1].lower()) or super().guess_type(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page() if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path | None:
        root = Path(self.directory)
        local = self._local_path() or "/"
        for lang in self.languages:
            if local.startswith(f"/{lang}/") and (root / lang / "404.html").is_file():
                return root / lang / "404.html"
        page = root / "404.html"
        return page if page.is_file() else None


class PreviewServer(http.server.ThreadingHTTPServer):
    """The standard threading server, quiet when a browser drops a connection it no longer needs."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Print a handler's failure, except a client that went away (a cancelled load is no error)."""
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return
        super().handle_error(request, client_address)


def make_server(
    root: Path, *, prefix: str = "", host: str = "127.0.0.1", port: int = 8000
) -> http.server.ThreadingHTTPServer:
    """A server for the tree at `root` under the URL path `prefix` ("" or "/ssc2020").

    The handler gets the directory as a path, not the current directory, and resolves it on
    every request: an atomic build that swaps a new tree into place is served at once.
    """
    handler = type("Handler", (PreviewHandler,), {"prefix": prefix.rstrip("/")})
    return PreviewServer((host, port), functools.partial(handler, directory=str(root)))
