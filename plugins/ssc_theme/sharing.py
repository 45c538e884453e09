"""The sharing image (`theme/img/share.png`, 1200×630, the `og:image` of every page), drawn at build time.

Drawn with Pillow in the site's own type (the committed Pretendard GOV fonts) and KRDS colours:
the forum's name in both languages, its theme, its dates and the organisers, and the forum's motif
(the city grid joined by a network, as `img/motif.svg` draws it). The words come from the settings
and the programme file, so a corrected name or date corrects the image with the next build; the
same inputs give the same bytes.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ssc_forum.timeformat import date_range_label

SIZE = (1200, 630)
MARGIN = 64
# KRDS colours (light mode): the surface, the texts, the primary blues, the secondary tint.
PAPER = "#ecf2fe"  # primary 5
INK = "#131416"  # gray 95 (text bolder)
MUTED = "#464c53"  # gray 70 (text subtle)
ACCENT = "#0b50d0"  # primary 60 (text primary)
LINE = "#256ef4"  # primary 50
GRID = "#d8e5fd"  # primary 10
BLOCK = "#d6e0eb"  # secondary 10
HUB = "#063a74"  # secondary 70
FONTS = {"regular": "PretendardGOV-Regular.subset.woff", "bold": "PretendardGOV-Bold.subset.woff"}

# The motif of img/motif.svg (a 560×360 drawing), as lines, blocks and nodes.
_GRID = [((20, y), (540, y)) for y in (60, 140, 220, 300)] + [((x, 20), (x, 340)) for x in (60, 160, 260, 360, 460)]
_BLOCKS = [
    ((78, 78, 142, 122), GRID),
    ((178, 158, 242, 202), GRID),
    ((378, 238, 442, 282), GRID),
    ((478, 158, 530, 202), GRID),
    ((278, 78, 342, 122), BLOCK),
    ((78, 238, 142, 282), BLOCK),
    ((278, 238, 342, 282), BLOCK),
]
_LINKS = [
    [(60, 300), (160, 220), (260, 220), (360, 140), (460, 60)],
    [(160, 220), (160, 140), (260, 60)],
    [(360, 140), (460, 220), (360, 300)],
    [(260, 220), (360, 300)],
    [(460, 60), (540, 60)],
]
_NODES = [(60, 300), (160, 140), (260, 60), (260, 220), (460, 220), (360, 300)]
_HUBS = [((160, 220), LINE), ((360, 140), LINE), ((460, 60), HUB)]


def _font(fonts: Path, weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts / FONTS[weight]), size)


def _fitted(fonts: Path, weight: str, size: int, text: str, width: int) -> ImageFont.FreeTypeFont:
    """The font at `size`, or smaller until `text` fits in `width` pixels."""
    font = _font(fonts, weight, size)
    while font.getlength(text) > width and size > 12:
        size -= 2
        font = _font(fonts, weight, size)
    return font


def _wrapped(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width`, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _motif(draw: ImageDraw.ImageDraw, left: int, top: int, scale: float) -> None:
    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x * scale, top + y * scale)

    for start, end in _GRID:
        draw.line([at(*start), at(*end)], fill=GRID, width=2)
    for (x0, y0, x1, y1), colour in _BLOCKS:
        draw.rounded_rectangle([at(x0, y0), at(x1, y1)], radius=4, fill=colour)
    for path in _LINKS:
        draw.line([at(*p) for p in path], fill=LINE, width=max(2, round(4 * scale)), joint="curve")

    def dot(centre: tuple[int, int], radius: float, colour: str) -> None:
        x, y = at(*centre)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)

    for node in _NODES:
        dot(node, 9.5 * scale, LINE)
        dot(node, 5.5 * scale, PAPER)
    for node, colour in _HUBS:
        dot(node, 13 * scale, colour)


def _mark(draw: ImageDraw.ImageDraw, left: int, top: int, size: int) -> None:
    """The site's mark (img/mark.svg): a framed square with its diagonals, a dot at each corner and one inside."""
    s = size / 32

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + x * s, top + y * s)

    draw.rectangle([at(6, 6), at(26, 26)], outline=LINE, width=max(2, round(2 * s)))
    draw.line([at(6, 26), at(26, 6)], fill=LINE, width=max(2, round(2 * s)))
    draw.line([at(6, 6), at(26, 26)], fill=LINE, width=max(2, round(2 * s)))
    for x, y in ((6, 6), (26, 6), (6, 26), (26, 26)):
        cx, cy = at(x, y)
        draw.ellipse([cx - 3.2 * s, cy - 3.2 * s, cx + 3.2 * s, cy + 3.2 * s], fill=LINE)
    cx, cy = at(16, 16)
    draw.ellipse([cx - 4.5 * s, cy - 4.5 * s, cx + 4.5 * s, cy + 4.5 * s], fill=HUB)


