"""CDN-ready output: fingerprinted assets, the commit in version.txt, content-derived file times."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_pelican, soup
from ssc_publish import fingerprint, revision, validators

FINGERPRINTED = re.compile(r"\.([0-9a-f]{8})\.[a-z0-9]+$")
ASSET_ATTRS = (("link", "href"), ("script", "src"), ("img", "src"), ("source", "srcset"))


def _local_assets(page: Path) -> list[str]:
    """Site-relative addresses of the style sheets, scripts, icons and images a page loads."""
    found = []
    for tag, attr in ASSET_ATTRS:
        for element in soup(page).find_all(tag):
            value = element.get(attr) or ""
            rels = set(element.get("rel", []))
            if tag == "link" and not {"stylesheet", "icon", "preload", "apple-touch-icon"} & rels:
                continue
            if value.startswith("/") and not value.startswith("/pagefind/"):
                found.append(value)
    return found


# --- the real site -------------------------------------------------------------------------------


def test_every_page_loads_only_fingerprinted_assets_that_exist(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    seen = set()
    for page in pages:
        for url in _local_assets(page):
            seen.add(url)
            assert FINGERPRINTED.search(url), f"{page.relative_to(site)} loads {url} by its plain name"
            assert (site / url.lstrip("/")).is_file(), f"{page.relative_to(site)}: {url} is missing"
    kinds = {Path(url).suffix for url in seen}
    assert {".css", ".js", ".svg"} <= kinds, kinds


def test_the_name_is_the_hash_of_the_final_bytes(site: Path) -> None:
    copies = [p for p in (site / "theme").rglob("*") if p.is_file() and FINGERPRINTED.search(p.name)]
    assert copies
    for path in copies:
        digest = FINGERPRINTED.search(path.name).group(1)
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:8] == digest, path.name


def test_style_sheets_point_at_fingerprinted_files(site: Path) -> None:
    for sheet in (site / "theme").rglob("*.css"):
        if not FINGERPRINTED.search(sheet.name):
            continue
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#", "http")):
                continue
            target = (sheet.parent / ref).resolve()
            assert FINGERPRINTED.search(ref) and target.is_file(), f"{sheet.name}: url({ref})"


def test_plain_names_stay_for_addresses_shared_outside(site: Path) -> None:
    # The sharing image was handed to social networks under its plain name, and favicons get bookmarked.
    assert (site / "theme" / "img" / "share.png").is_file()
    assert (site / "theme" / "css" / "site.css").is_file()
    og = soup(site / "index.html").find("meta", property="og:image")["content"]
    assert FINGERPRINTED.search(og), og


def test_version_file_names_the_commit(site: Path) -> None:
    expected = revision.build_revision(ROOT)
    assert expected != revision.UNKNOWN
    assert (site / "version.txt").read_text(encoding="utf-8") == expected + "\n"


def test_revision_comes_from_the_ci_environment_first(tmp_path: Path) -> None:
    assert revision.build_revision(tmp_path, {"GITHUB_SHA": "a" * 40}) == "a" * 40
    assert revision.build_revision(tmp_path, {"CI_COMMIT_SHA": "b" * 40, "SSC_REVISION": "c" * 40}) == "c" * 40
    assert revision.build_revision(tmp_path, {}) == revision.UNKNOWN  # no repository there


def test_each_file_and_its_gzip_copy_get_the_time_of_their_content(site: Path) -> None:
    page = site / "index.html"
    packed = page.with_name("index.html.gz")
    stamp = validators.content_mtime(page.read_bytes())
    assert int(page.stat().st_mtime) == int(packed.stat().st_mtime) == stamp
    assert validators.EPOCH_START <= stamp < validators.EPOCH_START + validators.WINDOW
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    other = site / "en" / "index.html"
    assert int(other.stat().st_mtime) != stamp  # different bytes, different time


# --- the rewriting, on small trees ----------------------------------------------------------------


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


SMALL_SITE = {
    "index.html": (
        '<link rel="stylesheet" href="/sub/theme/css/site.css">'
        '<img src="https://example.org/sub/theme/img/logo.png" alt="">'
        '<img src="https://other.example/theme/img/logo.png" alt="">'
        '<script src="theme/js/app.js"></script><p>site.css is our style sheet</p>'
    ),
    "en/index.html": '<link rel="stylesheet" href="../theme/css/site.css?v=1">',
    "theme/css/site.css": "body { background: url(../img/logo.png); } @font-face { src: url('../fonts/a.woff2') }",
    "theme/img/logo.png": b"\x89PNG fake",
    "theme/fonts/a.woff2": b"wOF2 fake",
    "theme/js/app.js": 'import("./lazy.js"); const icon = "/sub/theme/img/logo.png";',
    "theme/js/lazy.js": "export const x = 1;",
    "pagefind/pagefind.js": "export {};",
    "data.json": '{"image": "/sub/theme/img/logo.png"}',
    "images/derived/portrait-0123456789-400.avif": b"AVIF fake",
}


def test_references_in_every_form_are_rewritten(tmp_path: Path) -> None:
    root = _tree(tmp_path / "out", SMALL_SITE)
    names = fingerprint.fingerprint_tree(root, "https://example.org/sub")
    logo = Path(names["theme/img/logo.png"]).name
    css = Path(names["theme/css/site.css"]).name
    html = (root / "index.html").read_text()
    assert f'href="/sub/theme/css/{css}"' in html
    assert f'src="https://example.org/sub/theme/img/{logo}"' in html
    assert 'src="https://other.example/theme/img/logo.png"' in html  # another host's file is not ours
    assert f'src="theme/js/{Path(names["theme/js/app.js"]).name}"' in html
    assert "<p>site.css is our style sheet</p>" in html  # prose is not a reference
    assert f'href="../theme/css/{css}?v=1"' in (root / "en/index.html").read_text()
    sheet = (root / names["theme/css/site.css"]).read_text()
    assert f"url(../img/{logo})" in sheet and f"url('../fonts/{Path(names['theme/fonts/a.woff2']).name}')" in sheet
    script = (root / names["theme/js/app.js"]).read_text()
    assert f'import("./{Path(names["theme/js/lazy.js"]).name}")' in script
    assert f'"/sub/theme/img/{logo}"' in script
    assert (root / "data.json").read_text() == f'{{"image": "/sub/theme/img/{logo}"}}'
    assert "pagefind/pagefind.js" not in names
    assert "images/derived/portrait-0123456789-400.avif" not in names  # named by its source's hash already
    assert (root / "theme/css/site.css").read_text() == SMALL_SITE["theme/css/site.css"]  # original kept


def test_a_changed_image_renames_the_style_sheet_that_uses_it(tmp_path: Path) -> None:
    first = fingerprint.fingerprint_tree(_tree(tmp_path / "a", SMALL_SITE), "")
    second = fingerprint.fingerprint_tree(_tree(tmp_path / "b", {**SMALL_SITE, "theme/img/logo.png": b"new"}), "")
    again = fingerprint.fingerprint_tree(_tree(tmp_path / "c", SMALL_SITE), "")
    assert first == again  # the same bytes give the same names
    assert first["theme/img/logo.png"] != second["theme/img/logo.png"]
    assert first["theme/css/site.css"] != second["theme/css/site.css"]
    assert first["theme/js/lazy.js"] == second["theme/js/lazy.js"]


# --- what a build prints -------------------------------------------------------------------------


def test_a_successful_build_prints_one_summary_and_no_needless_warning(tmp_path: Path) -> None:
    done = run_pelican(ROOT / "content", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    printed = done.stdout + done.stderr
    assert "WARNING" not in printed and "Feeds generated without SITEURL" not in printed
    assert "Done: Processed" not in printed
    summary = [line for line in printed.splitlines() if line.startswith("Built: ")]
    assert len(summary) == 1, printed
    sessions = len(list((tmp_path / "out" / "sessions").glob("*/index.html")))
    assert re.fullmatch(
        rf"Built: \d+ pages in ko, \d+ in en; {sessions} sessions, \d+ speakers, "
        r"\d+ city cases, \d+ news items \(each language\)\.",
        summary[0],
    ), summary[0]
    shutil.rmtree(tmp_path / "out")


@pytest.mark.parametrize("name", ["site.css", "a.b.js"])
def test_fingerprinted_name_keeps_the_suffix(name: str) -> None:
    new = fingerprint.fingerprinted_name(name, "0123abcd")
    assert new.endswith(Path(name).suffix) and ".0123abcd." in new
    assert fingerprint.FINGERPRINTED_RE.search(new)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_second_pass_over_a_finished_tree_equals_a_fresh_one(tmp_path: Path) -> None:
    # An incremental build changes some files of a finished tree and runs the finishing steps again;
    # pages it did not rewrite still name the assets of the first pass.
    changed = {**SMALL_SITE, "theme/img/logo.png": b"a new logo"}
    again = _tree(tmp_path / "again", SMALL_SITE)
    fingerprint.fingerprint_tree(again, "https://example.org/sub")
    (again / "theme/img/logo.png").write_bytes(changed["theme/img/logo.png"])
    (again / "theme/css/site.css").write_text(changed["theme/css/site.css"], encoding="utf-8")
    fingerprint.fingerprint_tree(again, "https://example.org/sub")
    fresh = _tree(tmp_path / "fresh", changed)
    fingerprint.fingerprint_tree(fresh, "https://example.org/sub")
    assert _files(again) == _files(fresh)
