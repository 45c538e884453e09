"""The site's web font: Pretendard GOV, subset to the characters the built pages use.

The theme commits the fonts as KRDS ships them (`theme/fonts/`, the WOFF files, which
fontTools reads twice as fast as the WOFF2 ones). Once both languages are written,
`subset_fonts` collects every character of every page (text and attribute values, which
hold what the scripts show) and writes one small WOFF2 per weight into the output's
`theme/fonts/`, where `site.css` finds them. Characters a page gains later from a script
(a time-zone name) fall back to the system font stack, glyph by glyph.

The subsets are byte-deterministic: fontTools subsetting is, and the `head` timestamps are
kept as they are in the source fonts. A subset is a modified version under the SIL Open
Font License, so it is renamed (the licence reserves the original name for the original);
its copyright and licence records stay in the font.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

log = logging.getLogger(__name__)

FAMILY = "SSC Forum Sans"


@dataclass(frozen=True)
class Face:
    """One weight: the committed source font and the name of its subset in the output."""

    source: str
    weight: int
    style_name: str

    @property
    def output_name(self) -> str:
        """File name of the subset, under `theme/fonts/` of the output."""
        return f"forum-sans-{self.weight}.woff2"


FACES = (
    Face("PretendardGOV-Regular.subset.woff", 400, "Regular"),
    Face("PretendardGOV-Bold.subset.woff", 700, "Bold"),
)

# Always kept, whatever the pages hold: what scripts write (times, numbers, Latin zone
# abbreviations) and the punctuation of ranges and lists.
BASE_CHARACTERS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00a0·–—~‘’“”…×→←"

# Layout features worth keeping for Korean and Latin text; the rest only cost bytes.
FEATURES = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk", "tnum"]


def page_characters(root: Path) -> set[str]:
    """Every character in the built HTML pages under `root` (the search bundle aside).

    The whole file is read, markup included: markup is ASCII, which is kept anyway, and
    attribute values (labels, titles, messages scripts show) count as text here.
    """
    characters: set[str] = set()
    for page in root.rglob("*.html"):
        if "pagefind" in page.relative_to(root).parts:
            continue
        characters.update(page.read_text(encoding="utf-8"))
    return characters


def _rename(font: TTFont, style_name: str) -> None:
    """Give the subset its own family name, keeping copyright (0), licence (13) and its address (14)."""
    names = font["name"]
    keep = {0, 13, 14}
    names.names = [record for record in names.names if record.nameID in keep]
    full = f"{FAMILY} {style_name}"
    for name_id, text in (
        (1, FAMILY),
        (2, style_name),
        (3, f"{FAMILY.replace(' ', '')}-{style_name}"),
        (4, full),
        (6, f"{FAMILY.replace(' ', '')}-{style_name}"),
    ):
        names.setName(text, name_id, 3, 1, 0x409)


def subset_face(source: Path, characters: set[str], style_name: str) -> bytes:
    """The WOFF2 subset of one source font for `characters`."""
    font = TTFont(source, recalcTimestamp=False)  # keep head.modified: the build is reproducible
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = FEATURES
    options.name_IDs = ["*"]  # renamed below
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    _rename(font, style_name)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def subset_fonts(output: Path, fonts: Path) -> dict[str, int]:
    """Write the subsets of every face into `output`/theme/fonts; returns their sizes by file name."""
    characters = page_characters(output) | set(BASE_CHARACTERS)
    characters = {c for c in characters if c.isprintable() or c == "\u00a0"}
    target = output / "theme" / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    for face in FACES:
        data = subset_face(fonts / face.source, characters, face.style_name)
        (target / face.output_name).write_bytes(data)
        sizes[face.output_name] = len(data)
    return sizes
