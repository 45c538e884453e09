"""The KRDS design tokens the theme uses, taken from the `krds-uiux` package into one small CSS file.

KRDS (the Korean government's design system) publishes about 770 tokens as CSS custom
properties. The theme needs a few dozen: the colours of the light mode and of the
high-contrast mode (for `prefers-contrast: more`), the type scale for PC and mobile, and
the spacing and radius steps,
and a dark scheme taken from KRDS's primitive colour ramps. `write_tokens` resolves each one to its final value and
writes `theme/static/css/tokens.css`, which is committed: the build stays Python-only and
never reads `node_modules`. A test regenerates the file and fails when it is stale.

KRDS sizes are written for a root font size of 10px (`html { font-size: 62.5% }`); the
theme keeps the browser's root size (16px by default, so that a reader's setting counts),
so every rem value is converted to the same pixel size in 16px rems.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

# The token file of the package, relative to its folder.
SOURCE = Path("resources/css/token/krds_tokens.css")

# Colour roles the theme uses; each is taken from the light mode and from the high-contrast mode.
COLOURS = (
    "text-basic",
    "text-bolder",
    "text-subtle",
    "text-primary",
    "surface-white",
    "surface-gray-subtler",
    "surface-primary-subtler",
    "surface-secondary-subtler",
    "border-gray-light",
    "border-gray",
    "border-gray-dark",
    "border-primary",
    "border-primary-light",
    "button-primary-fill",
    "button-primary-fill-hover",
    "element-primary",
    "element-primary-light",
    "element-secondary",
    "element-secondary-light",
)
# KRDS has no dark mode of its own; the dark scheme (for `prefers-color-scheme: dark`) gives each colour role
# a step of KRDS's own primitive ramps (`--krds-color-light-<ramp>-<step>`), mirrored: light surfaces become the
# darkest grays, text the lightest, the primary blue a lighter step so that it reads on dark. Every text pair
# keeps at least 4.5:1 (checked by tests/test_theme_tokens.py).
DARK = {
    "text-basic": "gray-10",
    "text-bolder": "gray-5",
    "text-subtle": "gray-30",
    "text-primary": "primary-30",
    "surface-white": "gray-95",
    "surface-gray-subtler": "gray-90",
    "surface-primary-subtler": "primary-95",
    "surface-secondary-subtler": "secondary-95",
    "border-gray-light": "gray-70",
    "border-gray": "gray-60",
    "border-gray-dark": "gray-40",
    "border-primary": "primary-40",
    "border-primary-light": "primary-80",
    "button-primary-fill": "primary-30",
    "button-primary-fill-hover": "primary-20",
    "element-primary": "primary-40",
    "element-primary-light": "primary-80",
    "element-secondary": "secondary-30",
    "element-secondary-light": "secondary-80",
}
# Type scale (PC values, mobile values below 48rem).
FONT_SIZES = (
    "display-small",
    "heading-large",
    "heading-medium",
    "heading-small",
    "heading-xsmall",
    "body-large",
    "body-medium",
    "body-small",
    "body-xsmall",
    "navigation-depth-medium",
)
# Layout gaps, which also differ between PC and mobile.
LAYOUT = ("gap-layout-h1-h2",)
# Mode-independent steps.
STEPS = (
    "gap-2",
    "gap-3",
    "gap-4",
    "gap-5",
    "gap-7",
    "gap-8",
    "gap-9",
    "gap-10",
    "padding-3",
    "padding-4",
    "padding-5",
    "padding-6",
    "padding-7",
    "padding-8",
    "radius-small1",
    "radius-medium3",
    "radius-large1",
)
# The breakpoint below which KRDS uses its mobile scale (its `responsive-mobile` set).
MOBILE_MAX = "47.99rem"

_DECLARATION = re.compile(r"(--krds-[\w-]+)\s*:\s*([^;]+);")
_VAR = re.compile(r"var\((--krds-[\w-]+)\)")
_REM = re.compile(r"(-?\d*\.?\d+)rem\b")


class TokenError(Exception):
    """The package lacks a token the theme asks for (a KRDS update renamed or dropped it)."""


def read_declarations(css: str) -> dict[str, str]:
    """Every `--krds-*: value;` of the package's token file, by name."""
    return {name: value.strip() for name, value in _DECLARATION.findall(css)}


