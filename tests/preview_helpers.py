"""The live preview as an editor runs it (`invoke livereload`), in its own process, on a copy of the content.

Shared by tests/test_livereload.py and tests/browser/test_livereload.py: the preview serves on a
free port of 127.0.0.1, and `Events` reads its Server-Sent-Events stream as a page does.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120.0


class PreviewProcess:
    """`python -m invoke livereload --content CONTENT --output OUTPUT` on a free port; `stop()` ends it.

    `task` and `options` run another task that serves a live preview the same way (`edit`); `environ`
    replaces the test run's environment (to run it in the editors' language, say).
    """

    def __init__(
        self,
        content: Path,
        output: Path,
        port: int = 0,
        *,
        task: str = "livereload",
        options: tuple[str, ...] = (),
        environ: dict[str, str] | None = None,
    ) -> None:
        base = os.environ if environ is None else environ
        env = {**base, "SSC_HOST": "127.0.0.1", "SSC_PORT": str(port), "PYTHONUNBUFFERED": "1"}
        self.content, self.output = content, output
        self.process = subprocess.Popen(
            [sys.executable, "-m", "invoke", task, "--content", str(content), "--output", str(output), *options],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new_line = threading.Condition()
        threading.Thread(target=self._read_output, daemon=True).start()
        found = self.wait_for_line(r"at (http://127\.0\.0\.1:\d+)/")
        self.origin = found.group(1)

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._new_line:
                self.lines.append(line.rstrip("\n"))
                self._new_line.notify_all()
        with self._new_line:
            self._new_line.notify_all()

    def wait_for_line(self, pattern: str, start: int = 0, timeout: float = TIMEOUT_S) -> re.Match[str]:
        """The first line of the terminal output (from line `start` on) that matches `pattern`."""
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                for line in self.lines[start:]:
                    found = re.search(pattern, line)
                    if found:
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no line matching {pattern!r}; the preview printed:\n" + self.printed)
                self._new_line.wait(min(left, 0.5))

    @property
    def printed(self) -> str:
        """Everything the preview printed so far."""
        return "\n".join(self.lines)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of one request."""
        parts = urlsplit(self.origin)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def events(self) -> Events:
        """A new subscription to the event stream."""
        return Events(self.origin)

    def stop(self) -> int:
        """Stop the preview as Ctrl+C does; returns its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class Events:
    """The preview's event stream as a page reads it: one JSON state per `data:` line."""

    def __init__(self, origin: str) -> None:
        parts = urlsplit(origin)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
        self.connection.request("GET", "/__preview/events")
        self.response = self.connection.getresponse()
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        self.states: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    self.states.put(json.loads(line[len("data: ") :]))
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = TIMEOUT_S) -> dict:
        """The next state the stream sends."""
        return self.states.get(timeout=timeout)

    def until(self, kind: str, timeout: float = TIMEOUT_S) -> dict:
        """The next state of `kind` ("full", "incremental", "failed", "unchanged")."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.next(max(0.1, deadline - time.monotonic()))
            if state["kind"] == kind:
                return state

    def close(self) -> None:
        """Leave the stream, as a closed page does."""
        self.connection.close()


def copy_content(target: Path) -> Path:
    """A copy of the real content to edit."""
    shutil.copytree(ROOT / "content", target)
    return target


def started(content: Path, output: Path) -> tuple[PreviewProcess, Events]:
    """A preview whose first build is served, and a subscription that has seen it."""
    preview = PreviewProcess(content, output)
    events = preview.events()
    try:
        events.until("full")
    except queue.Empty:
        preview.stop()
        raise AssertionError("the first build never arrived:\n" + preview.printed) from None
    return preview, events
