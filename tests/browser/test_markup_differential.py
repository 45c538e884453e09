"""Markup a checker and a browser could read differently: refused with its line, or inert in Chromium.

Each input of the corpus is the body of a page of its own. The content check runs once over all
of them: an input marked "refused" must be refused with its file and line; an input marked
"accepted" must pass. Every input that passed (those marked "either" included) is then built
into a real site and loaded in Chromium without any Content-Security-Policy, where the DOM
must hold no event handler, script, frame, object, refresh or foreign element in the text, no
dialog may open and the page must not navigate: what is written is what the check read.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import ROOT, build

from .browser_support import TIMEOUT_MS, serve

X = "<img src=x onerror=alert(1)>"
REFUSED, ACCEPTED, EITHER = "refused", "accepted", "either"

CORPUS: dict[str, tuple[str, str]] = {
    # Comment forms that end earlier in a browser than they seem to.
    "empty comment <!-->": (f"<!-->{X}-->", REFUSED),
    "comment <!--->": (f"<!--->{X}-->", REFUSED),
    "comment ended by --!>": (f"<!-- a --!>{X}-->", REFUSED),
    "nested comment": (f"<!-- <!-- inner --> {X} -->", REFUSED),
    "unterminated comment": (f"<!-- never closed {X}", REFUSED),
    "comment inside a paragraph": ("Some text <!-- a note --> and more.", REFUSED),
    "comment over two lines": (f"Text <!-- a\nnote --> {X}", REFUSED),
    "bogus comment <! …>": (f"<! bogus >{X}", REFUSED),
    "CDATA in HTML": (f"<![CDATA[>{X}]]>", REFUSED),
    "CDATA ending at once": (f"<![CDATA[]]>{X}", REFUSED),
    "processing instruction": (f'<?xml version="1.0"?>{X}', REFUSED),
    "processing instruction ended by >": (f"<?php echo 1 > {X} ?>", REFUSED),
    "comment text in an attribute": (f'<span title="<!--">{X}</span>', REFUSED),
    "comment end in an attribute": (f'<span title="-->{X}">x</span>', EITHER),
    "comment end in single quotes": (f"<abbr title='x\">{X}'>X</abbr>", EITHER),
    # Elements whose content a browser parses otherwise than a simple tokenizer.
    "noscript": (f'<noscript><p title="</noscript>{X}"></noscript>', REFUSED),
    "noscript with a refresh": (
        '<noscript><meta http-equiv="refresh" content="0;url=https://evil.example/"></noscript>',
        REFUSED,
    ),
    "template": (f"<template>{X}</template>", REFUSED),
    "xmp": (f"<kbd>a</kbd><xmp>{X}</xmp>", REFUSED),
    "textarea": (f"<textarea></textarea>{X}</textarea>", REFUSED),
    "title in the body": (f"<title></title>{X}</title>", REFUSED),
    "plaintext": (f"<plaintext>{X}", REFUSED),
    "paragraph closed by hand": (f"<span>x</span></p>{X}", REFUSED),
    # Foreign content: SVG and MathML change how the tokenizer reads what follows.
    "style inside svg": (f"<svg><style>{X}</style></svg>", REFUSED),
    "CDATA inside svg": ("<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>", REFUSED),
    "svg link": ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', REFUSED),
    "svg with a handler": ("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", REFUSED),
    "math mglyph style": (f"<math><mtext><table><mglyph><style>{X}", REFUSED),
    "math annotation-xml": (f'<math><annotation-xml encoding="text/html">{X}</annotation-xml></math>', REFUSED),
    "svg foreignObject": (f"<svg><foreignObject>{X}</foreignObject></svg>", REFUSED),
    # Meta refresh in its spellings: it navigates even where a policy blocks scripts.
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', REFUSED),
    "meta refresh in capitals": ('<META HTTP-EQUIV=REFRESH CONTENT="0; URL=//evil.example/">', REFUSED),
    "meta refresh to javascript": ('<meta http-equiv="Refresh" content="0;url=javascript:alert(1)">', REFUSED),
    "meta refresh inside svg": (
        '<svg><meta http-equiv="refresh" content="0;url=https://evil.example/"></svg>',
        REFUSED,
    ),
    "meta refresh behind a comment": (
        '<!--><meta http-equiv="refresh" content="0;url=https://evil.example/">',
        REFUSED,
    ),
    # Looks hostile, is text: accepted, and must stay text in the browser.
    "comment in a code span": (f"`<!-->{X}-->`", ACCEPTED),
    "comment written with entities": ("&lt;!--&gt;&lt;img src=x onerror=alert(1)&gt;--&gt;", ACCEPTED),
    "script written with numeric entities": ("&#60;script&#62;alert(1)&#60;/script&#62;", ACCEPTED),
    "a lone <!": ("a <! b and a <? c", ACCEPTED),
    "comment forms in fenced code": (f"```\n<!-->{X}-->\n<![CDATA[>]]>\n```", ACCEPTED),
    "quote in an attribute": ('<span title="a&quot;b" lang="en">q</span>', ACCEPTED),
    "misnested inline elements": ("<b><i>misnested</b> text</i>", ACCEPTED),
    "nested links": ('<a href="/a/"><a href="/b/">nested links</a></a>', ACCEPTED),
    "element left open": ('<span title="x">left open', ACCEPTED),
}

BODY_LINE = 7  # the body's first line in each probe file (after five fields and a blank line)


def _probe(content: Path, number: int, snippet: str) -> None:
    for lang in ("en", "ko"):
        (content / "pages" / f"probe-{number:02d}.{lang}.md").write_text(
            f"Title: Probe {number}\nSlug: probe-{number:02d}\nLang: {lang}\nSummary: A probe.\nOrder: {90 + number}"
            f"\n\nBefore the probe.\n\n{snippet}\n\nAfter the probe.\n",
            encoding="utf-8",
        )


def _settings(content: Path) -> dict:
    from pelican.settings import read_settings

    return read_settings(
        str(ROOT / "pelicanconf.py"), override={"PATH": str(content), "THEME": str(content.parent / "theme")}
    )


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The content check's problems for each input of the corpus (none for those it accepts)."""
    from ssc_forum.content import find_problems

    base = tmp_path_factory.mktemp("differential-check")
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", base / "theme")
    for number, (snippet, _) in enumerate(CORPUS.values(), 1):
        _probe(content, number, snippet)
    problems = [str(p) for p in find_problems(_settings(content))]
    found: dict[str, list[str]] = {}
    for number, name in enumerate(CORPUS, 1):
        found[name] = [p for p in problems if p.startswith(f"content/pages/probe-{number:02d}.")]
    others = [p for p in problems if not p.startswith("content/pages/probe-")]
    assert not others, others
    return found


