"""The editor's local backend: decap-server on 127.0.0.1, writing the files of a project's content/.

`python3 make.py edit` runs it beside the live preview; the browser tests run it over a copy.
The generated configuration names its address (`local_backend`), so the port is chosen before the
build that writes `admin/config.yml` (`free_port` when any free one will do).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from .config import LOCAL_BACKEND_HOST, LOCAL_BACKEND_PORT

PROJECT = Path(__file__).resolve().parents[2]
SERVER_JS = PROJECT / "node_modules" / "decap-server" / "dist" / "index.js"


def free_port(host: str = LOCAL_BACKEND_HOST) -> int:
    """A port on `host` that nothing listens on now (the system's choice)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _end_with_parent() -> None:
    """In the server's process before it runs node: Linux sends it SIGTERM when the process that started it ends.

    So the server never outlives `make.py edit`, even when that is killed outright and cannot stop it.
    (Strictly, when the thread that started it ends: `start()` is called from the task's main thread.)
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


class LocalBackendError(RuntimeError):
    """The local backend cannot start: one line saying why and what to do."""


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


class LocalBackend:
    """decap-server over `repo` (the folder holding `content/`) for as long as the `with` block runs.

    `origin` is the only page address allowed to call it (CORS); by default any page on
    127.0.0.1 or localhost, decap-server's own rule.
    """

    def __init__(self, repo: Path, *, origin: str | None = None, port: int = LOCAL_BACKEND_PORT) -> None:
        self.repo = Path(repo)
        self.origin = origin
        self.port = port
        self.url = f"http://{LOCAL_BACKEND_HOST}:{port}/api/v1"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and return once it answers; raise LocalBackendError when it cannot."""
        node = shutil.which("node")
        if node is None:
            raise LocalBackendError("the editor's local backend needs Node.js 20 or newer (command `node`)")
        if not SERVER_JS.is_file():
            raise LocalBackendError("node_modules/decap-server is missing: run `npm ci` (make.py edit does)")
        if not (self.repo / "content").is_dir():
            raise LocalBackendError(f"{self.repo} has no content/ folder to edit")
        if _port_open(LOCAL_BACKEND_HOST, self.port):
            raise LocalBackendError(
                f"{LOCAL_BACKEND_HOST}:{self.port} is already in use (is another `make.py edit` running?)"
            )
        env = {
            **os.environ,
            "PORT": str(self.port),
            "BIND_HOST": LOCAL_BACKEND_HOST,
            "MODE": "fs",
            "GIT_REPO_DIRECTORY": str(self.repo),
            "LOG_LEVEL": "warn",
        }
        if self.origin:
            env["ORIGIN"] = self.origin
        self.process = subprocess.Popen(
            [node, str(SERVER_JS)],
            env=env,
            stdin=subprocess.DEVNULL,
            preexec_fn=_end_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + 15
        while not _port_open(LOCAL_BACKEND_HOST, self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise LocalBackendError(f"decap-server did not start on {LOCAL_BACKEND_HOST}:{self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (and wait for it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> LocalBackend:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
