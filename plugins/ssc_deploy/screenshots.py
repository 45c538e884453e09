"""Full-page screenshots of every kind of page, both languages, desktop and mobile: what a visitor sees.

`invoke shots` builds the site (or takes a built one), serves it on 127.0.0.1 with the preview
server and has Debian's Chromium (through Playwright) photograph each page kind in each language
at 1366×900 and 390×844, in three colour schemes: the default (light), `dark`
(`prefers-color-scheme: dark`) and `contrast` (`prefers-contrast: more`). Files are named
`<lang>-<kind>-<viewport>.png`, with `-dark` or `-contrast` before `.png` for those schemes. The kind
`timetable-local` is the timetable after pressing "Show times in my time zone" in London, to
see the switched state as well; `menu` is the home page on a phone with its menu opened (phones only,
where the menu is a button).

Chromium runs with every host but 127.0.0.1 unresolvable, as in the browser tests: a shot never
waits on the network and nothing leaves the machine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ssc_forum import languages
from ssc_forum.messages import tr

from .devserver import make_server
from .project import CONFIG

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Debian's /usr/bin/chromium is a shell wrapper; Playwright must start the binary itself.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no browser pings mixed into the site's requests
    "--disable-component-update",
    "--disable-sync",
    # Every other host fails to resolve: an outside request is still seen (and fails the
    # privacy check) but never leaves the machine and never waits on a network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _site_languages() -> tuple[languages.Language, ...]:
    from pelican.settings import read_settings

    return languages.from_settings(read_settings(str(CONFIG["settings_base"])))


# The site's languages, from the settings' table: each one's folder and the locale its visitors' browser has.
_LANGUAGES = _site_languages()
LANG_PREFIX = {row.code: f"/{row.prefix}" if row.prefix else "" for row in _LANGUAGES}
BROWSER_LOCALE = {row.code: row.locale.replace("_", "-") for row in _LANGUAGES}
VIEWPORTS: dict[str, tuple[int, int]] = {"desktop": (1366, 900), "mobile": (390, 844)}
# Pages with a fixed address; the one item of each list kind is found in the built tree (see `page_paths`).
FIXED: dict[str, str] = {
    "home": "/",
    "timetable": "/timetable/",
    "timetable-local": "/timetable/",
    "sessions": "/sessions/",
    "speakers": "/speakers/",
    "cases": "/cases/",
    "news": "/news/",
    "search": "/search/",
    "404": "/404.html",
    "menu": "/",
}
# Kinds that exist only at some viewports: the phone menu is a button only on narrow screens.
ONLY_AT: dict[str, tuple[str, ...]] = {"menu": ("mobile",)}
# Colour schemes: the media features each emulates, and the suffix of its files.
SCHEMES: dict[str, dict[str, str]] = {"light": {}, "dark": {"color_scheme": "dark"}, "contrast": {"contrast": "more"}}
ITEMS: dict[str, tuple[str, str | None]] = {  # kind: (folder, preferred item)
    "session": ("sessions", "session-1-big-data"),
    "speaker": ("speakers", "sokwoo-rhee"),
    "case": ("cases", "helsinki"),
    "page": ("", "about"),
    "news-item": ("news", None),
}
KINDS = (
    "home",
    "timetable",
    "timetable-local",
    "sessions",
    "session",
    "speakers",
    "speaker",
    "cases",
    "case",
    "page",
    "news",
    "news-item",
    "search",
    "404",
    "menu",
)
LOCAL_ZONE = "Europe/London"  # summer time in September 2020: the switched state says BST


class ShotError(Exception):
    """Screenshots cannot be taken (unknown kind, missing page, no browser)."""


@dataclass(frozen=True)
class Shot:
    """One screenshot to take."""

    lang: str
    kind: str
    viewport: str
    path: str  # URL path within the language site
    scheme: str = "light"

    @property
    def filename(self) -> str:
        """`ko-timetable-desktop.png`; `ko-timetable-desktop-dark.png` in another scheme than the light one."""
        suffix = "" if self.scheme == "light" else f"-{self.scheme}"
        return f"{self.lang}-{self.kind}-{self.viewport}{suffix}.png"


def _first_item(site: Path, folder: str, preferred: str | None) -> str | None:
    base = site / folder if folder else site
    if preferred and (base / preferred / "index.html").is_file():
        return preferred
    # Any item of the folder: a directory holding a page (the language sub-site and assets are not items).
    skip = {"theme", "pagefind", "search", "sessions", "speakers", "cases", "news", "timetable", "feeds"}
    skip |= {row.prefix for row in _LANGUAGES if row.prefix}
    names = sorted(p.parent.name for p in base.glob("*/index.html") if p.parent.name not in skip)
    return names[0] if names else None


def page_paths(site: Path, kinds: Iterable[str] = KINDS) -> dict[str, str]:
    """The URL path (within the Korean site) of one page of each kind in the built tree `site`."""
    paths: dict[str, str] = {}
    for kind in kinds:
        if kind in FIXED:
            paths[kind] = FIXED[kind]
        elif kind in ITEMS:
            folder, preferred = ITEMS[kind]
            item = _first_item(site, folder, preferred)
            if item is None:
                raise ShotError(tr("no page of kind {kind!r} in {site}", kind=kind, site=site))
            paths[kind] = f"/{folder}/{item}/" if folder else f"/{item}/"
        else:
            raise ShotError(tr("unknown page kind {name!r} (one of: {choices})", name=kind, choices=", ".join(KINDS)))
    return paths


LANGS = tuple(row.code for row in _LANGUAGES)


def check_choices(
    kinds: Iterable[str] = KINDS,
    langs: Iterable[str] = LANGS,
    viewports: Iterable[str] = tuple(VIEWPORTS),
    schemes: Iterable[str] = ("light",),
) -> None:
    """Refuse an unknown page kind, language, viewport or colour scheme: before a site is built for them."""
    # Each refusal written out whole (not "unknown {what}"): a translation needs the whole sentence.
    for refusal, names, known in (
        (tr("unknown page kind {name!r} (one of: {choices})"), kinds, KINDS),
        (tr("unknown language {name!r} (one of: {choices})"), langs, LANGS),
        (tr("unknown viewport {name!r} (one of: {choices})"), viewports, tuple(VIEWPORTS)),
        (tr("unknown colour scheme {name!r} (one of: {choices})"), schemes, tuple(SCHEMES)),
    ):
        for name in names:
            if name not in known:
                raise ShotError(tr(refusal.msgid, name=name, choices=", ".join(known)))


def plan(
    site: Path,
    kinds: Iterable[str] = KINDS,
    langs: Iterable[str] = LANGS,
    viewports: Iterable[str] = tuple(VIEWPORTS),
    schemes: Iterable[str] = ("light",),
) -> list[Shot]:
    """Every shot for the given kinds, languages, viewports and colour schemes, in a stable order."""
    kinds, langs, viewports, schemes = tuple(kinds), tuple(langs), tuple(viewports), tuple(schemes)
    check_choices(kinds, langs, viewports, schemes)
    paths = page_paths(site, kinds)
    return [
        Shot(lang, kind, viewport, paths[kind], scheme)
        for scheme in schemes
        for lang in langs
        for kind in paths
        for viewport in viewports
        if viewport in ONLY_AT.get(kind, VIEWPORTS)
    ]


def take(site: Path, folder: Path, shots: list[Shot], browser: Browser | None = None) -> list[Path]:
    """Serve `site` on 127.0.0.1 and write each shot into `folder`; returns the files written.

    Without `browser`, Chromium is started for the run (and closed after it); a caller that
    already drives one (the test suite) passes it in, as Playwright allows one driver per thread.
    """
    folder.mkdir(parents=True, exist_ok=True)
    server = make_server(site, prefix="", port=0)
    threading.Thread(target=server.serve_forever, name="shots", daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    try:
        if browser is not None:
            return [_take_one(browser, origin, shot, folder) for shot in shots]
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            try:
                own = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            except PlaywrightError as exc:
                raise ShotError(
                    tr("Chromium could not start ({path}): {reason}", path=CHROMIUM, reason=exc.message.splitlines()[0])
                ) from None
            try:
                return [_take_one(own, origin, shot, folder) for shot in shots]
            finally:
                own.close()
    finally:
        server.shutdown()
        server.server_close()


def _take_one(browser: Browser, origin: str, shot: Shot, folder: Path) -> Path:
    width, height = VIEWPORTS[shot.viewport]
    local = shot.kind == "timetable-local"
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        locale=BROWSER_LOCALE[shot.lang],
        timezone_id=LOCAL_ZONE if local else "Asia/Seoul",
        reduced_motion="reduce",
    )
    try:
        page = context.new_page()
        if SCHEMES[shot.scheme]:
            page.emulate_media(**SCHEMES[shot.scheme])  # type: ignore[arg-type]
        page.goto(origin + LANG_PREFIX[shot.lang] + shot.path, wait_until="load")
        if local:
            page.locator("[data-tz-switch] button").first.click()
        if shot.kind == "menu":
            page.locator("header details summary").click()
        page.evaluate("document.fonts.ready.then(() => true)")
        target = folder / shot.filename
        # The open menu covers the screen: a full-page shot would show the page under it, not the menu.
        page.screenshot(path=str(target), full_page=shot.kind != "menu")
        return target
    finally:
        context.close()
