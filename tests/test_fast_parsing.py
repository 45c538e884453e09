"""The quick readers of rendered HTML give exactly the answers of the slower, general parse they replace.

- `htmltree.elements` (html5lib's fragment parse, walked without BeautifulSoup) sees the elements and
  attributes that BeautifulSoup builds with html5lib inside a page's body;
- `langmark.mark_korean` skips the full parse only for pages where it would mark nothing;
- `shortcodes.leftovers` skips BeautifulSoup only for text that holds no "[" in any spelling;
- `writer.page_ids` finds the ids that a pattern for a whole start tag, tried at every `<`, finds.

Each is compared with the general parse on many documents made of hostile pieces (comments,
CDATA, stray `<`, broken character references, repeated attributes, odd spacing …).
"""

from __future__ import annotations

import random
import re

import pytest
from bs4 import BeautifulSoup

from ssc_forum import htmltree, langmark, markup, shortcodes, writer

MARKUP_PIECES = [
    "<p>",
    "</p>",
    "<a href='javascript:x'>",
    "<img src=//x.y/a.png>",
    "<span title=a title=b>",
    "<p id=x>",
    "<h2 id=x>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "]]>",
    "<?pi>",
    "&amp;",
    "&#91;",
    "<br/>",
    "<br>",
    "</br>",
    "<td style='text-align:left'>",
    "<div ID=Y id=z>",
    "<x:y>",
    "<svg><a xlink:href=javascript:1>",
    "text",
    "<p id>",
    "<textarea>",
    "</textarea>",
    "<pre>",
    "<code class=x>",
    "</code>",
    "</pre>",
    "<a onclick=1 href=x>",
    "<",
    ">",
    '"',
    "'",
    "<dIR dir=bad>",
    "<time datetime=1>",
    "<img srcset='a.png 1x, https://x/b.png 2x'>",
    "<title>",
    "</title>",
    "<!",
    "<![if x]>",
    "</",
    "\n",
]
KOREAN_PIECES = [
    "<p>",
    "</p>",
    "<span lang=ko>",
    "<span lang='ko'>",
    '<span lang="ko-KR">',
    '<div lang="">',
    "<div LANG=en>",
    "</span>",
    "</div>",
    "한국어",
    "서울 온",
    "text",
    "<script>",
    "</script>",
    "<style>",
    "</ STYLE >",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "<!DOCTYPE html>",
    "&amp;",
    "&#44032;",
    "&#x;",
    "&#",
    ";",
    "<br/>",
    "<br>",
    "<img alt='한'>",
    '<a title="x>한">',
    '<a lang="&#107;o">',
    "<",
    ">",
    '"',
    "'",
    "<textarea>",
    "</textarea>",
    "<option>",
    "<p lang=ko/>",
    '<x title=<a lang="ko">',
    "<a\xa0lang=ko>",
    "<a lang=ko lang=en>",
    "<a lang=en lang=ko>",
    "<a lang>",
    '<a lang=ko title="',
    "</a>",
    "<a hreflang=ko>",
    "<a xml:lang=ko>",
    "<!x ",
    "</ ",
    "<?",
    "<![CDATA[",
    "]]>",
    "\n",
    " ",
    "&",
    "&x",
    "<a b=c=d>",
]


def _documents(pieces: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def _soup_elements(html: str) -> list[tuple[str, dict[str, str]]]:
    # The fragment as it stands in a page: inside a <div> of the body, as a browser builds it.
    doc = BeautifulSoup(f"<!DOCTYPE html><html><head></head><body><div>{html}", "html5lib")
    out = []
    for el in doc.body.div.find_all(True):
        # BeautifulSoup splits `class` (and a few others) into words; compare them as written words.
        attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in el.attrs.items()}
        out.append((el.name, attrs))
    return out


