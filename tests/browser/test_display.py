"""How pages are shown: Korean fonts, reduced motion, zoom to 200 % and 320 px reflow."""

from __future__ import annotations

import re

import pytest

from .browser_support import LANGS, PAGE_KINDS, OpenPage, Site

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
NOTO_KOREAN = re.compile(r"Noto Sans (CJK )?KR|Noto Serif (CJK )?KR|Noto Sans CJK|Noto Serif CJK", re.IGNORECASE)

# Marks, per selector, the first element whose own text (not its children's) holds Hangul.
_MARK_HANGUL = """selectors => selectors.map((selector, i) => {
  const hangul = /[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7a3]/;
  for (const el of document.querySelectorAll(selector)) {
    const own = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join('');
    if (hangul.test(own)) { el.dataset.hangul = String(i); return own.trim(); }
  }
  return null;
})"""


@pytest.mark.parametrize("kind", ["home", "session", "speaker"])
def test_hangul_renders_in_a_korean_font(kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """Chromium reports (DevTools CSS.getPlatformFontsForNode) that Hangul was drawn with Noto CJK KR."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], "ko")).page
    selectors = ["main h1, main h2", "main p"]
    texts = page.evaluate(_MARK_HANGUL, selectors)
    assert texts[0], f"no Korean heading in main on {page.url}"
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for i, text in enumerate(texts):
        if not text:
            continue
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"[data-hangul='{i}']"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        korean_glyphs = sum(f["glyphCount"] for f in fonts if NOTO_KOREAN.search(f["familyName"]))
        hangul = len(HANGUL.findall(text))
        assert korean_glyphs >= hangul, (
            f"{selectors[i]} {text[:30]!r}: {hangul} Hangul characters but the fonts used were "
            + ", ".join(f"{f['familyName']} ({f['glyphCount']} glyphs)" for f in fonts)
        )


_MOTION = """() => {
  const seconds = list => list.split(',').map(v => v.trim().endsWith('ms') ? parseFloat(v) / 1000 : parseFloat(v) || 0);
  const longest = list => Math.max(0, ...seconds(list));
  const moving = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const transition = longest(style.transitionDuration);
      const animation = style.animationName === 'none' ? 0 : longest(style.animationDuration);
      if (transition > 0.01 || animation > 0.01) {
        moving.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim() : '') + (pseudo || '')
          + ` transition ${transition}s animation ${animation}s`);
      }
    }
  }
  const running = document.getAnimations().filter(a => (a.effect?.getTiming().duration || 0) > 10).length;
  return {moving, running, smooth: getComputedStyle(document.documentElement).scrollBehavior === 'smooth'};
}"""


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_reduced_motion_is_honoured(kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """With prefers-reduced-motion: reduce, nothing transitions or animates, scrolling is instant."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], "ko"), reduced_motion="reduce").page
    page.keyboard.press("Tab")  # a focused control must not animate either
    motion = page.evaluate(_MOTION)
    assert not motion["moving"], "moves despite reduced motion:\n  " + "\n  ".join(motion["moving"][:20])
    assert motion["running"] == 0, f"{motion['running']} animations run despite reduced motion"
    assert not motion["smooth"], "smooth scrolling despite reduced motion"


_REFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1 || s.clip !== 'auto' || s.clipPath !== 'none'; };
  const scroller = el => { for (let p = el; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return p; } return null; };
  const name = el => el.tagName.toLowerCase()
    + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '');
  const problems = new Set();
  const main = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement;
    if (!node.data.trim() || !el.checkVisibility({visibilityProperty: true})) continue;
    if (hidden(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width >= 1 && (r.right > width + 1 || r.left < -1) && !scroller(el)) {
        problems.add(`${name(el)} "${node.data.trim().slice(0, 30)}" runs off the screen`
          + ` (${Math.round(r.left)}..${Math.round(r.right)} of ${width})`);
      }
    }
    for (let p = el; p && p !== main.parentElement; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (hidden(p)) break;
      const clipsX = (s.overflowX === 'hidden' || s.overflowX === 'clip') && p.scrollWidth > p.clientWidth + 1;
      const clipsY = (s.overflowY === 'hidden' || s.overflowY === 'clip') && p.scrollHeight > p.clientHeight + 1;
      if (clipsX || clipsY) { problems.add(`${name(p)} clips its text "${node.data.trim().slice(0, 30)}"`); break; }
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, problems: [...problems]};
}"""

REFLOWS = {
    # 1280 CSS px zoomed to 200 %: 640 CSS px of layout on a double-density screen.
    "zoom200": {"viewport": {"width": 640, "height": 800}, "device_scale_factor": 2},
    # WCAG 1.4.10: content reflows at 320 CSS px without scrolling in two directions.
    "width320": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
}
REFLOW_CASES = [(size, lang, kind) for size in REFLOWS for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("size", "lang", "kind"), REFLOW_CASES, ids=["-".join(c) for c in REFLOW_CASES])
def test_reflow_without_loss(size: str, lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """No horizontal scrolling of the page, and no text of main off-screen or clipped.

    Text inside a horizontally scrollable box (a wide table) is allowed: WCAG exempts
    content that needs two dimensions.
    """
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang), **REFLOWS[size]).page
    result = page.evaluate(_REFLOW)
    problems = list(result["problems"])
    if result["scrollWidth"] > result["width"] + 1:
        problems.insert(0, f"the page scrolls sideways: {result['scrollWidth']} px in a {result['width']} px window")
    assert not problems, f"{page.url} at {size}:\n  " + "\n  ".join(problems[:25])