@pytest.mark.parametrize("name", list(CORPUS))
def test_refused_inputs_name_their_line(outcome: dict[str, list[str]], name: str) -> None:
    snippet, expected = CORPUS[name]
    problems = outcome[name]
    if expected == ACCEPTED:
        assert not problems, problems
    if expected == REFUSED:
        assert problems, f"{name}: {snippet!r} passed the check"
    first, last = BODY_LINE + 2, BODY_LINE + 2 + snippet.count("\n")
    for problem in problems:
        match = re.match(r"content/pages/probe-\d\d\.(en|ko)\.md:(\d+): ", problem)
        assert match and first <= int(match.group(2)) <= last, problem
        assert "\n" not in problem


@pytest.fixture(scope="module")
def accepted_site(outcome: dict[str, list[str]], tmp_path_factory: pytest.TempPathFactory):
    """The inputs the check accepted, each on its page, built and served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("differential-site")
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", base / "theme")
    pages = {}
    for number, (name, (snippet, _)) in enumerate(CORPUS.items(), 1):
        if not outcome[name]:
            _probe(content, number, snippet)
            pages[name] = f"/en/probe-{number:02d}/"
    output = build(base / "output", PATH=str(content), THEME=str(base / "theme"))
    server, origin = serve(output, "")
    try:
        yield origin, pages, output
    finally:
        server.shutdown()
        server.server_close()


# Run in the page: everything live in the probe's text, and anything in the whole document that navigates.
_LIVE = """() => {
  const body = document.querySelector(".body");
  const found = [];
  for (const el of body.querySelectorAll("*")) {
    const name = el.localName;
    if (el.namespaceURI !== "http://www.w3.org/1999/xhtml") found.push("foreign " + name);
    if (["script", "iframe", "frame", "frameset", "object", "embed", "meta", "base", "link", "style", "form",
         "template", "noscript", "svg", "math", "xmp", "textarea", "title", "plaintext"].includes(name))
      found.push("element " + name);
    for (const attr of el.attributes)
      if (/^on/i.test(attr.name) || attr.name === "style" || /^\\s*(javascript|data|vbscript):/i.test(attr.value))
        found.push(`${name} ${attr.name}=${attr.value}`);
  }
  for (const meta of document.querySelectorAll("meta[http-equiv]"))
    if (/refresh/i.test(meta.httpEquiv)) found.push("refresh " + meta.content);
  if (window.__probeRan) found.push("a script ran");
  return found;
}"""


def test_accepted_inputs_are_inert_in_chromium(accepted_site, browser: Browser) -> None:
    origin, pages, output = accepted_site
    assert set(pages) >= {name for name, (_, expected) in CORPUS.items() if expected == ACCEPTED}
    context = browser.new_context(bypass_csp=True)  # no policy: the markup itself must be harmless
    context.set_default_timeout(TIMEOUT_MS)
    try:
        # Every probe is loaded first, each in its own page, and all are then given the same 300 ms
        # (one wait, not one per page), after which an error handler or a refresh of 0 s has fired.
        opened = []
        for name, path in pages.items():
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            url = origin + path
            page.goto(url, wait_until="load")
            opened.append((name, url, page, dialogs))
        opened[-1][2].wait_for_timeout(300)  # the last page loaded: every page has had at least this long
        for name, url, page, dialogs in opened:
            assert page.url == url, f"{name}: the page navigated to {page.url}"
            assert not dialogs, f"{name}: a dialog opened: {dialogs}"
            live = page.evaluate(_LIVE)
            assert not live, f"{name}: {live}"
            text = page.inner_text(".body")
            assert "Before the probe." in text and "After the probe." in text, f"{name}: {text!r}"
            page.close()
    finally:
        context.close()
    # The written text is the browser's reading: the code span keeps the comment as text.
    code_page = output / pages["comment in a code span"].strip("/") / "index.html"
    assert "<code>&lt;!--&gt;&lt;img src=x onerror=alert(1)&gt;--&gt;</code>" in code_page.read_text(encoding="utf-8")