def forum_days(programme_file: Path) -> tuple[date, date]:
    """The first and last day of the forum, from the programme file."""
    days = [date.fromisoformat(str(d["date"])) for d in tomllib.loads(programme_file.read_text("utf-8"))["days"]]
    return min(days), max(days)


def draw(settings: dict[str, Any], fonts: Path, days: tuple[date, date]) -> Image.Image:
    """The sharing image for the site of `settings`: in the main language, the second's names beside them.

    The languages are the first two rows of the settings' `LANGUAGES` (the second's names from its
    sub-site's settings); a site in one language says everything once.
    """
    codes = [row["code"] for row in settings.get("LANGUAGES") or ()] or [settings.get("DEFAULT_LANG", "ko")]
    main, second = codes[0], (codes[1] if len(codes) > 1 else None)
    other = {**settings, **(settings.get("I18N_SUBSITES") or {}).get(second, {})} if second else None
    image = Image.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    column = 660  # the text column left of the motif

    _motif(pen, 740, 330, 0.75)
    pen.rectangle([0, SIZE[1] - 12, SIZE[0], SIZE[1]], fill=LINE)

    _mark(pen, MARGIN, 52, 52)
    name = _fitted(fonts, "bold", 40, settings["SITENAME"], width - 72)
    pen.text((MARGIN + 72, 54), settings["SITENAME"], font=name, fill=INK)
    if other:
        name_other = _fitted(fonts, "regular", 26, other["SITENAME"], width - 72)
        pen.text((MARGIN + 72, 106), other["SITENAME"], font=name_other, fill=MUTED)

    theme = _fitted(fonts, "bold", 88, settings["SITESUBTITLE"], column)
    pen.text((MARGIN, 196), settings["SITESUBTITLE"], font=theme, fill=ACCENT)
    theme_other = _font(fonts, "regular", 32)
    y = 310
    for line in _wrapped(other["SITESUBTITLE"], theme_other, column)[:2] if other else ():
        pen.text((MARGIN, y), line, font=theme_other, fill=INK)
        y += 42

    start, end = days
    dates = date_range_label(start, end, main)
    pen.text((MARGIN, 438), dates, font=_fitted(fonts, "bold", 30, dates, column), fill=INK)
    if second:
        dates_other = date_range_label(start, end, second)
        pen.text((MARGIN, 480), dates_other, font=_fitted(fonts, "regular", 26, dates_other, column), fill=MUTED)
    organisers = " · ".join(org["name"] for org in settings.get("ORGANISERS") or ())
    if organisers:
        pen.text((MARGIN, 548), organisers, font=_fitted(fonts, "bold", 24, organisers, column), fill=INK)
    return image


def write_sharing_image(output: Path, settings: dict[str, Any]) -> Path:
    """Draw the sharing image into `output`/theme/img/share.png; returns its path."""
    fonts = Path(settings["THEME"]) / "fonts"
    programme = Path(settings["PATH"]) / (settings.get("FORUM") or {}).get("programme", "programme.toml")
    target = output / "theme" / "img" / "share.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    draw(settings, fonts, forum_days(programme)).save(target, format="PNG", optimize=True)
    return target
