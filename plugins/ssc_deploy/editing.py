"""`make.py edit`: the web editor's local backend beside the live preview.

The backend (decap-server, `ssc_editor.local`) writes into the folder holding `content/`, since the
editor's collections are `content/sessions`, `content/speakers`, …; its port is chosen before the
first build, because the editor's configuration (`admin/config.yml`, written by every full build)
names it; and it answers only the preview's own address, known once the preview listens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from invoke import Exit


def local_backend_port(requested: str | int | None, editor: dict[str, Any]) -> int:
    """The backend's port: `--backend-port` if given (0: a free one), else EDITOR's; Exit on a wrong value."""
    from ssc_editor.local import free_port

    if requested is not None and not (str(requested).isdigit() and int(requested) < 65536):
        raise Exit(f"edit: --backend-port {requested} is no port number (0 to 65535; 0 takes a free one)", code=1)
    port = int(editor["local_backend_port"] if requested is None else requested)
    return port or free_port()


def content_folder(folder: Path) -> Path:
    """`folder` if the editor can write into it (a folder named content); Exit otherwise."""
    if folder.name != "content" or not folder.is_dir():
        raise Exit(f"edit: {folder} is no folder named content (the editor writes into content/…)", code=1)
    return folder


def build_settings(editor: dict[str, Any], port: int) -> dict[str, Any]:
    """What every build of the preview is given: the EDITOR setting naming the backend's port."""
    return {"EDITOR": {**editor, "local_backend_port": port}}


@contextlib.contextmanager
def backend_beside(folder: Path, port: int, url: str) -> Iterator[None]:
    """decap-server over `folder` (content/) on `port`, answering only pages of the preview at `url`."""
    from ssc_editor.local import LocalBackend, LocalBackendError

    backend = LocalBackend(folder.parent, port=port, origin=url.rstrip("/"))
    try:
        backend.start()
    except LocalBackendError as exc:
        raise Exit(f"edit: {exc}", code=1) from None
    try:
        print(f"Editor: {url}admin/ (saves go to {folder} through {backend.url})", flush=True)
        yield
    finally:
        backend.stop()  # also before a restart: the new process starts its own
