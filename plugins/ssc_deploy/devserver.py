"""A small local web server for previews: a built tree under a path prefix, with the 404 pages.

Only for looking at a build on your own computer (it binds to 127.0.0.1 unless told
otherwise); the real server is nginx, configured by `deploy/nginx.conf.template`.

With a `LiveChannel` (the `livereload` task) it also keeps open pages up to date: every HTML
answer gets one `<script>` (added as it is sent, never to the built files) that listens to
`/__preview/events`, a Server-Sent-Events stream of the preview's state. A page reloads when
the build it was served from is no longer the current one, and shows the content problems of
a saved mistake in a dialog over the last good page until they are fixed.
"""

from __future__ import annotations

import functools
import html
import http.server
import io
import itertools
import json
import logging
import os
import posixpath
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ssc_forum.messages import current_language, render, tr

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

PREVIEW_PATH = "/__preview/"
NOT_LIVE = ("/admin/",)
"""Pages served as they are, without the live script: the editor (ssc_editor) must not reload under a
reader who is typing; the preview beside it does."""
"""Where a live preview serves its own script, style sheet and event stream: no built file is there."""

CLIENT_DIR = Path(__file__).with_name("preview_client")
"""The live preview's script and style sheet (`live.js`, `live.css`), never part of a build."""

OVERLAY_TEXT = {
    "title": tr("What you saved has a problem"),
    "intro": tr(
        "Fix the problems below and save: this box closes by itself and the page reloads. "
        "Until then, the page is the last one built without problems."
    ),
    "close": tr("Close"),
    "where": tr("{file}, line {line}", file="{file}", line="{line}"),  # filled in by live.js
}
"""The words of the dialog over a page that shows a saved mistake, in the editor's language (as the problems
in it are, and the terminal's lines): given to the script in its tag, so `live.js` holds no text of its own."""

KEEP_ALIVE_SECONDS = 15.0
"""How often a quiet event stream sends a comment, so that a closed page's stream ends."""

_PROBLEM = re.compile(r"^(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<message>.+)$", re.DOTALL)


def parse_problem(text: str) -> dict[str, Any]:
    """One problem line of the content check as `{"file", "line", "message"}`.

    The check writes `content/sessions/keynote.ko.md:5: field 'day': …`; a line that names no
    file (a template's error, say) is all message, with `file` and `line` None.
    """
    found = _PROBLEM.match(text)
    if found and ("/" in found["file"] or found["line"]):
        return {
            "file": found["file"],
            "line": int(found["line"]) if found["line"] else None,
            "message": found["message"],
        }
    return {"file": None, "line": None, "message": text}


class LiveChannel:
    """What the open pages of a live preview hear: the current build, and the problems of a saved mistake.

    The state is one small JSON object, `{"build", "kind", "ms", "problems"}`. `build` is a new
    name after every build that wrote pages (and after a restart of the preview: it starts with
    the process and its start time), so a page served from an older build reloads. `problems`
    is the list of a failed update (`parse_problem`), empty once the content is right again.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._run = f"{os.getpid():x}-{time.time_ns():x}"
        self._numbers = itertools.count()
        self._seq = 0
        self._closed = False
        self._state: dict[str, Any] = {"build": self._next_build(), "kind": "starting", "ms": 0, "problems": []}

    def _next_build(self) -> str:
        return f"{self._run}-{next(self._numbers)}"

    @property
    def build(self) -> str:
        """The name of the build being served now."""
        with self._changed:
            return str(self._state["build"])

    def current(self) -> tuple[int, dict[str, Any]]:
        """The state now and its sequence number (for `wait`)."""
        with self._changed:
            return self._seq, dict(self._state)

    def _publish(self, **state: Any) -> None:
        with self._changed:
            self._state = {**self._state, **state}
            self._seq += 1
            self._changed.notify_all()

    def built(self, kind: str, seconds: float) -> None:
        """New pages are on disk (call it after they are written): every open page reloads."""
        with self._changed:
            build = self._next_build()
        self._publish(build=build, kind=kind, ms=round(1000 * seconds, 1), problems=[])

    def failed(self, problems: list[str], seconds: float) -> None:
        """A saved mistake: the last good build stays, the open pages show `problems`."""
        self._publish(kind="failed", ms=round(1000 * seconds, 1), problems=[parse_problem(p) for p in problems])

    def fixed(self) -> None:
        """The content is right again without a new build (an edit undone): the pages drop the problems."""
        with self._changed:
            if not self._state["problems"]:
                return
        self._publish(kind="unchanged", problems=[])

    def wait(self, seq: int, timeout: float) -> tuple[int, dict[str, Any]] | None:
        """The state once it is newer than `seq`; None after `timeout` seconds, or at once when closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._seq != seq or self._closed, timeout)
            if self._closed or self._seq == seq:
                return None
            return self._seq, dict(self._state)

    @property
    def closed(self) -> bool:
        """True once the preview stops: event streams end."""
        return self._closed

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def overlay_text() -> str:
    """The dialog's words as JSON, in the language messages are printed in now, with that language's code."""
    words = {name: str(message) for name, message in OVERLAY_TEXT.items()}
    return json.dumps({**words, "lang": current_language()}, ensure_ascii=False)


