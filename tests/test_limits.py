"""Files past the limits of `ssc_forum.limits` are refused with file and line, before any parsing.

Each case changes a copy of the real content; the content check and the build must both refuse it
with one line naming the file (and the line where one is meant), write nothing, and show no
traceback. Inputs that look deep but are not (a thematic break, a list at the deepest level
allowed) pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_hardening import (  # noqa: F401  (pristine: fixture)
    Mutation,
    _copy,
    _programme,
    _settings,
    append,
    page,
    pristine,
    session,
    set_field,
)

from conftest import build
from ssc_forum import limits


def _deep_list(levels: int) -> str:
    return "\n".join("    " * level + f"- level {level + 1}" for level in range(levels))


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if needle in line)


def _big_news(c: Path) -> None:
    path = c / "news" / "forum-held-online.en.md"
    append(path, "\n\n".join(["A sentence of a news item that goes on and on. " * 20] * 300))


# (mutation, file, text of the problem, the needle on the line meant or None for the whole file)
CASES: dict[str, tuple[Mutation, str, str, str | None]] = {
    "file over the size limit": (
        lambda c: append(page(c), "\n\n".join(["Many words in a paragraph. " * 30] * 400)),
        "content/pages/about.en.md",
        f"a content file may have at most {limits.MAX_FILE_BYTES:,}",
        None,
    ),
    "news file over the size limit (read by Pelican too)": (
        _big_news,
        "content/news/forum-held-online.en.md",
        "bytes long",
        None,
    ),
    "line over the length limit": (
        lambda c: append(page(c), "LONG " + "x" * limits.MAX_LINE_CHARS),
        "content/pages/about.en.md",
        f"a line may have at most {limits.MAX_LINE_CHARS:,}",
        "LONG ",
    ),
    "id= text on one line": (
        lambda c: append(session(c), "id=" * 80_000),
        "content/sessions/keynote.en.md",
        "characters long",
        "id=id=",
    ),
    "an http:// token on one line": (
        lambda c: append(session(c), "http://" + "a." * 40_000),
        "content/sessions/keynote.en.md",
        "characters long",
        "http://a.a.",
    ),
    "lists nested too deep": (
        lambda c: append(page(c), _deep_list(limits.MAX_NESTING + 1)),
        "content/pages/about.en.md",
        f"at most {limits.MAX_NESTING} levels",
        f"- level {limits.MAX_NESTING + 1}",
    ),
    "a thousand nested lists": (
        lambda c: append(page(c), "\n".join("  " * level + "- x" for level in range(1000))[:200_000]),
        "content/pages/about.en.md",
        "nested",
        None,
    ),
    "quotes nested too deep": (
        lambda c: append(page(c), ">" * 40 + " quoted"),
        "content/pages/about.en.md",
        "nested 40 deep",
        "> quoted",
    ),
    "quotes and lists mixed": (
        lambda c: append(page(c), "> - " * 9 + "x"),
        "content/pages/about.en.md",
        "nested 18 deep",
        "> - > -",
    ),
    "tabs as indentation": (
        lambda c: append(page(c), "\n".join("\t" * level + "- tab" for level in range(20))),
        "content/pages/about.en.md",
        "nested 17 deep",
        "\t" * 16 + "- tab",
    ),
    "TOML arrays nested 500 deep": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders Seminar"\nextra = ' + "[" * 500 + "]" * 500),
        "content/programme.toml",
        f"nested more than {limits.MAX_TOML_NESTING} deep",
        "extra = [[[",
    ),
    "TOML inline tables nested": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders Seminar"\nt = ' + "{a = " * 12 + "1" + "}" * 12),
        "content/programme.toml",
        "nested more than",
        "t = {a",
    ),
    "TOML file over the size limit": (
        _programme('name_en = "Leaders Seminar"', 'name_en = "Leaders Seminar"\n' + "# padding\n" * 30_000),
        "content/programme.toml",
        "bytes long",
        None,
    ),
    "a paragraph of unclosed brackets": (
        lambda c: append(page(c), "\n".join(["[" * 20 + "text " * 700] * 10)),
        "content/pages/about.en.md",
        "so much inline markup (unclosed",
        "[[[[[[[[[[text",
    ),
    "nested links with unclosed addresses": (
        lambda c: append(session(c), "\n".join(["[a](" * 900] * 4)),
        "content/sessions/keynote.en.md",
        "so much inline markup",
        "[a]([a](",
    ),
    "a paragraph of thousands of entities": (
        lambda c: append(session(c), "\n".join(["&amp;" * 700] * 40)),
        "content/sessions/keynote.en.md",
        "so much inline markup",
        "&amp;&amp;",
    ),
    "a paragraph of thousands of code spans": (
        lambda c: append(page(c), "\n".join(["`a` " * 900] * 40)),
        "content/pages/about.en.md",
        "so much inline markup",
        "`a` `a`",
    ),
    "thousands of footnote references": (
        lambda c: append(page(c), "\n\n".join([f"Note {n}[^1]." for n in range(1000)]) + "\n\n[^1]: The note."),
        "content/pages/about.en.md",
        f"footnotes ([^…]) past {limits.MAX_FOOTNOTES}",
        f"Note {limits.MAX_FOOTNOTES}[^1].",
    ),
    "thousands of abbreviations": (
        lambda c: append(page(c), "\n".join(f"*[A{n}]: word" for n in range(1000))),
        "content/pages/about.en.md",
        f"abbreviations (*[…]: …) past {limits.MAX_ABBREVIATIONS}",
        f"*[A{limits.MAX_ABBREVIATIONS}]: word",
    ),
    "escape character reference in a session body": (
        lambda c: append(session(c), "Before &#27;[31m after."),
        "content/sessions/keynote.en.md",
        "'&#27;', a reference to the invisible character U+001B",
        "&#27;",
    ),
    "non-character reference in a session body": (
        lambda c: append(session(c), "A &#xFFFF; here."),
        "content/sessions/keynote.en.md",
        "reference to the invisible character U+FFFF",
        "&#xFFFF;",
    ),
    "C1 reference without its semicolon": (
        lambda c: append(session(c, lang="ko"), "본문 &#133 여기."),
        "content/sessions/keynote.ko.md",
        "U+0085",
        "&#133",
    ),
    "programme day in year 9999": (
        _programme('date = "2020-09-22"', 'date = "9999-12-31"'),
        "content/programme.toml",
        "field 'days[1].date': '9999-12-31' is not a year from 1900 to 2999",
        "9999-12-31",
    ),
    "news dated in year 9999": (
        lambda c: [
            set_field(c / "news" / f"forum-held-online.{lang}.md", "Date", "9999-12-31") for lang in ("ko", "en")
        ],
        "content/news/forum-held-online.en.md",
        "field 'date': '9999-12-31' is not a year from 1900 to 2999",
        "Date: 9999",
    ),
    "programme day in year 1": (
        _programme('date = "2020-09-22"', 'date = "0001-01-01"'),
        "content/programme.toml",
        "'0001-01-01' is not a year from 1900 to 2999",
        "0001-01-01",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_file_past_a_limit_is_refused_with_its_line(pristine, tmp_path, name):  # noqa: F811
    from ssc_forum.content import find_problems
    from ssc_forum.problems import ContentError

    content = _copy(pristine, tmp_path)
    mutate, rel, expected, needle = CASES[name]
    mutate(content)
    problems = [str(p) for p in find_problems(_settings(content))]
    prefix = re.escape(rel) + (f":{_line(content.parent / rel, needle)}: " if needle else r"(:\d+)?: ")
    hits = [p for p in problems if expected in p and re.match(prefix, p)]
    assert hits, f"expected a line starting {prefix!r} with {expected!r}, got:\n" + "\n".join(problems)
    for line in problems:
        assert "\n" not in line and len(line) < 400, line

    output = tmp_path / "output"
    with pytest.raises(ContentError) as raised:
        build(output, PATH=str(content), THEME=str(content.parent / "theme"))
    assert any(expected in str(p) for p in raised.value.problems)
    assert "Traceback" not in str(raised.value)
    assert not output.exists() or not any(output.rglob("*")), "the refused build wrote files"


FINE = {
    "thematic breaks of many markers": "- - - - - - - - - - - - - - - - - - - -\n\n* * * * * * * * * * * * * * * * * *",
    "lists at the deepest level allowed": _deep_list(limits.MAX_NESTING),
    "a line of the longest length allowed": "y" * limits.MAX_LINE_CHARS,
    "links, a stray bracket and comparisons": (
        "[one](https://www.seoul.go.kr/) and [two][t], a [ stray, "
        "x < y and <https://www.seoul.go.kr/>\n\n[t]: https://www.seoul.go.kr/"
    ),
    "character references to visible characters": "&#44032; &#x1F600; &#9; &amp;#27; &#150000000000;",
}


def test_inputs_within_the_limits_pass(pristine, tmp_path):  # noqa: F811
    from ssc_forum.content import find_problems

    content = _copy(pristine, tmp_path)
    for snippet in FINE.values():
        append(page(content), snippet)
    problems = [str(p) for p in find_problems(_settings(content))]
    assert not [p for p in problems if "about.en.md" in p], problems


def test_toml_nesting_is_counted_outside_strings_and_comments():
    text = (
        'a = "[[[[[[[[[[[[["\nb = \'{{{{{{{{{{{{\'\nc = """\n[[[[[[[[[[[[[[\n"""\n# [[[[[[[[[[[[[[[[\n'
        'd = [[1, 2], [3]]\ne = "\\"[[[[[[[[[[[[[[["\n'
    )
    assert limits.toml_problems(text) == []
    deep = "x = " + "[" * (limits.MAX_TOML_NESTING + 1) + "]" * (limits.MAX_TOML_NESTING + 1)
    assert [(line, str(message)) for line, message in limits.toml_problems(text + deep)] == [
        (9, f"arrays and tables are nested more than {limits.MAX_TOML_NESTING} deep here: write them flatter")
    ]


# --- the scans made linear find what the patterns they replace found ---------------------------


def test_asset_references_are_those_of_the_single_pattern():
    import random

    from ssc_publish import fingerprint

    suffixes = "|".join(sorted((s[1:] for s in fingerprint.ASSET_SUFFIXES), key=len, reverse=True))
    pattern = re.compile(
        r"(?<![A-Za-z0-9_./:%~-])((?:https?://[A-Za-z0-9.:-]+)?[A-Za-z0-9_./~%-]*?\.(?:"
        + suffixes
        + r"))(?=[\"'\s)?#,;<>\\]|$)"
    )
    pieces = [
        "http://",
        "https://",
        "a",
        "/",
        ".",
        ":",
        "css",
        ".css",
        ".woff2",
        ".woff",
        ".png",
        " ",
        '"',
        "(",
        ")",
        "=",
        "%",
        "~",
        "-",
        "_",
        "\n",
        "#",
        "?",
        "é",
        "&",
        "\\",
        "..",
        "//",
    ]
    rng = random.Random(17)
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = [(m.start(1), m.group(1)) for m in pattern.finditer(text)]
        assert [(m.start(1), m.group(1)) for m in fingerprint._reference_matches(text)] == expected, repr(text)
        assert fingerprint.rewrite_references(text, "index.html", {}, "") == text


def _page_ids_by_pattern(page: str) -> list[str]:
    """The id scan as one pattern and a look back from each `id=` (what `writer.page_ids` replaced)."""
    attr = re.compile(r"""id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
    ids: list[str] = []
    searched = pos = 0
    while match := attr.search(page, pos):
        start = match.start() - 1
        if (
            start < searched
            or not page[start].isspace()
            or not re.compile(r"<[a-zA-Z]").search(page, max(searched, page.rfind(">", 0, start) + 1), start)
        ):
            pos = match.start() + 1
            continue
        searched = pos = match.end()
        ids.append(next(g for g in match.groups() if g is not None))
    return ids


def test_page_ids_are_those_of_the_pattern_and_look_back():
    import random

    from ssc_forum import writer

    pieces = ["id", "=", " ", "\n", '"', "'", "<a", "<p", ">", "x", "id=", ' id="a"', "<", "b", "xid=", "\t", "< "]
    rng = random.Random(23)
    for _ in range(30_000):
        page = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert writer.page_ids(page) == _page_ids_by_pattern(page), repr(page)
    page = '<main id="main"><h2 id="a">x</h2><p>id=b <span id=\'c\' class="d">e</span></p></main>'
    assert writer.page_ids(page) == ["main", "a", "c"]


def test_exports_drop_characters_xml_cannot_hold():
    from lxml import etree

    from ssc_forum.exports.common import plain_text

    text = plain_text("<p>a&#27;b&#xFFFF;c\x0bd</p>\n<p>&#44032;</p>")
    assert text == "abcd\n가"
    element = etree.Element("description")
    element.text = text  # lxml refuses any character XML cannot hold
    assert etree.tostring(element, encoding="unicode") == "<description>abcd\n가</description>"
