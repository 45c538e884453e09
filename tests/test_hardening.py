"""Hostile and careless content is refused, class by class, on copies of the real content.

Each class has a table of malformed inputs. Every one must be refused by the content check
and by the build alike: at least one problem naming the file (and its field or line), one line
per problem, no traceback, nothing written. The number of inputs tried per class is printed in
the test summary ("hostile inputs per class"). A few inputs that look odd but are fine are built
and checked in the pages, and the command line is run as editors run it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build, run_pelican, soup

Mutation = Callable[[Path], None]


# --- helpers ---------------------------------------------------------------------------------


def page(c: Path, slug: str = "about", lang: str = "en") -> Path:
    return c / "pages" / f"{slug}.{lang}.md"


def session(c: Path, slug: str = "keynote", lang: str = "en") -> Path:
    return c / "sessions" / f"{slug}.{lang}.md"


def _speaker_ko(c: Path) -> Path:
    return c / "speakers" / "in-kwon-park.ko.md"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def set_field(path: Path, name: str, value: str) -> None:
    """Set (or add, right after Lang) a metadata field of one file."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{name}:.*$", lambda _: f"{name}: {value}", text, count=1)
    if not count:
        new = re.sub(r"(?m)^(Lang: .*)$", lambda m: f"{m.group(1)}\n{name}: {value}", text, count=1)
    path.write_text(new, encoding="utf-8")


def both(path_of: Callable[[Path, str], Path], name: str, value: str) -> Mutation:
    """Set a field in both languages, so the twins still agree."""
    return lambda c: [set_field(path_of(c, lang=lang), name, value) for lang in ("ko", "en")]


def line_of(path: Path, needle: str) -> int:
    """The last line holding `needle`: appended mistakes are the last of their kind."""
    found = [
        number
        for number, line in enumerate(path.read_bytes().decode("utf-8", "replace").split("\n"), start=1)
        if needle in line
    ]
    assert found, f"{needle!r} not in {path}"
    return found[-1]


# Each case: (mutation, expected text in one problem line, where: a regex the line must start with)
Case = tuple[Mutation, str, str]
TABLES: dict[str, dict[str, Case]] = {}


def body_case(snippet: str, expected: str, *, slug: str = "about") -> Case:
    """Append Markdown to a page; the problem must name the page and the snippet's line."""
    return (lambda c: append(page(c, slug), snippet), expected, rf"content/pages/{slug}\.en\.md:LINE:")


# --- 1. static files -------------------------------------------------------------------------


def _images(c: Path) -> Path:
    folder = c / "images"
    folder.mkdir(exist_ok=True)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def _link(name: str, target: str) -> Mutation:
    return lambda c: os.symlink(target, _images(c) / name)


def _write(name: str, data: bytes = b"x") -> Mutation:
    def mutate(c: Path) -> None:
        path = _images(c) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return mutate


def _images_folder_link(c: Path) -> None:
    outside = c.parent / "outside"
    outside.mkdir()
    (outside / "id_rsa").write_text("secret", encoding="utf-8")
    os.symlink(outside, c / "images")


def _fifo(c: Path) -> None:
    os.mkfifo(_images(c) / "pipe.png")


def _socket(path: Path) -> None:
    import socket

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()


def _markdown_link(c: Path) -> None:
    session(c).unlink()
    os.symlink("/etc/passwd", session(c))


def _theme_link(c: Path) -> None:
    os.symlink("/etc/hostname", c.parent / "theme" / "static" / "img" / "leak.png")


TABLES["static files"] = {
    "link to /proc/self/environ": (_link("env.txt", "/proc/self/environ"), "is a symbolic link", r"content/images/"),
    "link to /etc/passwd": (_link("passwd.png", "/etc/passwd"), "is a symbolic link", r"content/images/passwd"),
    "relative link leaving the tree": (
        _link("up.png", "../../../../etc/hostname"),
        "is a symbolic link",
        r"content/images/up\.png",
    ),
    "link to a folder": (_link("keys", "/etc/ssl"), "is a symbolic link", r"content/images/keys"),
    "link inside the tree": (_link("copy.png", "photo.png"), "is a symbolic link", r"content/images/copy\.png"),
    "dangling link": (_link("gone.png", "/nonexistent/file.png"), "is a symbolic link", r"content/images/gone"),
    "images folder is a link": (_images_folder_link, "is a symbolic link", r"content/images:"),
    "named pipe": (_fifo, "is a named pipe", r"content/images/pipe\.png"),
    ".env file": (_write(".env", b"TOKEN=1"), "hidden file", r"content/images/\.env"),
    ".git folder": (_write(".git/config"), "hidden file", r"content/images/\.git"),
    "hidden folder with an image": (_write(".cache/a.png"), "hidden file", r"content/images/\.cache"),
    ".DS_Store": (_write(".DS_Store"), "hidden file", r"content/images/\.DS_Store"),
    "hidden file whose name forges a second line": (
        _write(".x\nfake.md: all is well"),
        "hidden file",
        r"content/images/\.x\\nfake\.md: all is well: ",
    ),
    "SVG image": (
        _write("logo.svg", b"<svg onload='alert(1)'/>"),
        "SVG and HTML can run scripts",
        r"content/images/logo\.svg",
    ),
    "SVG in capitals": (_write("LOGO.SVG"), "not an image the site publishes", r"content/images/LOGO\.SVG"),
    "compressed SVG": (_write("logo.svgz"), "not an image the site publishes", r"content/images/logo\.svgz"),
    "HTML file": (
        _write("page.html", b"<script>alert(1)</script>"),
        "SVG and HTML can run scripts",
        r"content/images/page\.html",
    ),
    "double extension": (_write("photo.png.html"), "not an image", r"content/images/photo\.png\.html"),
    "XML file": (_write("feed.xml"), "not an image", r"content/images/feed\.xml"),
    "script": (_write("x.js"), "not an image", r"content/images/x\.js"),
    "image in a subfolder that is a link": (
        lambda c: (_images(c), (c.parent / "o").mkdir(), os.symlink(c.parent / "o", c / "images" / "sub")),
        "is a symbolic link",
        r"content/images/sub",
    ),
    "Markdown file that is a link": (_markdown_link, "is a symbolic link", r"content/sessions/keynote\.en\.md"),
    "link in the theme's static files": (_theme_link, "is a symbolic link", r"theme/static/img/leak\.png"),
    "socket": (lambda c: _socket(_images(c) / "s.png"), "is a socket", r"content/images/s\.png"),
    "programme file that is a link": (
        lambda c: ((c / "programme.toml").unlink(), os.symlink("/etc/passwd", c / "programme.toml")),
        "is a symbolic link",
        r"content/programme\.toml:",
    ),
    "hidden file in the theme": (
        lambda c: (c.parent / "theme" / "static" / ".env").write_text("x"),
        "hidden file",
        r"theme/static/\.env",
    ),
}


