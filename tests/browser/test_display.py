"""How pages are shown: Korean fonts, the header and menu, the measure, reduced motion, zoom and reflow."""

from __future__ import annotations

import re

import pytest

from .browser_support import LANGS, PAGE_KINDS, OpenPage, Site, axe_violations, describe_violations

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# The site's own subset of Pretendard GOV, or the installed Noto CJK fallback for a glyph it lacks.
KOREAN_FONT = re.compile(
    r"SSC Forum Sans|Noto Sans (CJK )?KR|Noto Serif (CJK )?KR|Noto Sans CJK|Noto Serif CJK", re.IGNORECASE
)

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
    """Chromium reports (DevTools CSS.getPlatformFontsForNode) that Hangul was drawn with a Korean font.

    The web font (a subset of Pretendard GOV) is awaited first, so that the check sees what a
    visitor sees once it has loaded.
    """
    page = open_page(subpath_site.url(PAGE_KINDS[kind], "ko")).page
    page.evaluate("document.fonts.ready.then(() => true)")
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
        korean_glyphs = sum(f["glyphCount"] for f in fonts if KOREAN_FONT.search(f["familyName"]))
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


def test_web_font_is_used_and_within_budget(subpath_site: Site, open_page: OpenPage) -> None:
    """The Korean home draws its text with the site's subset font, loaded from the site, at most 120 KB."""
    visit = open_page(subpath_site.url(PAGE_KINDS["home"], "ko"), settle=True)
    page = visit.page
    page.evaluate("document.fonts.ready.then(() => true)")
    fonts = [r for r in visit.responses if r.request.resource_type == "font"]
    assert fonts, "no web font was loaded"
    assert all(r.url.startswith(subpath_site.origin) and r.url.endswith(".woff2") for r in fonts), fonts
    total = sum(len(r.body()) for r in fonts)
    assert total <= 120 * 1024, f"web fonts weigh {total} bytes on a first visit"
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight)")
    assert any("SSC Forum Sans" in f for f in loaded), loaded


# --- the header, the menu and the measure -------------------------------------------------------

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
LAYOUT_KINDS = ["home", "timetable", "session", "speaker", "page", "search"]
LAYOUT_CASES = [(lang, kind) for lang in LANGS for kind in LAYOUT_KINDS]
_IDS = ["-".join(c) for c in LAYOUT_CASES]

_HEADER = """() => {
  const header = document.querySelector('header.site-header').getBoundingClientRect();
  const items = [...document.querySelectorAll('header nav a')].filter(a => a.checkVisibility());
  const tops = [...new Set(items.map(a => Math.round(a.getBoundingClientRect().top)))];
  return {height: header.height, items: items.length, tops};
}"""


@pytest.mark.parametrize(("lang", "kind"), LAYOUT_CASES, ids=_IDS)
def test_header_is_compact_with_a_one_row_menu(lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """At 1366x900 the header, menu included, is at most 140 px tall and the menu is one row."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang), **DESKTOP).page
    header = page.evaluate(_HEADER)
    assert 4 <= header["items"] <= 7, f"the main menu shows {header['items']} links"
    assert len(header["tops"]) == 1, f"the main menu wraps into rows at {header['tops']}"
    assert header["height"] <= 140, f"the header is {header['height']} px tall"


@pytest.mark.parametrize(("lang", "kind"), LAYOUT_CASES, ids=_IDS)
def test_h1_near_the_top_on_a_phone_without_javascript(
    lang: str, kind: str, subpath_site: Site, open_page: OpenPage
) -> None:
    """At 390x844 without JavaScript the menu is folded away and the h1 starts within 200 px."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang), java_script_enabled=False, **PHONE).page
    top = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
    assert top <= 200, f"the h1 starts {top} px down"
    visible = page.evaluate("[...document.querySelectorAll('header nav a')].filter(a => a.checkVisibility()).length")
    assert visible == 0, f"{visible} menu links show before the menu is opened"
    page.click("header details summary")
    shown = page.evaluate("[...document.querySelectorAll('header nav a')].filter(a => a.checkVisibility()).length")
    assert shown >= 4, "opening the menu shows no links (without JavaScript)"


_MEASURE = """() => [...document.querySelectorAll('main p')].filter(p => p.checkVisibility()).map(p => {
  const size = parseFloat(getComputedStyle(p).fontSize);
  return {width: p.getBoundingClientRect().width, ems: p.getBoundingClientRect().width / size,
          text: p.innerText.trim().slice(0, 40)};
}).filter(p => p.ems > 40.01)"""


@pytest.mark.parametrize(("lang", "kind"), [(lang, kind) for lang in LANGS for kind in PAGE_KINDS],
                         ids=[f"{lang}-{kind}" for lang in LANGS for kind in PAGE_KINDS])
def test_paragraphs_keep_a_readable_measure(lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """At 1366 px no paragraph of the main text is wider than 40em of its own font size."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang), **DESKTOP).page
    wide = page.evaluate(_MEASURE)
    assert not wide, "paragraphs wider than 40em:\n  " + "\n  ".join(
        f"{p['ems']:.1f}em ({p['width']:.0f} px) {p['text']!r}" for p in wide)


HIGH_CONTRAST_CASES = [(lang, kind) for lang in LANGS for kind in ("home", "session", "timetable", "search")]


@pytest.mark.parametrize(("lang", "kind"), HIGH_CONTRAST_CASES, ids=["-".join(c) for c in HIGH_CONTRAST_CASES])
def test_high_contrast_mode(lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """With prefers-contrast: more the KRDS high-contrast colours apply, and axe still finds nothing."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang), contrast="more").page
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)", f"the high-contrast surface is not applied: {background}"
    violations = axe_violations(page)
    assert not violations, "axe in high-contrast mode:\n" + describe_violations(violations)
