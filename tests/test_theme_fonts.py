"""The web font and the served stylesheets, as the build writes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from ssc_theme.assets import StylesheetError, inline_imports, minify_css, minify_stylesheets
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


def test_pages_link_one_stylesheet_and_preload_both_weights(site: Path) -> None:
    """Each page waits for one stylesheet only (tokens inlined), and asks for both fonts at once.

    A second stylesheet is a second render-blocking request; fonts found only through the
    stylesheet arrive after the first paint, and the swap from the fallback moves the text.
    """
    fonts = {face.output_name.removesuffix(".woff2") for face in FACES}
    for page in (site / "index.html", site / "en" / "speakers" / "index.html"):
        head = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").head
        sheets = [link["href"] for link in head.find_all("link", rel="stylesheet")]
        assert len(sheets) == 1 and Path(sheets[0]).name.startswith("site"), sheets
        preloads = head.find_all("link", rel="preload")
        assert {Path(link["href"]).name.split(".")[0] for link in preloads} == fonts
        assert all((site / "theme" / "fonts" / Path(link["href"]).name).is_file() for link in preloads)
        assert all(
            link["as"] == "font" and link["type"] == "font/woff2" and link.has_attr("crossorigin") for link in preloads
        )
    css_dir = site / "theme" / "css"
    assert not list(css_dir.glob("tokens*.css")), "the tokens are served inside site.css, not on their own"
    css = next(css_dir.glob("site*.css")).read_text(encoding="utf-8")
    assert "@import" not in css and "--krds-color-text-basic:" in css
    assert css.index("--krds-color-text-basic:") < css.index("@font-face")  # tokens first, as imported


def test_inline_imports_takes_in_sheets_beside_it(tmp_path: Path) -> None:
    """Plain imports of a sibling sheet are replaced by its text; the sheet is then dropped from the output."""
    css = tmp_path / "theme" / "css"
    css.mkdir(parents=True)
    (css / "tokens.css").write_text(":root { --a: 1px; }\n", encoding="utf-8")
    (css / "site.css").write_text(
        '@import url("tokens.css");\n@import "tokens.css";\nb { margin: var(--a); }\n', encoding="utf-8"
    )
    text, names = inline_imports((css / "site.css").read_text(encoding="utf-8"), css)
    assert names == {"tokens.css"} and text.count("--a: 1px") == 2 and "@import" not in text
    # An import with a media list or of another host is not ours to rewrite.
    kept = '@import url("tokens.css") print;\n@import url("https://example.org/x.css");\n'
    assert inline_imports(kept, css) == (kept, set())
    minify_stylesheets(tmp_path)
    assert sorted(p.name for p in css.iterdir()) == ["site.css"]
    assert (css / "site.css").read_text(encoding="utf-8") == ":root{--a:1px}:root{--a:1px}b{margin:var(--a)}\n"


def test_inline_imports_names_a_missing_sheet(tmp_path: Path) -> None:
    """An import of a sheet that is not there is an error naming it, not a silent broken page."""
    with pytest.raises(StylesheetError, match="tokens.css"):
        inline_imports('@import url("tokens.css");', tmp_path)


def test_scripts_lose_comment_lines_and_indentation_but_keep_template_literals() -> None:
    from ssc_theme.assets import minify_js

    source = (
        "// a comment line\n"
        "/* a block\n   over lines */\n"
        "function f(a) {\n"
        "    /** one line */\n"
        "    const t = `line one\n"
        "    // not a comment: inside the literal\n"
        "        indented ${a}`;\n"
        "    return t; // a trailing comment stays\n"
        "}\n"
        "\n"
    )
    assert minify_js(source) == (
        "function f(a) {\n"
        "const t = `line one\n"
        "    // not a comment: inside the literal\n"
        "        indented ${a}`;\n"
        "return t; // a trailing comment stays\n"
        "}\n"
    )


def test_the_theme_scripts_as_served_still_parse(site) -> None:
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for script in (site / "theme" / "js").glob("*.js"):
        if script.stem.count(".") == 0:  # the fingerprinted copies are the same bytes
            text = script.read_text(encoding="utf-8")
            # A classic script or a module (the pages load some with type="module"): one of them must parse.
            runs = [
                subprocess.run(
                    [node, f"--input-type={kind}", "--check"], input=text, capture_output=True, text=True, timeout=60
                )
                for kind in ("commonjs", "module")
            ]
            done = min(runs, key=lambda run: run.returncode)
            assert done.returncode == 0, (script.name, done.stderr)