# --- 2. reserved addresses -------------------------------------------------------------------

RESERVED = (
    "en",
    "ko",
    "search",
    "news",
    "sessions",
    "timetable",
    "cases",
    "speakers",
    "theme",
    "feeds",
    "pagefind",
    "index",
    "images",
    "404",
    "schedule",
    "sitemap",
    "robots",
    "version",
)
TABLES["reserved addresses"] = {
    f"page slug {slug}": (
        both(page, "Slug", slug),
        f"field 'slug': '{slug}' is an address the site itself uses",
        r"content/pages/about\.(en|ko)\.md:2:",
    )
    for slug in RESERVED
}


# --- 3. markup -------------------------------------------------------------------------------

MARKUP = {
    "script element": ("<script>alert(1)</script>", "<script> is not allowed"),
    "script in capitals from another host": ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script> is not allowed"),
    "onerror handler": ('<img src="x.png" onerror="alert(1)">', "event handler"),
    "handler on an allowed element": ('<abbr title="x" onmouseover="alert(1)">X</abbr>', "event handler"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "uses a javascript: address"),
    "javascript in a Markdown link": ("[x](javascript:alert(1))", "uses a javascript: address"),
    "javascript in mixed case": ("[x](JaVaScRiPt:alert(1))", "uses a javascript: address"),
    "javascript behind an entity tab": ("[x](java&#x09;script:alert(1))", "uses a javascript: address"),
    "data URL link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", "uses a data: address"),
    "vbscript link": ("[x](vbscript:msgbox(1))", "uses a vbscript: address"),
    "data URL image": ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "uses a data: address"),
    "image from another host": ("![tracker](https://evil.example/t.png)", "from another host"),
    "protocol-relative image": ("![tracker](//evil.example/t.png)", "from another host"),
    "backslash protocol-relative image": ("![tracker](/\\evil.example/t.png)", "from another host"),
    "raw image from another host": ('<img src="https://evil.example/x.png">', "from another host"),
    "raw image with a foreign srcset": (
        '<img src="/images/a.png" srcset="https://evil.example/a.png 2x">',
        "'srcset' is not allowed",
    ),
    "tracking ping on a raw link": (
        '<a href="https://www.seoul.go.kr/" ping="https://evil.example/">x</a>',
        "'ping' is not allowed",
    ),
    "reference-style image from another host": (
        "![tracker][t]\n\n[t]: https://evil.example/t.png",
        "from another host",
    ),
    "raw link with a handler": ('<a href="https://www.seoul.go.kr/" onclick="alert(1)">x</a>', "event handler"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "<iframe> is not allowed"),
    "object": ('<object data="x.swf"></object>', "<object> is not allowed"),
    "embed": ('<embed src="x.swf">', "<embed> is not allowed"),
    "frame": ('<frameset><frame src="x"></frameset>', "is not allowed"),
    "applet": ('<applet code="x"></applet>', "<applet> is not allowed"),
    "style element": ("<style>body{display:none}</style>", "<style> is not allowed"),
    "style attribute": ('<span style="color:red">x</span>', "style attributes are not allowed"),
    "form": ('<form action="https://evil.example"><input name="q"></form>', "<form> is not allowed"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta> is not allowed"),
    "stylesheet link": ('<link rel="stylesheet" href="https://evil.example/x.css">', "<link> is not allowed"),
    "base": ('<base href="https://evil.example/">', "<base> is not allowed"),
    "svg": ("<svg onload=alert(1)></svg>", "<svg> is not allowed"),
    "math": ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "<math> is not allowed"),
    "video from another host": ('<video src="https://evil.example/v.mp4"></video>', "<video> is not allowed"),
    "audio": ('<audio src="/a.mp3"></audio>', "<audio> is not allowed"),
    "div block": ("<div>a block of raw HTML</div>", "<div> is not allowed"),
    "template": ("<template><p>x</p></template>", "<template> is not allowed"),
    "noscript": ("<noscript>x</noscript>", "<noscript> is not allowed"),
    "handler by attribute list": ('## Heading {: onclick="alert(1)" }', "event handler"),
    "style by attribute list": ('A paragraph.\n{: style="display:none" }', "style attributes are not allowed"),
    "data attribute by attribute list": ('## Video {: data-embed="javascript:alert(1)" }', "'data-embed'"),
    "class with a data attribute": ('## V {: .video-facade data-embed="https://evil.example/" }', "'data-embed'"),
    "srcset by attribute list": ('![x](/images/a.png){: srcset="https://evil.example/a.png 2x" }', "from another host"),
    "dir that is no direction": ('<span dir="rtl-override">x</span>', "is not ltr, rtl or auto"),
    "class on raw HTML": ('<span class="visually-hidden">x</span>', "'class' is not allowed"),
    # 600 deep: within the line limit, which refuses a longer line before anything is parsed.
    "inline HTML nested 600 deep": ("<span>" * 600 + "x", "nests elements more than 100 deep"),
    "image address written with entities": ("![tracker](/&#x5C;evil.example&#x2F;t.png)", "from another host"),
    # Read as a browser reads them (the standard's tokenizer): these comments end at once.
    "handler behind an empty comment": ("<!--><img src=x onerror=alert(1)>-->", "event handler"),
    "comment <!---> that ends at once": ("a <!---> b -->", "an HTML comment"),
    "comment ended by --!>": ("<!-- a --!><b>x</b>", "an HTML comment"),
    "note in a comment": ("Text <!-- a note for the editors --> and more", "an HTML comment"),
    "CDATA section": ("<![CDATA[x]]>", "a CDATA section"),
    "processing instruction": ('<?xml version="1.0"?>', "a processing instruction"),
    "document type declaration": ("<!DOCTYPE html>", "a document type declaration"),
}
TABLES["markup"] = {name: body_case(snippet, expected) for name, (snippet, expected) in MARKUP.items()}
TABLES["markup"]["table column alignment (an inline style)"] = (
    lambda c: append(page(c), "| a | b |\n|:-:|--:|\n| 1 | 2 |"),
    "table column alignment",
    r"content/pages/about\.en\.md:\d+:",
)


