"""The screenshot task: one page kind, both languages, desktop and mobile, full-page PNGs from Chromium."""

from __future__ import annotations

import pytest
from PIL import Image

from ssc_deploy import screenshots


def test_every_page_kind_is_found_in_the_built_site(site):
    paths = screenshots.page_paths(site)
    assert set(paths) == set(screenshots.KINDS)
    for kind, path in paths.items():
        file = site / path.strip("/") / "index.html" if path.endswith("/") else site / path.lstrip("/")
        assert file.is_file(), f"{kind}: {path}"
    with pytest.raises(screenshots.ShotError, match="unknown page kind 'gallery'"):
        screenshots.page_paths(site, ["gallery"])


def test_shots_of_one_kind_in_both_languages_and_sizes(site, tmp_path, browser):
    shots = screenshots.plan(site, ["timetable-local"])
    written = screenshots.take(site, tmp_path / "shots", shots, browser=browser)
    assert sorted(p.name for p in written) == sorted([
        "ko-timetable-local-desktop.png", "ko-timetable-local-mobile.png",
        "en-timetable-local-desktop.png", "en-timetable-local-mobile.png"])
    for path in written:
        with Image.open(path) as image:
            width, height = screenshots.VIEWPORTS[path.stem.rsplit("-", 1)[1]]
            assert image.format == "PNG" and image.size[0] == width
            assert image.size[1] > height, f"{path.name} is not a full page ({image.size})"