def resolve(name: str, declarations: dict[str, str]) -> str:
    """The final value of a token, following `var(--krds-…)` references."""
    seen: set[str] = set()
    value = declarations.get(name)
    if value is None:
        raise TokenError(f"KRDS has no token {name}")
    while (match := _VAR.search(value)) is not None:
        ref = match.group(1)
        if ref in seen or ref not in declarations:
            raise TokenError(f"KRDS token {name} refers to {ref}, which cannot be resolved")
        seen.add(ref)
        value = value[: match.start()] + declarations[ref] + value[match.end() :]
    return value


def to_root_16(value: str) -> str:
    """A KRDS rem value (10px root) as the same size in rems of a 16px root: 1.7rem -> 1.0625rem."""

    def convert(match: re.Match[str]) -> str:
        rem = float(match.group(1)) * 10 / 16
        text = f"{rem:.4f}".rstrip("0").rstrip(".")
        return f"{text or '0'}rem"

    return _REM.sub(convert, value)


def _block(selector: str, pairs: list[tuple[str, str]], indent: str = "") -> list[str]:
    lines = [f"{indent}{selector} {{"]
    lines += [f"{indent}  {name}: {value};" for name, value in pairs]
    lines.append(f"{indent}}}")
    return lines


def render(package: Path) -> str:
    """The theme's token CSS from the `krds-uiux` package folder (node_modules/krds-uiux)."""
    declarations = read_declarations((package / SOURCE).read_text(encoding="utf-8"))
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]

    def get(name: str) -> str:
        return to_root_16(resolve(name, declarations))

    light = [(f"--krds-color-{role}", get(f"--krds-light-color-{role}")) for role in COLOURS]
    contrast = [(f"--krds-color-{role}", get(f"--krds-high-contrast-color-{role}")) for role in COLOURS]
    dark = [(f"--krds-color-{role}", get(f"--krds-color-light-{DARK[role]}")) for role in COLOURS]
    pc = [(f"--krds-font-size-{size}", get(f"--krds-pc-font-size-{size}")) for size in FONT_SIZES]
    pc += [(f"--krds-{name}", get(f"--krds-pc-{name}")) for name in LAYOUT]
    mobile = [(f"--krds-font-size-{size}", get(f"--krds-mobile-font-size-{size}")) for size in FONT_SIZES]
    mobile += [(f"--krds-{name}", get(f"--krds-mobile-{name}")) for name in LAYOUT]
    # Only the values that differ on mobile need repeating.
    mobile = [pair for pair in mobile if pair not in pc]
    steps = [(f"--krds-{name}", get(f"--krds-{name}")) for name in STEPS]

    lines = [
        f"/* KRDS design tokens (krds-uiux {version}) used by this theme. Generated by `invoke tokens`:",
        "   do not edit. Sizes are converted from KRDS's 10px root to rems of the reader's root size. */",
    ]
    lines += _block(":root", light + pc + steps)
    lines.append(f"@media (max-width: {MOBILE_MAX}) {{")
    lines += _block(":root", mobile, "  ")
    lines.append("}")
    # Dark before high contrast: a reader who asks for both gets KRDS's high-contrast mode.
    lines.append("@media (prefers-color-scheme: dark) {")
    lines += _block(":root", dark, "  ")
    lines.append("}")
    lines.append("@media (prefers-contrast: more) {")
    lines += _block(":root", contrast, "  ")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_tokens(package: Path, target: Path) -> Path:
    """Write the theme's token CSS to `target`; returns it."""
    target.write_text(render(package), encoding="utf-8")
    return target