# --- 4. control characters -------------------------------------------------------------------


def _in_field(name: str, char: str, path_of: Callable[[Path], Path] = session) -> Mutation:
    def mutate(c: Path) -> None:
        path = path_of(c)
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(rf"(?m)^({name}: )(.)", lambda m: m.group(1) + m.group(2) + char, text, count=1), encoding="utf-8"
        )

    return mutate


def _programme(old: str, new: str) -> Mutation:
    def mutate(c: Path) -> None:
        path = c / "programme.toml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


FIELD_CHARS = {
    "NUL": "\x00",
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "unit separator": "\x1f",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 next line": "\x85",
    "C1 CSI": "\x9b",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "byte-order mark inside": "\ufeff",
    # Characters that show as nothing at all (refused in fields; running text keeps them).
    "tag letter": "\U000e0041",
    "cancel tag": "\U000e007f",
    "Hangul filler": "\u3164",
    "half-width Hangul filler": "\uffa0",
    "Hangul choseong filler": "\u115f",
    "word joiner": "\u2060",
    "interlinear annotation anchor": "\ufff9",
    "interlinear annotation terminator": "\ufffb",
    "zero-width space": "\u200b",
    "soft hyphen": "\u00ad",
    "Mongolian vowel separator": "\u180e",
}
TABLES["control characters"] = {
    **{
        f"{name} in the title": (
            _in_field("Title", char),
            "contains the invisible character",
            r"content/sessions/keynote\.en\.md:1: field 'title':",
        )
        for name, char in FIELD_CHARS.items()
    },
    "NUL in the summary": (
        _in_field("Summary", "\x00"),
        "U+0000",
        r"content/sessions/keynote\.en\.md:4: field 'summary'",
    ),
    "NUL in the body": (
        lambda c: append(session(c), "Text with a \x00 NUL."),
        "U+0000",
        r"content/sessions/keynote\.en\.md:LINE:",
    ),
    "backspace in the body": (
        lambda c: append(session(c), "Text\x08 here."),
        "U+0008",
        r"content/sessions/keynote\.en\.md:LINE:",
    ),
    "right-to-left override in the body": (
        lambda c: append(session(c), "abc\u202edef"),
        "U+202E",
        r"content/sessions/keynote\.en\.md:LINE:",
    ),
    "carriage return inside the title": (
        _in_field("Title", "\r"),
        "carriage return (U+000D)",
        r"content/sessions/keynote\.en\.md:1: ",
    ),
    "title running onto a second line": (
        lambda c: set_field(session(c), "Title", "First line\n    second line"),
        "runs onto a second line",
        r"content/sessions/keynote\.en\.md:1: field 'title'",
    ),
    "newline in a TOML name": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders\\nSeminar"'),
        "runs onto a second line",
        r"content/programme\.toml:\d+: field 'days\[1\]\.name_en'",
    ),
    "multi-line TOML string": (
        _programme('name_en = "Leaders Seminar"', 'name_en = """Leaders\nSeminar"""'),
        "runs onto a second line",
        r"content/programme\.toml:\d+: field 'days\[1\]\.name_en'",
    ),
    "NUL in a news title": (
        _in_field("Title", "\x00", lambda c: c / "news" / "forum-held-online.en.md"),
        "U+0000",
        r"content/news/forum-held-online\.en\.md:1: field 'title'",
    ),
    "NUL in a speaker's affiliation": (
        _in_field("Affiliation", "\x00", lambda c: c / "speakers" / "ying-long.ko.md"),
        "U+0000",
        r"content/speakers/ying-long\.ko\.md:\d+: field 'affiliation'",
    ),
    "NUL escape in TOML": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders\\u0000Seminar"'),
        "U+0000",
        r"content/programme\.toml:\d+: field 'days\[1\]\.name_en'",
    ),
    "TOML date and time for a date": (
        _programme('date = "2020-09-22"', "date = 2020-09-22T10:00:00"),
        "is a date and time (2020-09-22T10:00:00) where a date is meant",
        r"content/programme\.toml:6: field 'days\[1\]\.date'",
    ),
    "TOML inline table for a name": (
        _programme('name_en = "Leaders Seminar"', 'name_en = { text = "x" }'),
        "is a table ({'text': 'x'}) where text is meant",
        r"content/programme\.toml:10: field 'days\[1\]\.name_en'",
    ),
    "TOML array for a name": (
        _programme('name_en = "Leaders Seminar"', 'name_en = ["a", "b"]'),
        "is a list",
        r"content/programme\.toml:10: field 'days\[1\]\.name_en'",
    ),
    "stream link with a backslash before @": (
        both(session, "Streams", "link:https://evil.example\\@www.youtube.com/"),
        "holds a backslash",
        r"content/sessions/keynote\.(en|ko)\.md:\d+: field 'streams'",
    ),
    "recording link with a user name": (
        both(session, "Recording", "link:https://www.youtube.com:443@evil.example/"),
        "holds a user name",
        r"content/sessions/keynote\.(en|ko)\.md:\d+: field 'recording'",
    ),
    "Hangul filler as a whole name": (
        _in_field("Sort", "\u3164", _speaker_ko),
        "U+3164",
        r"content/speakers/in-kwon-park\.ko\.md:8: field 'sort'",
    ),
    "Hangul filler in a TOML name": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders\\u3164Seminar"'),
        "U+3164",
        r"content/programme\.toml:\d+: field 'days\[1\]\.name_en'",
    ),
    "raw control character in TOML": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders\x0bSeminar"'),
        "cannot be read",
        r"content/programme\.toml:\d+:",
    ),
}


