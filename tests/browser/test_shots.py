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
    assert sorted(p.name for p in written) == sorted(
        [
            "ko-timetable-local-desktop.png",
            "ko-timetable-local-mobile.png",
            "en-timetable-local-desktop.png",
            "en-timetable-local-mobile.png",
        ]
    )
    for path in written:
        with Image.open(path) as image:
            width, height = screenshots.VIEWPORTS[path.stem.rsplit("-", 1)[1]]
            assert image.format == "PNG" and image.size[0] == width
            assert image.size[1] > height, f"{path.name} is not a full page ({image.size})"


def test_shots_in_dark_and_high_contrast_and_the_open_phone_menu(site, tmp_path, browser):
    """The schemes are emulated (the page's own background shows it); the menu is shot open, on phones only."""
    shots = screenshots.plan(site, ["404", "menu"], ["en"], schemes=["light", "dark", "contrast"])
    assert {s.filename for s in shots if s.kind == "menu"} == {
        "en-menu-mobile.png",
        "en-menu-mobile-dark.png",
        "en-menu-mobile-contrast.png",
    }
    with pytest.raises(screenshots.ShotError, match="unknown colour scheme 'sepia'"):
        screenshots.plan(site, ["404"], schemes=["sepia"])
    chosen = [s for s in shots if s.viewport == "mobile"]
    written = {p.name: p for p in screenshots.take(site, tmp_path / "shots", chosen, browser=browser)}
    corners: dict[str, tuple[int, int, int]] = {}
    for name, path in written.items():
        with Image.open(path) as image:
            corners[name] = image.convert("RGB").getpixel((2, 300))  # the page's own surface, left of the text
    assert corners["en-404-mobile.png"] == (255, 255, 255)
    assert corners["en-404-mobile-dark.png"] == (19, 20, 22)  # KRDS gray 95
    assert corners["en-404-mobile-contrast.png"] == (0, 0, 0)
    with Image.open(written["en-menu-mobile.png"]) as menu:
        assert menu.size == (390, 844), "the open menu is shot as the screen shows it"
        # The open menu covers the page: the bottom of the screen is the menu's plain surface.
        assert menu.convert("RGB").getpixel((195, 830)) == (255, 255, 255)
