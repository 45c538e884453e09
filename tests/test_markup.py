"""What a page gets of a body is the tree the markup check read, written back in Markdown's form.

- Python-Markdown's own output, for every construct the site's settings enable, comes back
  byte for byte (so pages stay the same where the content did not change);
- raw HTML comes back as a browser reads it, and reading that again gives the same text;
- the forms that cannot come back byte for byte are the documented ones, equal in meaning;
- a news item's page and its Atom feed hold the written form, not Markdown's text.
"""

from __future__ import annotations

import random
import shutil
import time

import html5lib
import pytest
from bs4 import BeautifulSoup
from markdown import Markdown
from pelican.settings import read_settings

from conftest import ROOT, build
from ssc_forum import htmltree, limits, markup

MARKDOWN_DOC = """# Title & "quotes"

A paragraph with *em*, **strong**, `code <x> & "y"`, a [link](https://a.example/?a=1&b=2 "ti\\"tle"),
![an image](/images/a.png "its title") and a line<br>
break; AT&T, 3 < 4 > 2, <https://example.org/?q=1&r=2>, a_b_c, 1\\*2.

* one
* two
    1. nested
    2. list

> a quote
> on two lines

| a | b |
|---|---|
| 1 | 2 < 3 |

Term
: Definition

*[SDF]: Seoul Digital Foundation

The SDF and <abbr title="x &amp; y">X</abbr>, <kbd>Tab</kbd>, H<sub>2</sub>O, <span lang="ko" dir="ltr">서울</span>.

```python
if a < b and c > d: print("&amp;", 'x')
```

~~~
<script>alert("shown, not run")</script>
~~~

---

## A heading {: #custom-id .cls }

A paragraph with attributes.
{: lang=ko title='a "title"' }

<time datetime="2020-09-22">22 September</time> and <a href="/sessions/keynote/">a link</a>.
"""


def _markdown() -> Markdown:
    settings = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
    # As Pelican does: the configured extensions are the keys of their configurations.
    return Markdown(extensions=list(settings["extension_configs"]), **settings)


def test_markdown_output_comes_back_byte_for_byte() -> None:
    html = _markdown().convert(MARKDOWN_DOC)
    assert markup.check_html(html) == []
    assert markup.written(html) == html
    assert '<pre><code class="language-python">if a &lt; b and c &gt; d: print(&quot;&amp;amp;&quot;' in html
    # Python-Markdown escapes `"` in fenced code, not in an indented block: both come back as they were.
    indented = _markdown().convert('    print("x")\n\nA&nbsp;b')
    assert indented == '<pre><code>print("x")\n</code></pre>\n<p>A&nbsp;b</p>' and markup.written(indented) == indented


@pytest.mark.parametrize(
    ("source", "written"),
    [
        # Character references other than &amp; &lt; &gt; (and &quot; in attributes) come out as characters:
        # the tree holds no trace of how a character was written.
        ("&copy; 2020&nbsp;Seoul", "<p>\u00a9 2020\u00a0Seoul</p>"),
        ("<mail@example.org>", '<p><a href="mailto:mail@example.org">mail@example.org</a></p>'),
    ],
)
def test_the_documented_differences_mean_the_same(source: str, written: str) -> None:
    html = _markdown().convert(source)
    assert html != written and markup.written(html) == written
    parse = html5lib.parseFragment
    assert BeautifulSoup(html, "html5lib").get_text() == BeautifulSoup(written, "html5lib").get_text()
    assert len(list(parse(html).iter())) == len(list(parse(written).iter()))


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("<p><span title='a\"b' lang=ko>x</span></p>", '<p><span title="a&quot;b" lang="ko">x</span></p>'),
        ("<p><b><i>x</b>y</i></p>", "<p><b><i>x</i></b><i>y</i></p>"),
        ('<p><a href="/x"><a href="/y">z</a></a></p>', '<p><a href="/x"></a><a href="/y">z</a></p>'),
        ("<p><span>left open</p>", "<p><span>left open</span></p>"),
        ('<p><img alt=a src="/i.png"/> <br/></p>', '<p><img alt="a" src="/i.png"> <br></p>'),
        ("<p><!-- a note -->x</p>", "<p>x</p>"),  # refused; were it written, it would not be written
    ],
)
def test_raw_html_is_written_as_the_browser_reads_it(raw: str, written: str) -> None:
    assert markup.written(raw) == written
    assert markup.written(written) == written


PIECES = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<a href='/x?a=1&b=2'>",
    "</a>",
    '<span title="a\'b">',
    "</span>",
    "<em>",
    "</em>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<table>",
    "<tr>",
    "<td>",
    "text",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    '"',
    "'",
    "<br>",
    "<img src=/a.png alt='x>y'>",
    "<code>",
    "</code>",
    "<pre>",
    "\n",
    "</pre>",
    "<h2 id=h>",
    "</h2>",
    "<sup>",
    "</sup>",
    "<blockquote>",
    "</blockquote>",
    "서울",
]