def inject(page: bytes, tag: bytes) -> bytes:
    """`page` with `tag` just before its closing `</body>` (at its end if it has none)."""
    at = page.rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` at `prefix`/, answers unknown paths with the right language's 404 page."""

    prefix = ""
    languages: tuple[str, ...] = ("en",)
    live: LiveChannel | None = None  # a live preview: pages get its script, /__preview/ its files

    def do_GET(self) -> None:
        if self.live is not None and urlsplit(self.path).path.startswith(PREVIEW_PATH):
            self._preview_request(urlsplit(self.path).path[len(PREVIEW_PATH) :])
            return
        super().do_GET()

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "cache-control":
            self._cache_control_sent = True
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        # A preview changes under the browser: it asks again every time (a 304 when a file is unchanged).
        if self.live is not None and not getattr(self, "_cache_control_sent", False):
            self.send_header("Cache-Control", "no-cache")
        self._cache_control_sent = False
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        # To a logger, not straight to stderr: tests and CI serve builds in threads, and their
        # request lines would land in the middle of pytest's output. `invoke serve` shows them.
        log.info("%s %s", self.address_string(), format % args)

    def _local_path(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        if self.prefix and path != self.prefix and not path.startswith(self.prefix + "/"):
            return None
        return path[len(self.prefix) :] or "/"

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
        page = self._html_file() if self.live is not None else None
        if page is not None:
            try:
                body = self._live_page(page)
            except OSError:  # removed by an update since it was looked up: as if it had never been there
                self.send_error(404)
                return None
            self._send_page(200, body)
            return io.BytesIO(body)
        return super().send_head()

    def _html_file(self) -> Path | None:
        """The HTML file a GET of this path answers with, if it is one (a folder's index.html)."""
        if (self._local_path() or "/").startswith(NOT_LIVE):
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return None  # the standard handler redirects to the address with a slash
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def _live_page(self, page: Path) -> bytes:
        """The page with the live preview's script, which names the build it comes from."""
        assert self.live is not None
        # The build's name first, the file after: a page written by a newer build than the name it
        # carries only reloads once more, never the other way round (an old page that never reloads).
        build = self.live.build
        tag = (
            f'<script src="{PREVIEW_PATH}live.js" data-build="{build}" data-events="{PREVIEW_PATH}events" '
            f'data-text="{html.escape(overlay_text())}"></script>'
        )
        return inject(page.read_bytes(), tag.encode())

    def _send_page(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _preview_request(self, name: str) -> None:
        """The live preview's own answers: its event stream, its script and style sheet."""
        if name == "events":
            self._event_stream()
            return
        client = CLIENT_DIR / name
        if name not in ("live.js", "live.css") or not client.is_file():
            self.send_error(404)
            return
        body = client.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(name))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _event_stream(self) -> None:
        """Server-Sent Events: the state at once, then every change of it, until the page or the preview goes."""
        assert self.live is not None
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seq, state = self.live.current()
        try:
            while not self.live.closed:
                self.wfile.write(b"data: " + json.dumps(state, ensure_ascii=False).encode() + b"\n\n")
                self.wfile.flush()
                while (news := self.live.wait(seq, KEEP_ALIVE_SECONDS)) is None and not self.live.closed:
                    self.wfile.write(b": still here\n\n")  # fails once the page is gone, which ends this
                if news is None:
                    return
                seq, state = news
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return CONTENT_TYPES.get(posixpath.splitext(str(path))[1].lower()) or super().guess_type(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page() if code == 404 else None
        if page is None:
            super().send_error(code, message, explain)
            return
        if self.live is not None:
            body = self._live_page(page)
            self._send_page(404, body)
        else:
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
    root: Path, *, prefix: str = "", host: str = "127.0.0.1", port: int = 8000, live: LiveChannel | None = None
) -> http.server.ThreadingHTTPServer:
    """A server for the tree at `root` under the URL path `prefix` ("" or "/ssc2020").

    The handler gets the directory as a path, not the current directory, and resolves it on
    every request: an atomic build that swaps a new tree into place is served at once. With
    `live`, pages are served with the live preview's script (see `LiveChannel`); port 0 takes
    a free port (`server.server_address[1]`).
    """
    handler = type("Handler", (PreviewHandler,), {"prefix": prefix.rstrip("/"), "live": live})
    return PreviewServer((host, port), functools.partial(handler, directory=str(root)))


def serve_until_stopped(output: Path, prefix: str, host: str, port: int) -> None:
    """Serve the tree at `output` under `prefix` until Ctrl+C, printing each request (the `serve` task)."""
    server = make_server(output, prefix=prefix, host=host, port=port)
    # The request lines go to a logger (quiet in tests); whoever runs a preview by hand sees them.
    log.setLevel(logging.INFO)
    log.addHandler(logging.StreamHandler())
    url = f"http://{host}:{port}{prefix}/"
    print(render(tr("Serving {folder} at {url} (Ctrl+C stops)", folder=output, url=url)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
