"""The web font and the served stylesheets, as the build writes them."""

from __future__ import annotations

import re
from pathlib import Path

from fontTools.ttLib import TTFont
from ssc_theme.assets import minify_css
from ssc_theme.fonts import FACES, FAMILY, page_characters

FONT_BUDGET = 120 * 1024  # bytes of WOFF2 on a first visit


def _font_files(site: Path) -> list[Path]:
    """The subsets the built CSS asks for (by name, fingerprinted or not)."""
    fonts = site / "theme" / "fonts"
    return [next(fonts.glob(face.output_name.replace(".woff2", "*.woff2"))) for face in FACES]


def test_subsets_cover_the_pages_within_budget(site: Path) -> None:
    """Each weight holds every character of the built pages that Pretendard GOV has; together ≤ 120 KB."""
    files = _font_files(site)
    assert sum(f.stat().st_size for f in files) <= FONT_BUDGET
    used = {ord(c) for c in page_characters(site) if c.isprintable()}
    source = TTFont(Path(__file__).resolve().parents[1] / "theme" / "fonts" / FACES[0].source)
    available = used & set(source.getBestCmap())
    assert len(available) > 300, "the pages use hardly any character of the font: wrong input?"
    for path in files:
        font = TTFont(path)
        cmap = set(font.getBestCmap())
        assert available <= cmap, f"{path.name} lacks {sorted(chr(c) for c in available - cmap)[:20]}"
        assert len(cmap) < len(source.getBestCmap()) / 2, f"{path.name} is hardly subset"


def test_subsets_are_renamed_and_keep_their_licence(site: Path) -> None:
    """A modified font under the OFL carries its own name; copyright and licence stay in it."""
    for path in _font_files(site):
        names = {r.nameID: r.toUnicode() for r in TTFont(path)["name"].names}
        assert names[1] == FAMILY and "Pretendard" not in " ".join(names.values()).replace(names[0], "")
        assert "Kil Hyung-jin" in names[0] or "길형진" in names[0]
        assert "Open Font License" in names[13]


def test_served_stylesheet_is_minified_and_declares_the_font(site: Path) -> None:
    """The CSS as served: no comments, the @font-face rules with font-display: swap, local URLs only."""
    css = next((site / "theme" / "css").glob("site*.css")).read_text(encoding="utf-8")
    assert "/*" not in css and "\n  " not in css
    assert css.count("@font-face") == 2 and css.count("font-display:swap") == 2
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), "the stylesheet asks another host"


def test_minify_keeps_strings_and_meaning() -> None:
    """Whitespace inside quoted strings survives; comments and layout whitespace go."""
    css = '/* note */\na::after {\n  content: " <" attr(href) ">";\n  font-family: "SSC Forum Sans", serif;\n}\n'
    assert minify_css(css) == 'a::after{content:" <" attr(href) ">";font-family:"SSC Forum Sans",serif}\n'
    assert minify_css("@media (max-width: 40rem) {\n  .a > .b { margin: 0 auto; }\n}") == (
        "@media (max-width:40rem){.a>.b{margin:0 auto}}\n"
    )