def test_written_text_reads_back_as_the_same_tree() -> None:
    """What passes the check is written as text that parses to a tree written the same way again.

    Where the parser's tree would not survive being written (misnested tables), the check says so.
    """
    rng = random.Random(5)
    unstable = 0
    for _ in range(1500):
        doc = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        out = markup.written(doc)
        findings = markup.check_html(doc)
        if not findings:
            assert markup.written(out) == out, doc
        elif markup.written(out) != out:
            unstable += 1
    assert unstable  # the pieces do make trees that change when written: refused, every one
    # Elements Markdown writes, misnested by hand: the only problem is that the tree would not survive.
    assert markup.check_html("<li><table><</blockquote><li>") == [markup._REWRITTEN]


def test_deep_nesting_is_written_without_recursion_and_refused_past_the_limit() -> None:
    doc = "<span>" * limits.MAX_ELEMENT_DEPTH + "x" + "</span>" * limits.MAX_ELEMENT_DEPTH
    assert markup.check_html(doc) == [] and markup.written(doc) == doc
    assert htmltree.serialise(htmltree.tree("<span>" * 5000)) == "<span>" * 5000 + "</span>" * 5000
    deeper = "<p>" + "<ul><li>" * 20_000 + "x"  # read by the standard's tree construction, minutes
    started = time.perf_counter()
    (finding,) = markup.check_html(deeper)
    assert "nests elements more than 100 deep" in str(finding.message) and finding.needle in ("<ul", "<li")
    assert time.perf_counter() - started < 1
    wide = "<p>" + "<b>x</b> " * 20_000 + "</p>"  # many elements, shallow: fine
    assert markup.check_html(wide) == [] and markup.ids(wide) == set()


def test_news_page_and_feed_hold_the_written_form(tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    news = content / "news" / "forum-held-online.en.md"
    news.write_text(
        news.read_text(encoding="utf-8").rstrip("\n")
        + "\n\nMisnested: <b><i>bold italic</b> italic</i> and <span title='say \"hi\"'>quoted</span>.\n",
        encoding="utf-8",
    )
    output = build(tmp_path / "output", PATH=str(content), THEME=str(tmp_path / "theme"))
    expected = '<b><i>bold italic</i></b><i> italic</i> and <span title="say &quot;hi&quot;">quoted</span>.'
    page = (output / "en" / "news" / "forum-held-online" / "index.html").read_text(encoding="utf-8")
    assert expected in page
    feed = BeautifulSoup((output / "en" / "feeds" / "news.atom.xml").read_text(encoding="utf-8"), "xml")
    entry = next(e for e in feed.find_all("entry") if "forum-held-online" in e.link["href"])
    assert expected in entry.content.get_text()


QUICK_PIECES = [
    *PIECES,
    "<p id=a>",
    "<h2 id=a>",
    "<!-->",
    "<!--",
    "-->",
    "--!>",
    "<![CDATA[",
    "]]>",
    "<?x>",
    "<svg>",
    "<math>",
    "<noscript>",
    "<template>",
    "<a href='javascript:1'>",
    "<img src=//x/a.png>",
    "<span dir=rtl>",
    "<span dir=bad>",
    "\u00a0",
    "&nbsp;",
    "<td style='x'>",
    "<img src=/a.png>",
    "<a href=https://www.seoul.go.kr/>",
    "<div id=b class=c>",
    "<table><tbody>",
    "</td>",
    "</tr>",
]


def test_the_quick_reading_agrees_with_the_full_one() -> None:
    """Where html5ever (nh3) gives a body back unchanged, html5lib's reading finds the same: nothing, the same ids."""
    rng = random.Random(8)
    quick = 0
    for _ in range(4000):
        doc = "".join(rng.choice(QUICK_PIECES) for _ in range(rng.randint(1, 12)))
        fast = markup._quick(doc)
        if fast is not None:
            quick += 1
            full = markup._read_fully(doc)
            assert (fast.findings, fast.ids) == (full.findings, full.ids), doc
            # The quick reading keeps the text; the full one may write it otherwise (`&nbsp;` as its
            # character): the same tree either way.
            assert htmltree.serialise(htmltree.tree(full.written or doc)) == htmltree.serialise(htmltree.tree(doc)), doc
    assert quick > 30, quick  # both readings are exercised
    body = _markdown().convert(MARKDOWN_DOC)
    assert markup._quick(body) is not None or '"' in body  # Markdown's own output takes the quick way
