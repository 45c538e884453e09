"""The theme's stylesheets and scripts as served: comments and layout whitespace taken out.

The committed CSS stays readable and commented; the pages' weight budget (50 KiB of
HTML+CSS+JS) counts what is served, so the written copies in the output are minified.
Quoted strings (`content: " <" attr(href) ">"`, font names) are left exactly as written.

`site.css` starts with `@import url("tokens.css")` (the generated KRDS tokens), which works
as committed; as served, the import is replaced by the imported sheet's text and that
sheet is dropped from the output. Each stylesheet a page links blocks its first paint, and
an @import is one more request after the first: one sheet is one round trip.
"""

from __future__ import annotations

import re
from pathlib import Path

_STRING = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")
_AFTER_COLON = re.compile(r":\s+")
# `@import url("tokens.css");` or `@import "tokens.css";` of a sheet in the same folder, for all media.
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*(["']?)([\w.-]+\.css)\1\s*\)|(["'])([\w.-]+\.css)\3)\s*;""")


class StylesheetError(Exception):
    """A stylesheet imports a sheet that is not there."""


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


def inline_imports(css: str, folder: Path) -> tuple[str, set[str]]:
    """`css` with each `@import` of a sheet in `folder` replaced by that sheet's text.

    Returns the new text and the names of the sheets taken in. Only plain imports of a
    file beside the sheet are matched (no media list, no other folder or host), so that
    the inlined text means what the import meant; imports inside imports are not followed.
    """
    imported: set[str] = set()

    def take_in(match: re.Match[str]) -> str:
        name = match.group(2) or match.group(4)
        path = folder / name
        if not path.is_file():
            raise StylesheetError(f"{folder.name}/{name}: imported by a stylesheet but not found")
        imported.add(name)
        return path.read_text(encoding="utf-8")

    return _IMPORT.sub(take_in, css), imported


def minify_stylesheets(output: Path) -> int:
    """Inline the imports of, and minify, every stylesheet under `output`/theme/css in place.

    The sheets that were inlined are removed: no page links them. Returns the bytes the
    minifying saved.
    """
    folder = output / "theme" / "css"
    written: dict[Path, tuple[str, str]] = {}  # path -> (as copied, with its imports inlined)
    merged: set[str] = set()
    for path in sorted(folder.glob("*.css")):
        text = path.read_text(encoding="utf-8")
        whole, imported = inline_imports(text, folder)
        merged |= imported
        written[path] = (text, whole)
    saved = 0
    for path, (text, whole) in written.items():
        if path.name in merged:
            path.unlink()
            continue
        small = minify_css(whole)
        if small != text:
            path.write_text(small, encoding="utf-8")
            saved += len(whole.encode()) - len(small.encode())
    return saved


def minify_js(js: str) -> str:
    """`js` without its comment lines and indentation, line breaks kept (so no statement runs into the next).

    Deliberately small rather than a full minifier: it only drops lines that are wholly a comment
    (`// …`, or a `/* … */` block starting a line), leading whitespace and empty lines, and leaves
    the inside of template literals exactly as written. Code and trailing comments are untouched,
    so the result means what the source means for any script the theme ships.
    """
    out: list[str] = []
    in_template = False  # inside a `…` literal that spans lines
    in_block = False  # inside a /* … */ comment that started a line
    for line in js.splitlines():
        if in_template:
            out.append(line)
        elif in_block:
            if "*/" in line:
                in_block = False
                rest = line.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        else:
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            if stripped.startswith("/*"):
                if "*/" not in stripped[2:]:
                    in_block = True
                    continue
                rest = stripped[2:].split("*/", 1)[1].strip()
                if not rest:
                    continue
                stripped = rest
            out.append(stripped)
            line = stripped
        # A backtick not escaped opens or closes a template literal.
        if (line.count("`") - line.count("\\`")) % 2:
            in_template = not in_template
    return "\n".join(out) + "\n"


def minify_scripts(output: Path) -> int:
    """Minify every script under `output`/theme/js in place (`minify_js`); returns the bytes saved."""
    saved = 0
    for path in sorted((output / "theme" / "js").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        small = minify_js(text)
        if small != text:
            path.write_text(small, encoding="utf-8")
            saved += len(text.encode()) - len(small.encode())
    return saved
