"""Portraits and case images in Chromium: the browser picks a derived file, loads it under /ssc2020/, and
the pages stay clean (no failed request, no other host, no axe violation, no Nu checker error).

The real archive has no photos; the fixture forum with one portrait and one case image
(tests/test_images.py) is built for the published sub-path and served as the others are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from test_images import ALT, CASE_ALT, FORUM, photo_content

from .browser_support import SUBPATH, OpenPage, Site, axe_violations, build_site, describe_violations, serve, start_vnu

PAGES = {
    "speaker": "/speakers/anna-virtanen/",
    "speakers": "/speakers/",
    "case": "/cases/helsinki/",
}

_LOADED = """img => ({complete: img.complete, width: img.naturalWidth, src: img.currentSrc,
                     shown: img.getBoundingClientRect().width})"""


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("photo-browser")
    content = photo_content(base / "src")
    output = base / "output"
    build_site(output, SUBPATH, PATH=str(content), FORUM=FORUM)
    server, origin = serve(output, SUBPATH)
    try:
        yield Site(name="photos", output=output, origin=origin, prefix=SUBPATH)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_pictures_load_in_chromium(photo_site: Site, open_page: OpenPage, kind: str, lang: str) -> None:
    visit = open_page(photo_site.url(PAGES[kind], lang), settle=True)
    page = visit.page
    img = page.locator("picture img").first
    img.scroll_into_view_if_needed()  # a lazy portrait in a list loads when it comes near the screen
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    state = img.evaluate(_LOADED)
    assert state["src"].startswith(f"{photo_site.origin}{SUBPATH}/images/derived/"), state
    assert state["src"].endswith(".avif"), state  # Chromium takes the first type it supports
    assert state["shown"] > 0
    assert img.get_attribute("alt") == (CASE_ALT if kind == "case" else ALT)[lang]
    assert not visit.failures and not visit.outside_requests() and not visit.console_errors
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_pages_with_pictures_have_no_html_errors(photo_site: Site) -> None:
    files = [
        photo_site.output / prefix / rel.strip("/") / "index.html" for prefix in ("", "en") for rel in PAGES.values()
    ]
    code, report = start_vnu(files, photo_site.output.parent / "vnu.json").result()
    messages = [m for m in json.loads(report or '{"messages": []}')["messages"] if m.get("type") == "error"]
    assert code == 0 and not messages, json.dumps(messages, indent=1, ensure_ascii=False)[:3000]