# --- 5. shortcodes ---------------------------------------------------------------------------

SHORTCODES = {
    "stream link with a backslash before @": (
        "[[stream link:https://evil.example\\@www.youtube.com/]]",
        "holds a backslash",
    ),
    "stream link with a user name": (
        "[[stream link:https://www.youtube.com@evil.example/]]",
        "holds a user name before '@'",
    ),
    "name in capitals": ("[[Stream youtube:dQw4w9WgXcQ]]", "unknown shortcode [[Stream]]"),
    "all capitals": ("[[TIMETABLE]]", "names are lower-case"),
    "two on one line": ("[[timetable day=2020-09-22]] [[timetable day=2020-09-23]]", "two shortcodes on one line"),
    "inside other text": ("See [[timetable]] for the days.", "on a line of its own"),
    "in a list item": ("- [[timetable]]", "on a line of its own"),
    "in a quote": ("> [[timetable]]", "on a line of its own"),
    "not closed": ("[[timetable day=2020-09-22", "is not closed"),
    "followed by other text": ("[[timetable]] and more", "not followed by other text"),
    "indented under a list item": ("- Days:\n\n    [[timetable]]", "looks like a shortcode inside other text"),
    "in a table cell": ("| Days |\n|---|\n| [[timetable]] |", "on a line of its own"),
    "space after the brackets": ("[[ timetable ]]", "is malformed"),
    "unknown name": ("[[gallery]]", "unknown shortcode [[gallery]]"),
    "unknown argument": ("[[timetable date=2020-09-22]]", "takes only day=YYYY-MM-DD"),
    "two arguments": ("[[timetable day=2020-09-22 day=2020-09-23]]", "takes at most one"),
    "day not in the programme": ("[[timetable day=2020-09-24]]", "no such day in the programme (2020-09-22, "),
    "malformed day": ("[[timetable day=22/09/2020]]", "is not a date"),
    "stream without a value": ("[[stream]]", "takes exactly one provider:id"),
    "stream of an unknown provider": ("[[stream vimeo:123]]", "unknown provider 'vimeo'"),
    "stream with a short id": ("[[stream youtube:short]]", "is not a YouTube video id"),
    "stream with an offset": ("[[stream youtube:dQw4w9WgXcQ@1m]]", "only a recording can have a start offset"),
    "stream to a plain http address": ("[[stream link:http://example.org/live]]", "is not an https:// address"),
    "second whole timetable": ("[[timetable]]", "a page can show each day once"),  # about.en.md has one already
    "the placeholder word": ("SSCFORUMSHORTCODE0X", "is reserved for the site's own use"),
}
TABLES["shortcodes"] = {name: body_case(snippet, expected) for name, (snippet, expected) in SHORTCODES.items()}
TABLES["shortcodes"]["same day twice"] = (
    lambda c: append(page(c, "venue"), "[[timetable day=2020-09-22]]\n\n[[timetable day=2020-09-22]]"),
    "a page can show each day once",
    r"content/pages/venue\.en\.md:\d+:",
)
TABLES["shortcodes"]["shortcode in a news item"] = (
    lambda c: append(c / "news" / "forum-held-online.en.md", "[[timetable]]"),
    "not in news",
    r"content/news/forum-held-online\.en\.md:\d+:",
)


# --- 6. twins --------------------------------------------------------------------------------


def _en(path_of: Callable[[Path], Path], name: str, value: str) -> Mutation:
    return lambda c: set_field(path_of(c), name, value)