def _normalised(found: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
    multi = {
        "class",
        "rel",
        "rev",
        "accesskey",
        "dropzone",
        "headers",
        "accept-charset",
        "archive",
        "sizes",
        "sandbox",
        "for",
    }
    return [
        (name.lower(), {k: " ".join(v.split()) if k in multi else v for k, v in attrs.items()}) for name, attrs in found
    ]


@pytest.mark.parametrize("seed", range(3))
def test_markup_elements_are_beautifulsoups(seed: int) -> None:
    """Every element and attribute value, in order, as BeautifulSoup builds them with html5lib in a page."""
    for doc in _documents(MARKUP_PIECES, 1000, seed):
        assert _normalised(htmltree.elements(doc)) == _normalised(_soup_elements(doc)), doc


def test_id_checks_from_one_parse() -> None:
    """The ids and repeated ids of a body, and its findings, come from the same kept parse."""
    body = '<h2 id="a">A</h2><p id="b">x</p><h2 id="a">A</h2><a href="javascript:1" onclick="x">y</a>'
    assert markup.ids(body) == {"a", "b"}
    assert markup.duplicate_ids(body) == ["a"]
    messages = [str(f.message) for f in markup.check_html(body)]
    assert any("onclick" in m for m in messages) and any("javascript" in m for m in messages)
    assert markup.duplicate_ids("<p id=x></p><!-- <p id=x> --><script><p id=x></script>") == []


_WHOLE_TAG_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
ID_PIECES = [
    "<",
    ">",
    " ",
    "id",
    "=",
    '"',
    "'",
    "a",
    "x",
    "\n",
    "!",
    "/",
    "xid",
    "\t",
    "\u3000",
    "data-",
    "\x1c",
    "I",
    "<p ",
    "</p>",
    "<!-- ",
    " -->",
    "<script>",
    "grid=",
    " id='y'",
    ' id="z" ',
    "<a id=1>",
]


def test_page_ids_are_the_whole_tag_patterns() -> None:
    """The ids of the theme's HTML, in order, as the pattern for a whole start tag finds them."""

    def whole_tag(page: str) -> list[str]:
        return [next(g for g in m.groups() if g is not None) for m in _WHOLE_TAG_ID.finditer(page)]

    for doc in _documents(ID_PIECES, 20000, 11):
        assert writer.page_ids(doc) == whole_tag(doc), doc
    page = '<a id="x" id="y"><p class="grid" data-id="q" id=z>xid="no" <b\tid=\'w\'>'
    assert writer.page_ids(page) == ["x", "z", "w"]


def _full_mark(html: str) -> tuple[str, int]:
    parser = langmark._Marker("ko")
    parser.feed(html)
    parser.close()
    return "".join(parser.out), parser.marked


@pytest.mark.parametrize("seed", range(3))
def test_korean_marking_skips_only_pages_with_nothing_to_mark(seed: int) -> None:
    """The quick reader says "nothing to mark" only where the full parse marks nothing; results are equal."""
    skipped = 0
    for doc in _documents(KOREAN_PIECES, 6000, seed):
        expected = _full_mark(doc)
        if langmark._nothing_to_mark(doc):
            skipped += 1
            assert expected[1] == 0, doc
        result = langmark.mark_korean(doc)
        # With nothing marked the page is not rewritten: only the count matters then.
        assert result == expected if expected[1] else result[1] == 0, doc
    assert skipped > 1000  # the quick path is taken, not only the full parse


def test_english_page_with_only_the_language_switch() -> None:
    """A page whose only Hangul is the language switch is left alone; Korean in its text is marked."""
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Seoul On · Forum</title>\n'
        '<script type="application/ld+json">{"name": "서울"}</script>\n</head>\n<body>\n<nav>'
        '<a href="/sessions/x/" hreflang="ko" lang="ko">한국어</a></nav>\n<main id="main">'
    )
    clean = head + "<p>Seoul On &amp; more</p></main></body></html>\n"
    assert langmark._nothing_to_mark(clean)
    assert langmark.mark_korean(clean) == (clean, 0)
    quoted = head + "<p>Seoul On (서울온) &amp; more</p></main></body></html>\n"
    assert not langmark._nothing_to_mark(quoted)
    marked, count = langmark.mark_korean(quoted)
    assert count == 1 and '<p>Seoul On (<span lang="ko">서울온</span>) &amp; more</p>' in marked


def _soup_leftovers(html: str) -> list[str]:
    doc = BeautifulSoup(html, "html.parser")
    for code in doc.find_all(["code", "pre"]):
        code.decompose()
    return shortcodes._LEFT_RE.findall(doc.get_text())


def test_shortcode_leftovers_without_brackets_skip_the_parse() -> None:
    """Text with no "[" (as such or as an entity) has no leftover shortcode; with one, the parse decides."""
    pieces = [
        "[",
        "[[",
        "&#91;",
        "&#x5B;",
        "&lsqb;",
        "&lbrack;",
        "&amp;",
        "stream",
        " x",
        "]]",
        "<p>",
        "</p>",
        "<code>",
        "</code>",
        "<![CDATA[",
        "]]>",
        "&#",
        "91;",
        "<!--",
        "-->",
        "\n",
        "a",
    ]
    for doc in _documents(pieces, 4000, 7):
        assert shortcodes.leftovers(doc) == _soup_leftovers(doc), doc
    assert shortcodes.leftovers("<p>&#91;&#91;stream youtube:x]]</p>") == ["[[stream youtube:x]]"]


def test_kept_parses_do_not_grow_without_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running preview keeps at most so many characters of bodies; a large body only by its digest."""
    monkeypatch.setattr(markup, "_BODIES", {})
    monkeypatch.setattr(markup, "_BODIES_CHARS", 0)
    monkeypatch.setattr(markup, "_BODIES_CHARS_MAX", 2000)
    monkeypatch.setattr(markup, "_LARGE", 1000)
    for n in range(20):  # bodies of about 480 characters: at most four are kept
        body = f'<h2 id="h{n}">x</h2>' + "<p>text</p>" * 40 + f'<h2 id="h{n}">y</h2>'
        assert markup.duplicate_ids(body) == [f"h{n}"]
        assert markup._BODIES_CHARS <= 2000 and len(markup._BODIES) <= 4
    assert markup.ids(body) == {"h19"} and body in markup._BODIES
    large = '<h2 id="t">x</h2>' + "<p>text</p>" * 100 + '<h2 id="t">y</h2>'
    assert markup.duplicate_ids(large) == ["t"]
    assert large not in markup._BODIES and any(isinstance(key, bytes) and len(key) == 16 for key in markup._BODIES)
