"""The web archive, made once per test run through the real command, shared by the archive tests.

`python3 make.py archive` builds with publishconf.py and writes the package; the tests read it
back with warcio and zipfile, replay it with pywb, and rebuild its tree from its own records
when they need the files (nginx's answers, a second packaging run).
"""

from __future__ import annotations

import atexit
import functools
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

REPO = Path(__file__).resolve().parents[1]
SITE_URL = "https://forum.seoul.go.kr/ssc2020"
BUILD_TIMEOUT = 300


@functools.cache
def workdir() -> Path:
    """A private temporary folder for the archive tests of this run, removed at exit."""
    path = Path(tempfile.mkdtemp(prefix="ssc-archive-tests-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def run_archive(*args: str) -> subprocess.CompletedProcess[str]:
    """`python3 make.py archive ARGS` as an editor runs it; the finished process."""
    return subprocess.run(
        [sys.executable, str(REPO / "make.py"), "archive", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )


@dataclass(frozen=True)
class Record:
    """One WARC record of the package, read into memory (the site is small)."""

    type: str
    url: str
    date: str
    status: int
    headers: dict[str, str]
    body: bytes
    warc_headers: dict[str, str] = field(default_factory=dict)


def _read(record: ArcWarcRecord) -> Record:
    http = record.http_headers
    return Record(
        type=record.rec_type,
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        date=record.rec_headers.get_header("WARC-Date") or "",
        status=int(http.get_statuscode()) if http else 0,
        headers={k.lower(): v for k, v in http.headers} if http else {},
        body=record.content_stream().read(),
        warc_headers=dict(record.rec_headers.headers),
    )


@dataclass(frozen=True)
class Archive:
    """The package the command wrote and what it printed."""

    path: Path
    stdout: str

    def names(self) -> list[str]:
        """The zip entries, in order."""
        with zipfile.ZipFile(self.path) as wacz:
            return wacz.namelist()

    def read(self, name: str) -> bytes:
        """One zip entry's bytes."""
        with zipfile.ZipFile(self.path) as wacz:
            return wacz.read(name)

    def json(self, name: str) -> dict:
        """One JSON entry, parsed."""
        return json.loads(self.read(name))

    def pages(self) -> list[dict]:
        """pages/pages.jsonl: the header line first, then one object per page."""
        return [json.loads(line) for line in self.read("pages/pages.jsonl").decode("utf-8").splitlines() if line]

    @functools.cached_property
    def records(self) -> list[Record]:
        """Every record of the package's WARC, in order."""
        (warc_name,) = [n for n in self.names() if n.startswith("archive/")]
        stream = io.BytesIO(self.read(warc_name))
        return [_read(record) for record in ArchiveIterator(stream)]

    def responses(self) -> dict[str, Record]:
        """The response records by address."""
        return {r.url: r for r in self.records if r.type == "response"}


@functools.cache
def made_archive() -> Archive:
    """The package `python3 make.py archive` writes, made once per test run."""
    done = run_archive("--output", str(workdir() / "made"))
    assert done.returncode == 0, f"make.py archive failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return Archive(Path(done.stdout.strip().splitlines()[-1]), done.stdout)


def rebuild_tree(archive: Archive, dest: Path) -> Path:
    """Write every file the package recorded at its own address (200 answers) under `dest`.

    The result is the built tree as it was served (without the `.gz` twins, which are not
    archived): enough to serve it with nginx or package it again.
    """
    prefix = urlsplit(SITE_URL).path + "/"
    for record in archive.records:
        path = unquote(urlsplit(record.url).path)
        if record.type != "response" or record.status != 200:
            continue
        if path.endswith("/"):  # a folder's address holds its index.html (recorded once, as a revisit)
            path += "index.html"
        target = dest / path.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(record.body)
    return dest
