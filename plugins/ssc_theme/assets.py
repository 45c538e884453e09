"""The theme's stylesheets as served: comments and layout whitespace taken out.

The committed CSS stays readable and commented; the pages' weight budget (50 KiB of
HTML+CSS+JS) counts what is served, so the written copies in the output are minified.
Quoted strings (`content: " <" attr(href) ">"`, font names) are left exactly as written.
"""

from __future__ import annotations

import re
from pathlib import Path

_STRING = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")
_AFTER_COLON = re.compile(r":\s+")


def minify_css(css: str) -> str:
    """`css` without comments and without whitespace that carries no meaning."""
    pieces = _STRING.split(_COMMENT.sub("", css))
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:  # a quoted string: as it is
            out.append(piece)
            continue
        piece = _SPACE.sub(" ", piece)
        piece = _AROUND.sub(r"\1", piece)
        piece = _AFTER_COLON.sub(":", piece)
        out.append(piece.replace(";}", "}"))
    return "".join(out).strip() + "\n"


def minify_stylesheets(output: Path) -> int:
    """Minify every stylesheet under `output`/theme/css in place; returns the bytes saved."""
    saved = 0
    for path in sorted((output / "theme" / "css").glob("*.css")):
        text = path.read_text(encoding="utf-8")
        small = minify_css(text)
        if small != text:
            path.write_text(small, encoding="utf-8")
            saved += len(text.encode()) - len(small.encode())
    return saved