TWINS = {
    "day": (_en(session, "Day", "2020-09-22"), "day"),
    "order": (_en(session, "Order", "7"), "order"),
    "kind": (_en(session, "Kind", "session"), "kind"),
    "start and end": (
        lambda c: (set_field(session(c), "Start", "16:00"), set_field(session(c), "End", "17:00")),
        "start",
    ),
    "speakers": (_en(session, "Speakers", "sokwoo-rhee, ying-long"), "speakers"),
    "hosts": (_en(session, "Hosts", "ying-long"), "hosts"),
    "recording": (_en(session, "Recording", "youtube:dQw4w9WgXcQ"), "recording"),
    "streams": (_en(session, "Streams", "youtube:dQw4w9WgXcQ"), "streams"),
    "case's session": (_en(lambda c: c / "cases" / "helsinki.en.md", "Session", "keynote"), "session"),
    "page order": (_en(page, "Order", "9"), "order"),
    "news date": (_en(lambda c: c / "news" / "forum-held-online.en.md", "Date", "2020-09-23"), "date"),
}
TABLES["twins"] = {
    name: (mutate, f"field '{fname}': is ", r"content/\w+/[\w-]+\.en\.md:\d+: field")
    for name, (mutate, fname) in TWINS.items()
}


# --- 7. header lines that are no field --------------------------------------------------------


def _header_line(path_of: Callable[[Path], Path], old: str, new: str) -> Mutation:
    """Rewrite the header line starting with `old` (the line keeps its place)."""

    def mutate(c: Path) -> None:
        path = path_of(c)
        text = path.read_text(encoding="utf-8")
        assert re.search(rf"(?m)^{re.escape(old)}", text), old
        path.write_text(re.sub(rf"(?m)^{re.escape(old)}", lambda _: new, text, count=1), encoding="utf-8")

    return mutate


HEADER_LINES = {
    # (file, line written, replaced by, expected text, line number)
    "full-width colon": (_speaker_ko, "Position: ", "Position：", "did you mean 'Position: 교수'?", 6),
    "small colon": (_speaker_ko, "Position: ", "Position\ufe55 ", "U+FE55", 6),
    "ratio sign as a colon": (_speaker_ko, "Talk: ", "Talk\u2236 ", "did you mean 'Talk: ", 7),
    "space before the colon": (_speaker_ko, "Affiliation: ", "Affiliation : ", "a space stands before the colon", 5),
    "space before the colon on line 1": (session, "Title: ", "Title : ", "did you mean 'Title: ", 1),
    "Korean field name": (_speaker_ko, "Position: ", "직위: ", "'직위' is not a field name", 6),
    "Korean field name, meant": (_speaker_ko, "Affiliation: ", "소속: ", "did you mean 'Affiliation: ", 5),
    "unknown Korean field name": (_speaker_ko, "Sort: ", "비고: ", "the fields here: Affiliation, Lang, ", 8),
    "zero-width space in the name": (_speaker_ko, "Position: ", "Posi\u200btion: ", "U+200B", 6),
    "zero-width space before the name": (session, "Order: ", "\u200bOrder: ", "did you mean 'Order: 1'?", 6),
    "word joiner in the name": (session, "Kind: ", "Ki\u2060nd: ", "U+2060", 7),
    "misspelt field name, full-width": (_speaker_ko, "Position: ", "Postion：", "did you mean 'Position: 교수'?", 6),
    "text right after the fields": (
        session,
        "Speakers: ",
        "The keynote was given by Sokwoo Rhee.\nSpeakers: ",
        "leave one blank line between the fields and the text",
        9,
    ),
}
TABLES["header lines"] = {
    name: (_header_line(path_of, old, new), expected, rf"content/(sessions|speakers)/[\w-]+\.(en|ko)\.md:{line}: '")
    for name, (path_of, old, new, expected, line) in HEADER_LINES.items()
}


# --- 7. smaller ones -------------------------------------------------------------------------

OFFSETS = ("1h99m", "1m60s", "100000000000000000000h", "25h", "86401", "1h2m3s4", "-5", "1h-2m")
TABLES["recording offsets"] = {
    f"offset {offset}": (
        both(session, "Recording", f"youtube:dQw4w9WgXcQ@{offset}"),
        "start offset",
        r"content/sessions/keynote\.(en|ko)\.md:\d+: field 'recording'",
    )
    for offset in OFFSETS
}
TABLES["first cause only"] = {
    "24:00 as an end": (
        lambda c: [
            set_field(session(c, lang=lang), name, value)
            for lang in ("ko", "en")
            for name, value in (("Start", "23:00"), ("End", "24:00"))
        ],
        "'24:00' is not a time written HH:MM (24-hour, from 00:00 to 23:59)",
        r"content/sessions/keynote\.(en|ko)\.md:\d+: field 'end'",
    ),
    "news date Pelican cannot read": (
        _en(lambda c: c / "news" / "forum-held-online.en.md", "Date", "2020-13-45"),
        "'2020-13-45' is not a real date",
        r"content/news/forum-held-online\.en\.md:\d+: field 'date'",
    ),
    "news date in words": (
        _en(lambda c: c / "news" / "forum-held-online.en.md", "Date", "tomorrow"),
        "is not a date written YYYY-MM-DD",
        r"content/news/forum-held-online\.en\.md:\d+:",
    ),
    "programme not UTF-8": (
        lambda c: (c / "programme.toml").write_bytes(b"# \xff\xfe\n[[days]]\n"),
        "it is not UTF-8 text",
        r"content/programme\.toml:",
    ),
    "24:00 as a start": (
        lambda c: [
            set_field(session(c, lang=lang), name, value)
            for lang in ("ko", "en")
            for name, value in (("Start", "24:00"), ("End", "23:00"))
        ],
        "'24:00' is not a time",
        r"content/sessions/keynote\.(en|ko)\.md:\d+: field 'start'",
    ),
}


