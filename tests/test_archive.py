"""The web archive: one WACZ of the published site, valid, complete, faithful to the server, reproducible."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from archive_helpers import REPO, SITE_URL, Archive, made_archive, rebuild_tree, run_archive, workdir
from ssc_archive import captures, contenttypes, package, provenance
from ssc_deploy import nginx

# The package is made once per process (archive_helpers): its tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("archive")

WACZ = str(REPO / ".venv" / "bin" / "wacz")
NAME = re.compile(r"^ssc2020-(\d{8})-([0-9a-f]{7})(-modified)?\.wacz$")
SUBPATH = urlsplit(SITE_URL).path


@pytest.fixture(scope="module")
def archive() -> Archive:
    return made_archive()


@pytest.fixture(scope="module")
def tree(archive: Archive) -> Path:
    """The built tree, written back from the package's own records."""
    return rebuild_tree(archive, workdir() / "tree")


def _source_of(archive: Archive) -> provenance.Provenance:
    """The commit and date the package says it was made from (its warcinfo record)."""
    info = archive.records[0]
    assert info.type == "warcinfo"
    fields = dict(line.split(": ", 1) for line in info.body.decode("utf-8").splitlines() if ": " in line)
    commit, _, changes = fields["source-commit"].partition(" ")
    date = datetime.strptime(info.date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return provenance.Provenance(commit=commit, date=date, modified=bool(changes))


def _site() -> package.SiteDescription:
    from pelican.settings import read_settings

    return package.SiteDescription.from_settings(read_settings(str(REPO / "publishconf.py")))


# --- the command -----------------------------------------------------------------------------


def test_command_prints_the_package_path_last(archive: Archive) -> None:
    assert archive.path.is_file() and archive.path.parent == workdir() / "made"
    match = NAME.match(archive.path.name)
    assert match, f"unexpected name {archive.path.name}"
    source = _source_of(archive)
    assert match.group(1) == source.date.strftime("%Y%m%d") and match.group(2) == source.commit[:7]
    checksum = archive.path.with_name(archive.path.name + ".sha256").read_text(encoding="utf-8")
    assert checksum == f"{hashlib.sha256(archive.path.read_bytes()).hexdigest()}  {archive.path.name}\n"
    # Nothing else is left: no half-written package, no work folder, no build folder beside it.
    assert sorted(p.name for p in archive.path.parent.iterdir()) == [archive.path.name, archive.path.name + ".sha256"]
    assert not list(workdir().glob(".build-*"))


def test_wacz_validate_accepts_it(archive: Archive) -> None:
    done = subprocess.run([WACZ, "validate", "-f", str(archive.path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout


def test_package_layout_and_metadata(archive: Archive) -> None:
    names = archive.names()
    assert names[:2] == ["indexes/index.cdx.gz", "indexes/index.idx"]
    assert [n for n in names if n.startswith("archive/")] == [f"archive/{archive.path.stem}.warc.gz"]
    assert names[-2:] == ["datapackage.json", "datapackage-digest.json"]
    meta = archive.json("datapackage.json")
    source = _source_of(archive)
    assert meta["created"] == meta["mainPageDate"] == source.iso
    assert meta["mainPageURL"] == f"{SITE_URL}/"
    for name in ("2020 서울 스마트시티 리더스 포럼", "Seoul Smart City Leaders Forum 2020"):
        assert name in meta["title"]
    for words in ("Seoul Metropolitan Government", "Seoul Digital Foundation", source.commit, SITE_URL):
        assert words in meta["description"]
    digest = archive.json("datapackage-digest.json")
    assert digest["hash"] == "sha256:" + hashlib.sha256(archive.read("datapackage.json")).hexdigest()
    info = archive.records[0].body.decode("utf-8")
    assert "operator: 서울특별시 · 서울디지털재단 / Seoul Metropolitan Government · Seoul Digital Foundation" in info
    assert f"source-commit: {source.commit}" in info


# --- what the package holds ------------------------------------------------------------------


def test_every_record_is_at_the_real_address_with_the_commit_date(archive: Archive) -> None:
    source = _source_of(archive)
    urls = [r.url for r in archive.records[1:]]
    assert all(u.startswith(f"{SITE_URL}/") or u == SITE_URL for u in urls), [u for u in urls if SITE_URL not in u]
    assert len(urls) == len(set(urls)), "an address is recorded twice"
    assert {r.date for r in archive.records} == {source.iso}
    ids = [r.warc_headers["WARC-Record-ID"] for r in archive.records]
    assert len(ids) == len(set(ids))


def test_every_kind_of_file_is_there(archive: Archive) -> None:
    responses = archive.responses()
    urls = set(responses)
    for lang in ("", "en/"):
        for path in (
            "",
            "timetable/",
            "sessions/",
            "sessions/keynote/",
            "speakers/",
            "search/",
            "404.html",
            "feeds/news.atom.xml",
        ):
            assert f"{SITE_URL}/{lang}{path}" in urls, f"{lang}{path} is missing"
    for path in (
        "schedule.ics",
        "schedule.xml",
        "schedule.json",
        "sitemap.xml",
        "robots.txt",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
    ):
        assert f"{SITE_URL}/{path}" in urls, f"{path} is missing"
    paths = [urlsplit(u).path for u in urls]
    for pattern in (
        r"/sessions/[^/]+/[^/]+\.ics$",
        r"\.css$",
        r"\.js$",
        r"/pagefind/.*\.pf_fragment$",
        r"/pagefind/.*\.pf_index$",
        r"/pagefind/wasm\.[a-z]+\.pagefind$",
    ):
        assert any(re.search(pattern, p) for p in paths), f"no file like {pattern}"
    assert not any(p.endswith(".gz") for p in paths), "the .gz twins are the same resources: not archived"
    assert not any("/." in p for p in paths), "dot files are never served"


def test_content_types_and_statuses(archive: Archive) -> None:
    responses = archive.responses()

    def ctype(path: str) -> str:
        return responses[f"{SITE_URL}/{path}"].headers["content-type"]

    assert ctype("") == ctype("en/") == "text/html; charset=utf-8"
    assert ctype("schedule.ics") == "text/calendar; charset=utf-8"
    assert ctype("schedule.json") == "application/json; charset=utf-8"
    # nginx types by the last extension: a feed is sent as application/xml, and recorded so.
    assert ctype("feeds/news.atom.xml") == ctype("schedule.xml") == "application/xml; charset=utf-8"
    assert ctype("pagefind/pagefind-entry.json") == "application/json; charset=utf-8"
    pagefind = [r for u, r in responses.items() if re.search(r"\.(pf_\w+|pagefind)$", u)]
    assert pagefind and {r.headers["content-type"] for r in pagefind} == {"application/octet-stream"}
    for record in responses.values():
        assert int(record.headers["content-length"]) == len(record.body)

    # A folder: its page at the folder's address, the same page at .../index.html (a revisit of it),
    # and the address without the slash redirected as nginx does.
    assert responses[f"{SITE_URL}/sessions/"].status == 200
    revisits = {r.url: r for r in archive.records if r.type == "revisit"}
    again = revisits[f"{SITE_URL}/sessions/index.html"]
    assert again.warc_headers["WARC-Refers-To-Target-URI"] == f"{SITE_URL}/sessions/"
    assert (
        again.warc_headers["WARC-Payload-Digest"]
        == responses[f"{SITE_URL}/sessions/"].warc_headers["WARC-Payload-Digest"]
    )
    for url, location in ((f"{SITE_URL}/sessions", f"{SUBPATH}/sessions/"), (SITE_URL, f"{SUBPATH}/")):
        assert responses[url].status == 301 and responses[url].headers["location"] == location

    # An address the site does not have: each language's 404 page with status 404.
    for lang in ("", "en/"):
        missing = responses[f"{SITE_URL}/{lang}{captures.NOT_FOUND_NAME}"]
        assert missing.status == 404
        assert missing.body == responses[f"{SITE_URL}/{lang}404.html"].body


def test_links_and_assets_of_every_page_are_in_the_archive(archive: Archive) -> None:
    """The archive is closed: every address a page links to or loads inside the site is recorded."""
    recorded = {r.url for r in archive.records}
    sitemap = ElementTree.fromstring(archive.responses()[f"{SITE_URL}/sitemap.xml"].body)
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) > 50
    missing = [loc for loc in locs if loc not in recorded]
    assert not missing, f"in the sitemap, not in the archive: {missing[:5]}"
    for record in archive.responses().values():
        if not record.headers.get("content-type", "").startswith("text/html"):
            continue
        soup = BeautifulSoup(record.body, "html.parser")
        for tag in soup.find_all(True):
            for attr in ("href", "src", "poster", "action", "data-bundle"):
                value = tag.get(attr)
                if not value or value.startswith(("#", "mailto:", "tel:", "data:")):
                    continue
                target = urljoin(record.url, value).split("#")[0].split("?")[0]
                if target.startswith(f"{SITE_URL}/"):
                    missing.append(f"{record.url} -> {target}") if target not in recorded else None
    assert not missing, "\n".join(missing[:10])


def test_pages_list_names_every_page_with_title_and_language(archive: Archive) -> None:
    header, *pages = archive.pages()
    assert header["format"] == "json-pages-1.0"
    html = {
        u: r
        for u, r in archive.responses().items()
        if r.status == 200 and r.headers["content-type"].startswith("text/html")
    }
    assert sorted(p["url"] for p in pages) == sorted(html)
    source = _source_of(archive)
    for page in pages:
        soup = BeautifulSoup(html[page["url"]].body, "html.parser")
        assert page["title"] == soup.title.get_text(" ", strip=True)
        assert page["lang"] == soup.html["lang"] == ("en" if "/ssc2020/en/" in page["url"] else "ko")
        assert page["ts"] == source.iso and page["id"]
    assert {p["lang"] for p in pages} == {"ko", "en"}


# --- faithful to the server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def nginx_base(tree: Path) -> Iterator[str]:
    """nginx with the shipped configuration, serving the tree written back from the package."""
    if nginx.nginx_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed")
        pytest.skip("nginx is not installed (Debian package nginx)")
    prefix = workdir() / "nginx"
    port = nginx.free_port()
    conf = nginx.prepare(root=tree, prefix=prefix, port=port)
    process = subprocess.Popen(nginx.command(conf, prefix), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def test_every_record_is_what_nginx_answers(archive: Archive, nginx_base: str) -> None:
    """Status, Content-Type, Location and body of every record, against nginx serving the same files."""
    opener = urllib.request.build_opener(_NoRedirect)
    wrong = []
    for url, record in archive.responses().items():
        local = nginx_base + urlsplit(url).path
        request = urllib.request.Request(local, headers={"Accept-Encoding": "identity"})
        try:
            with opener.open(request, timeout=10) as reply:
                status, headers, body = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read()
        if record.status == 301:  # nginx's own little "301 Moved Permanently" page is not recorded
            got, want = (status, headers.get("Location")), (record.status, record.headers.get("location"))
        else:
            got = (status, headers.get("Content-Type"), hashlib.sha256(body).hexdigest()[:12])
            want = (record.status, record.headers.get("content-type"), hashlib.sha256(record.body).hexdigest()[:12])
        if got != want:
            wrong.append(f"{url}: nginx {got}, archive {want}")
    assert not wrong, "\n".join(wrong[:10])


def test_type_map_is_read_from_the_nginx_configuration() -> None:
    types = contenttypes.parse("""
        types { text/html html; text/calendar ics; application/wasm wasm; }  # a comment; font/woff2 woff2;
        default_type application/octet-stream;
        charset utf-8;
        charset_types text/calendar;
    """)
    assert types.for_name("a.html") == "text/html; charset=utf-8"  # nginx always adds it to HTML
    assert types.for_name("schedule.ICS") == "text/calendar; charset=utf-8"
    assert types.for_name("search.wasm") == "application/wasm"
    assert types.for_name("x.woff2") == types.for_name("wasm.en.pagefind") == "application/octet-stream"
    assert types.for_name("README") == types.for_name(".hidden") == "application/octet-stream"
    with pytest.raises(contenttypes.ConfigError):
        contenttypes.parse("http { default_type text/plain; }")


# --- the same commit, the same bytes ---------------------------------------------------------


def test_packaging_again_gives_the_same_bytes(archive: Archive, tree: Path) -> None:
    """Package the same tree again, elsewhere, later, from files with other dates and modes: same bytes.

    The tree itself is reproducible (test_deterministic); this covers what the archive adds.
    """
    copy = workdir() / "tree-copy"
    shutil.copytree(tree, copy)
    later = time.time() + 86_400 * 100
    for path in copy.rglob("*"):
        os.utime(path, (later, later))
    # Zip dates have a resolution of two seconds and `created` of one: be sure the clock moved on.
    time.sleep(max(0.0, 2.1 - (time.time() - archive.path.stat().st_mtime)))
    old_umask = os.umask(0o077)
    try:
        again = package.make_package(
            copy,
            workdir() / "again",
            site=_site(),
            provenance=_source_of(archive),
            types=contenttypes.load(nginx.TEMPLATE),
        )
    finally:
        os.umask(old_umask)
    assert again.name == archive.path.name
    assert again.read_bytes() == archive.path.read_bytes(), "two packagings of one tree differ"


# --- bad input -------------------------------------------------------------------------------


def test_a_failed_build_writes_no_package() -> None:
    content = workdir() / "broken" / "content"
    shutil.copytree(REPO / "content", content)
    session = content / "sessions" / "keynote.en.md"
    session.write_text(
        session.read_text(encoding="utf-8").replace("Day: 2020-09-23", "Day: 2020-9-23"), encoding="utf-8"
    )
    out = workdir() / "broken" / "out"
    done = run_archive("--content", str(content), "--output", str(out))
    assert done.returncode != 0
    assert "keynote.en.md" in done.stdout + done.stderr
    assert not out.exists() or not any(out.iterdir()), f"left in {out}: {list(out.iterdir())}"
    assert not list(out.parent.glob(".build-*")), "the failed build's folder was left behind"


def test_an_interrupted_packaging_leaves_nothing_under_the_final_name(
    archive: Archive, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workdir() / "interrupted"
    out.mkdir()
    earlier = out / archive.path.name
    earlier.write_bytes(b"the package of an earlier run")

    def stopped(path: Path) -> str:
        assert path.is_file() and path.stat().st_size > 100_000  # the package was complete, under a temporary name
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "validate", stopped)
    with pytest.raises(KeyboardInterrupt):
        package.make_package(
            tree, out, site=_site(), provenance=_source_of(archive), types=contenttypes.load(nginx.TEMPLATE)
        )
    assert sorted(p.name for p in out.iterdir()) == [earlier.name], "a partial file or work folder was left"
    assert earlier.read_bytes() == b"the package of an earlier run"


def test_an_address_kept_for_the_404_answer_must_be_free(tmp_path: Path) -> None:
    (tmp_path / "404.html").write_text("<!DOCTYPE html><title>404</title>", encoding="utf-8")
    (tmp_path / captures.NOT_FOUND_NAME).write_text("a real file", encoding="utf-8")
    with pytest.raises(ValueError, match=captures.NOT_FOUND_NAME):
        captures.site_captures(tmp_path, SITE_URL, contenttypes.load(nginx.TEMPLATE))


def test_the_date_comes_from_the_commit_or_source_date_epoch() -> None:
    committed = subprocess.run(
        ["git", "log", "-1", "--format=%H %cI"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    source = provenance.read_provenance(REPO, environ={})
    assert source.commit == committed[0]
    assert source.date == datetime.fromisoformat(committed[1]).astimezone(UTC)
    assert source.package_name("ssc2020").startswith(f"ssc2020-{source.date:%Y%m%d}-{committed[0][:7]}")
    pinned = provenance.read_provenance(REPO, environ={"SOURCE_DATE_EPOCH": "1600761600"})
    assert pinned.iso == "2020-09-22T08:00:00Z" and pinned.timestamp == "20200922080000"
    with pytest.raises(provenance.ProvenanceError, match="SOURCE_DATE_EPOCH"):
        provenance.read_provenance(REPO, environ={"SOURCE_DATE_EPOCH": "yesterday"})
