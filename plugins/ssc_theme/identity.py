"""The settings behind the site's identity: the organisers (KRDS identifier) and the licence line.

Both are set in `pelicanconf.py` by whoever runs the site, so a mistake there is reported like an
editor's: one line naming the file and the setting, and nothing is built. A logo must be a file of
the theme's own (under `theme/static/`): the site never loads anything from another host.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from ssc_forum.problems import ContentError, Problem

LOGO_TYPES = (".svg", ".png", ".webp")
KOGL_TYPES = (1, 2, 3, 4)
SETTINGS_FILE = "pelicanconf.py"


def _logo_problem(logo: object, static: Path) -> str | None:
    if not isinstance(logo, str) or not logo:
        return f"logo {logo!r} is not a file name"
    path = PurePosixPath(logo)
    if "://" in logo or logo.startswith("//") or path.is_absolute() or ".." in path.parts:
        return f"logo {logo!r} must be a file under theme/static/, not an address or a path outside it"
    if path.suffix.lower() not in LOGO_TYPES:
        return f"logo {logo!r} must be one of {', '.join(LOGO_TYPES)}"
    if not (static / path).is_file():
        return f"logo {logo!r} is not a file under theme/static/"
    return None


def problems(settings: dict[str, Any], label: str = SETTINGS_FILE) -> list[Problem]:
    """What is wrong with ORGANISERS and KOGL_TYPE, one problem per mistake (empty when all is well)."""
    found: list[Problem] = []
    static = Path(settings["THEME"]) / "static"
    organisers = settings.get("ORGANISERS")
    if not isinstance(organisers, list) or not organisers:
        found.append(Problem(label, "ORGANISERS", "must be a list of organisers, each {'name': ..., 'logo': ...}"))
        organisers = []
    for index, org in enumerate(organisers):
        where = f"ORGANISERS[{index}]"
        if not isinstance(org, dict) or not isinstance(org.get("name"), str) or not org["name"].strip():
            found.append(Problem(label, where, "needs a 'name' (the organiser's name as text)"))
            continue
        if org.get("logo") is not None and (message := _logo_problem(org["logo"], static)):
            found.append(Problem(label, where, message))
    kogl = settings.get("KOGL_TYPE")
    if kogl is not None and (isinstance(kogl, bool) or kogl not in KOGL_TYPES):
        found.append(
            Problem(label, "KOGL_TYPE", f"{kogl!r} is not a Korea Open Government License type (1 to 4) or None")
        )
    return found


def check(settings: dict[str, Any]) -> None:
    """Stop the build, before anything is read or written, when the identity settings are wrong."""
    languages = [settings, *((settings.get("I18N_SUBSITES") or {}).values())]
    found: list[Problem] = []
    for overrides in languages:
        merged = {**settings, **overrides}
        found += [p for p in problems(merged) if p not in found]
    if found:
        raise ContentError(found)