# --- the runs --------------------------------------------------------------------------------

CASES = [(cls, name) for cls, table in TABLES.items() for name in table]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the real content and theme; each case copies it again (the real files are never touched)."""
    base = tmp_path_factory.mktemp("pristine")
    shutil.copytree(ROOT / "content", base / "content", symlinks=True)
    shutil.copytree(ROOT / "theme", base / "theme", symlinks=True)
    return base


def _copy(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine / "content", tmp_path / "content", symlinks=True)
    shutil.copytree(pristine / "theme", tmp_path / "theme", symlinks=True)
    return tmp_path / "content"


def _settings(content: Path) -> dict:
    from pelican.settings import read_settings

    return read_settings(
        str(ROOT / "pelicanconf.py"), override={"PATH": str(content), "THEME": str(content.parent / "theme")}
    )


def _expected_prefix(pattern: str, content: Path, snippet_needle: str | None) -> str:
    if "LINE" in pattern:
        assert snippet_needle is not None
        path = content.parent / re.match(r"([\w/.\\-]+?):LINE", pattern).group(1).replace("\\", "")
        pattern = pattern.replace("LINE", str(line_of(path, snippet_needle)))
    return pattern


def _needle(cls: str, name: str) -> str | None:
    if cls == "markup" and name in MARKUP:
        return MARKUP[name][0].split("\n")[-1][:12]
    if cls == "shortcodes" and name in SHORTCODES:
        return SHORTCODES[name][0].split("\n")[-1][:12]
    if cls == "control characters" and "body" in name:
        return {
            "NUL in the body": "\x00",
            "backspace in the body": "\x08",
            "right-to-left override in the body": "\u202e",
        }[name]
    return None


@pytest.mark.parametrize(("cls", "name"), CASES, ids=[f"{cls}: {name}" for cls, name in CASES])
def test_hostile_input_is_refused_by_check_and_build(pristine, tmp_path, cls, name):
    from ssc_forum.content import find_problems
    from ssc_forum.problems import ContentError

    content = _copy(pristine, tmp_path)
    mutate, expected, where = TABLES[cls][name]
    mutate(content)
    settings = _settings(content)
    problems = [str(p) for p in find_problems(settings)]
    assert problems, "the check found nothing"
    prefix = _expected_prefix(where, content, _needle(cls, name))
    hits = [p for p in problems if expected in p and re.match(prefix, p)]
    assert hits, f"expected a line starting {prefix!r} with {expected!r}, got:\n" + "\n".join(problems)
    for line in problems:
        assert "\n" not in line and re.match(r"(content|theme)/\S+(:\d+)?: ", line), line
    if cls == "first cause only":
        assert not [p for p in problems if "go together" in p], problems

    output = tmp_path / "output"
    with pytest.raises(ContentError) as raised:
        build(output, PATH=str(content), THEME=str(content.parent / "theme"))
    assert [str(p) for p in raised.value.problems] == problems
    assert "Traceback" not in str(raised.value)
    assert not output.exists() or not any(output.rglob("*")), "the refused build wrote files"


# --- first causes, exactly -------------------------------------------------------------------


def test_a_broken_programme_gives_one_problem_not_one_per_session(pristine, tmp_path):
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    (content / "programme.toml").write_text("[[days]\ndate = 2020-09-22\n", encoding="utf-8")
    problems = [str(p) for p in find_problems(_settings(content))]
    assert len(problems) == 1 and problems[0].startswith("content/programme.toml:1: cannot be read"), problems


def test_invalid_utf8_in_one_twin_leaves_the_other_alone(pristine, tmp_path):
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    session(content).write_bytes(session(content).read_bytes().replace(b"Lang: en", b"Lang: \xff\xfe en"))
    problems = [str(p) for p in find_problems(_settings(content))]
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/sessions/keynote.en.md:3: cannot be read: it is not UTF-8 text")


def test_a_byte_order_mark_is_accepted_in_the_programme_as_in_markdown(pristine, tmp_path):
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    toml = content / "programme.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    session(content).write_bytes(b"\xef\xbb\xbf" + session(content).read_bytes())
    assert find_problems(_settings(content)) == []


def test_programme_problems_name_their_line(pristine, tmp_path):
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    _programme('start = "16:00"', 'start = "24:00"')(content)
    problems = find_problems(_settings(content))
    assert [(p.field, p.line) for p in problems] == [
        ("days[1].start", line_of(content / "programme.toml", '"24:00"'))
    ], problems


def test_a_static_path_naming_one_file_is_checked_too(tmp_path):
    from ssc_forum import statics

    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".env").write_text("TOKEN=1", encoding="utf-8")
    os.symlink("/etc/passwd", tmp_path / "passwd.txt")

    def check(name: str) -> tuple[list, list]:
        return statics.check_tree(statics.StaticTree(tmp_path / name, f"content/{name}", name, True))

    assert check("notes.txt") == ([], ["notes.txt"])
    assert "hidden file" in str(check(".env")[0][0][1]) and check(".env")[1] == []
    assert "symbolic link" in str(check("passwd.txt")[0][0][1]) and check("passwd.txt")[1] == []


# --- the last line of defence: two writers of one path ---------------------------------------


def test_two_sources_for_one_output_path_are_named_together(tmp_path):
    from pelican.settings import read_settings

    from ssc_forum.problems import ContentError
    from ssc_forum.writer import ForumWriter

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(tmp_path)})
    writer = ForumWriter(str(tmp_path), settings=settings)

    class Item:
        def __init__(self, name: str) -> None:
            self.source_path = str(ROOT / "content" / "pages" / name)

    from jinja2 import Template

    writer.write_file("en/index.html", Template("one"), {}, item=Item("first.en.md"))
    with pytest.raises(ContentError) as raised:
        writer.write_file("en/index.html", Template("two"), {}, item=Item("second.en.md"))
    assert str(raised.value.problems[0]) == (
        "content/pages/second.en.md: would write en/index.html, which content/pages/first.en.md writes too: two "
        "sources cannot share one address; change one slug"
    )
    assert (tmp_path / "en" / "index.html").read_text(encoding="utf-8") == "one"


@pytest.mark.parametrize(
    "snippet",
    [
        "## Main",  # the toc id "main" is the page's skip-link target
        "## Day one {: #day-1 }",  # the id of the timetable's first day on the page
    ],
    ids=["heading named like the page's main", "heading with a timetable day's id"],
)
def test_an_id_used_twice_on_a_page_stops_the_build_before_writing(pristine, tmp_path, snippet):
    from ssc_forum.problems import ContentError

    content = _copy(pristine, tmp_path)
    append(page(content), snippet)
    output = tmp_path / "output"
    with pytest.raises(ContentError) as raised:
        build(output, PATH=str(content), THEME=str(content.parent / "theme"))
    lines = [str(p) for p in raised.value.problems]
    line = line_of(page(content), snippet)
    assert len(lines) == 1 and lines[0].startswith(f"content/pages/about.en.md:{line}: the id "), lines
    assert not output.exists() or not any(output.rglob("*")), "the refused build wrote files"


def test_reserved_addresses_come_from_what_the_build_writes():
    from pelican.settings import read_settings

    from ssc_forum import addresses

    names = addresses.reserved(read_settings(str(ROOT / "pelicanconf.py")))
    assert set(RESERVED) <= set(names), set(RESERVED) - set(names)
    for page_ in addresses.FIXED_PAGES:
        assert page_.save_as.split("/")[0] in names


def test_every_top_level_name_the_build_writes_is_reserved_or_a_page(site):
    from pelican.settings import read_settings

    from ssc_forum import addresses

    reserved = addresses.reserved(read_settings(str(ROOT / "pelicanconf.py")))
    pages = {path.name.split(".")[0] for path in (ROOT / "content" / "pages").glob("*.md")}
    written = {path.name.removesuffix(".gz") for path in site.iterdir()}
    assert written - pages - set(reserved) == set(), "written but not declared in ssc_forum.addresses"


# --- odd but fine: built and checked in the pages --------------------------------------------


@pytest.fixture(scope="module")
def odd_site(pristine, tmp_path_factory):
    """The real content with inputs that look odd but are right, built once."""
    base = tmp_path_factory.mktemp("odd")
    content = _copy(pristine, base)
    about = page(content)
    append(
        about,
        "\n".join(
            [
                "Stream with a query: ",
                "",
                "[[stream link:https://tv.example.org/live?a=1&b=2]]",
                "",
                "[[stream youtube:_abcdefghi_]]",
                "",
                'Harmless inline HTML: <abbr title="Seoul Digital Foundation">SDF</abbr>, <kbd>Tab</kbd>, '
                'x<sup>2</sup>, H<sub>2</sub>O and <span lang="fr">Bonjour</span>.',
                "",
                "Write `[[timetable]]` for the timetable; a_b_c stays as it is.",
                "",
                "```",
                "<script>alert('shown as code, not run')</script>",
                "[[timetable]]",
                "```",
                "",
                "[A plain link to another site](https://www.seoul.go.kr/) is fine.",
            ]
        ),
    )
    nfd_title = unicodedata.normalize("NFD", "서울 포럼 소개")
    set_field(page(content, "about", "ko"), "Title", nfd_title)
    news = content / "news" / "forum-held-online.en.md"
    set_field(news, "Summary", "Cities <for> all & everyone")
    set_field(content / "news" / "forum-held-online.ko.md", "Title", unicodedata.normalize("NFD", "온라인 개막 소식"))
    output = build(base / "output", PATH=str(content), THEME=str(content.parent / "theme"))
    return output


def test_shortcode_arguments_are_not_touched_by_markdown(odd_site):
    doc = soup(odd_site / "en" / "about" / "index.html")
    links = [a["href"] for a in doc.select(".body a[href]")]
    assert "https://tv.example.org/live?a=1&b=2" in links, links
    assert "&amp;amp;" not in (odd_site / "en" / "about" / "index.html").read_text(encoding="utf-8")
    facades = [f["data-embed"] for f in doc.select(".body [data-embed]")]
    assert any("/embed/_abcdefghi_?" in f for f in facades), facades
    body = doc.select_one(".body")
    assert "[[" not in body.get_text().replace("[[timetable]]", "", 2)
    codes = [c.get_text() for c in body.select("code")]
    assert "[[timetable]]" in codes and any("<script>" in c for c in codes), codes
    assert not body.select("script"), "code in a fence must stay text"
    assert "a_b_c" in body.get_text() and not body.select("em:-soup-contains('b')")


def test_allowed_inline_html_and_plain_links_pass(odd_site):
    body = soup(odd_site / "en" / "about" / "index.html").select_one(".body")
    assert body.select_one("abbr[title='Seoul Digital Foundation']").get_text() == "SDF"
    assert body.select_one("kbd").get_text() == "Tab"
    assert body.select_one("span[lang=fr]").get_text() == "Bonjour"
    assert body.select_one("a[href='https://www.seoul.go.kr/']")


def test_text_is_kept_in_nfc(odd_site):
    doc = soup(odd_site / "about" / "index.html")
    title = doc.select_one("h1").get_text(strip=True)
    assert title == unicodedata.normalize("NFC", title) and "서울 포럼 소개" in title
    news = soup(odd_site / "news" / "forum-held-online" / "index.html").select_one("h1").get_text(strip=True)
    assert news == "온라인 개막 소식", "Pelican's own news pages are read in NFC too"


def test_feed_summary_is_the_text_as_written(odd_site):
    feed = BeautifulSoup((odd_site / "en" / "feeds" / "news.atom.xml").read_text(encoding="utf-8"), "xml")
    entry = next(e for e in feed.find_all("entry") if "forum-held-online" in e.link["href"])
    summary = entry.summary
    assert summary["type"] == "html"
    # The feed says "html": read as HTML, the summary must give back exactly the text written.
    assert BeautifulSoup(summary.get_text(), "html.parser").get_text() == "Cities <for> all & everyone"
    assert summary.get_text() == html.escape("Cities <for> all & everyone", quote=False)


# --- through the command line, as editors and CI run it --------------------------------------


def _many_mistakes(content: Path) -> None:
    TABLES["static files"]["link to /proc/self/environ"][0](content)
    TABLES["reserved addresses"]["page slug en"][0](content)
    append(page(content, "venue"), "<script>alert(1)</script>\n\n[[Stream youtube:dQw4w9WgXcQ]]")
    _in_field("Title", "\x00")(content)
    set_field(session(content, "session-1-big-data"), "Order", "9")


def _problem_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("  ") and line.strip()]


def test_the_command_line_build_refuses_without_a_traceback(pristine, tmp_path):
    content = _copy(pristine, tmp_path)
    _many_mistakes(content)
    output = tmp_path / "output"
    result = run_pelican(content, output, "-t", str(content.parent / "theme"))
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "Traceback" not in log
    lines = _problem_lines(result.stderr)
    assert f"{len(lines)} problem(s) in the content; nothing was written" in result.stderr
    for expected in (
        "content/images/env.txt: is a symbolic link",
        "field 'slug': 'en' is an address",
        "content/pages/venue.en.md:",
        "<script> is not allowed",
        "unknown shortcode [[Stream]]",
        "content/sessions/keynote.en.md:1: field 'title': contains the invisible character U+0000",
        "content/sessions/session-1-big-data.en.md:6: field 'order': is 9 here but 2 in its twin",
    ):
        assert any(expected in line for line in lines), f"{expected!r} not in:\n{log}"
    assert not output.exists() or not any(output.rglob("*"))


def test_invoke_check_reports_the_same_lines(pristine, tmp_path):
    content = _copy(pristine, tmp_path)
    _many_mistakes(content)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(("content/", "theme/"))]
    assert any("content/images/env.txt: is a symbolic link" in line for line in lines), result.stdout
    assert any(line.startswith("content/sessions/keynote.en.md:1: field 'title'") for line in lines)


# --- messages that stay one readable line ------------------------------------------------------


def test_a_long_value_is_not_echoed_whole(pristine, tmp_path):
    # A longer line is refused by the line limit before it is parsed; below it, the echo is cut.
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    both(session, "Day", "2020-09-2" + "9" * 3_900)(content)
    set_field(page(content), "Title", "x" + "\u3164" * 3_900)
    problems = [str(p) for p in find_problems(_settings(content))]
    day = [p for p in problems if "field 'day'" in p]
    assert day and all(len(p) < 400 and "(3,909 characters)" in p for p in day), day
    assert all(len(p) <= 1200 for p in problems), max(problems, key=len)[:300]


def test_a_link_is_labelled_by_the_host_a_browser_opens():
    from ssc_forum import streams

    assert streams.parse_media("link:https://www.yоutube.com/live").host == "www.xn--yutube-wqf.com"  # Cyrillic о
    assert streams.parse_media("link:https://ＷＷＷ.Example.com/x").host == "www.example.com"
    assert streams.parse_media("link:https://tv.example.org/live?a=1&b=2").host == "tv.example.org"
    for bad in (
        "https://evil.example\\@www.youtube.com/",
        "https://u:p@www.youtube.com/",
        "https:///evil.example/",
        "https://www.you%74ube.com/",
        "https://www.youtube.com\t/",
        "https://x.example:8o/",
        "https:evil.example/",
        "https://a b.example/",
    ):
        with pytest.raises(streams.MediaError):
            streams.parse_media("link:" + bad)


def test_github_annotations_print_no_terminal_sequences():
    from ssc_deploy import ci_reports
    from ssc_forum.problems import Problem

    name = "content/sessions/\x1b]8;;https://evil.example\x07x\x1b[2J\u202egnp.md"
    (line,) = ci_reports.github_annotations([Problem(name, "title", "is \x1b[31mred\x9b", 3)])
    assert line.isprintable() and "\x1b" not in line and "\u202e" not in line
    assert "\\x1b]8;;https%3A//evil.example\\x07x\\x1b[2J\\u202egnp.md" in line, line


def test_every_format_character_is_refused_in_fields_but_the_marks_and_joiners():
    """The list of format characters (Unicode category Cf) is the one of this Python's Unicode database."""
    import unicodedata

    from ssc_forum import characters

    allowed = {"\u200c", "\u200d", "\u200e", "\u200f"}
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            assert (characters.invisible(f"a{char}b") is None) == (char in allowed), f"U+{code:04X}"
    assert characters.invisible("서울 Seoul 🏴\u200d☠\ufe0f") is None
