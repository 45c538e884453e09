"""How pages are shown: Korean fonts, the header and menu, the measure, reduced motion, zoom and reflow."""

from __future__ import annotations

import re

import pytest

from .browser_support import LANGS, PAGE_KINDS, OpenPage, SharedPage, Site, axe_violations, describe_violations

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
def test_reduced_motion_is_honoured(kind: str, subpath_site: Site, shared_page: SharedPage) -> None:
    """With prefers-reduced-motion: reduce, nothing transitions or animates, scrolling is instant."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], "ko"), reduced_motion="reduce")
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
def test_reflow_without_loss(size: str, lang: str, kind: str, subpath_site: Site, shared_page: SharedPage) -> None:
    """No horizontal scrolling of the page, and no text of main off-screen or clipped.

    Text inside a horizontally scrollable box (a wide table) is allowed: WCAG exempts
    content that needs two dimensions.
    """
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), **REFLOWS[size])
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
def test_header_is_compact_with_a_one_row_menu(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """At 1366x900 the header, menu included, is at most 140 px tall and the menu is one row."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), **DESKTOP)
    header = page.evaluate(_HEADER)
    assert 4 <= header["items"] <= 7, f"the main menu shows {header['items']} links"
    assert len(header["tops"]) == 1, f"the main menu wraps into rows at {header['tops']}"
    assert header["height"] <= 140, f"the header is {header['height']} px tall"


@pytest.mark.parametrize(("lang", "kind"), LAYOUT_CASES, ids=_IDS)
def test_h1_near_the_top_on_a_phone_without_javascript(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """At 390x844 without JavaScript the menu is folded away and the h1 starts within 200 px."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), java_script_enabled=False, **PHONE)
    top = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
    assert top <= 200, f"the h1 starts {top} px down"
    visible = page.evaluate("[...document.querySelectorAll('header nav a')].filter(a => a.checkVisibility()).length")
    assert visible == 0, f"{visible} menu links show before the menu is opened"
    page.click("header details summary")
    shown = page.evaluate("[...document.querySelectorAll('header nav a')].filter(a => a.checkVisibility()).length")
    assert shown >= 4, "opening the menu shows no links (without JavaScript)"
    # Open, the menu covers the whole screen (KRDS's mobile menu) and its button says it closes it.
    cover = page.evaluate("""() => {
      const r = document.querySelector('header details nav').getBoundingClientRect();
      return [r.left, r.top, r.width, r.height];
    }""")
    assert cover == [0, 0, 390, 844], f"the open menu covers {cover}"
    label = page.locator("header details summary").inner_text().strip()
    assert label in ("메뉴 닫기", "Close menu"), label
    page.click("header details summary")
    assert not page.evaluate("document.querySelector('header details').open"), "the close button did not close it"


_MEASURE = """() => [...document.querySelectorAll('main p')].filter(p => p.checkVisibility()).map(p => {
  const size = parseFloat(getComputedStyle(p).fontSize);
  return {width: p.getBoundingClientRect().width, ems: p.getBoundingClientRect().width / size,
          text: p.innerText.trim().slice(0, 40)};
}).filter(p => p.ems > 40.01)"""


@pytest.mark.parametrize(
    ("lang", "kind"),
    [(lang, kind) for lang in LANGS for kind in PAGE_KINDS],
    ids=[f"{lang}-{kind}" for lang in LANGS for kind in PAGE_KINDS],
)
def test_paragraphs_keep_a_readable_measure(lang: str, kind: str, subpath_site: Site, shared_page: SharedPage) -> None:
    """At 1366 px no paragraph of the main text is wider than 40em of its own font size."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), **DESKTOP)
    wide = page.evaluate(_MEASURE)
    assert not wide, "paragraphs wider than 40em:\n  " + "\n  ".join(
        f"{p['ems']:.1f}em ({p['width']:.0f} px) {p['text']!r}" for p in wide
    )


# Contrast of each card's border against what is behind the card, and against the card itself.
_BORDERS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const [r, g, b] = c.map(lin); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return rgb(c);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('.card, .facts, .tz-box, .search-form input')].map(el => {
    const border = rgb(getComputedStyle(el).borderTopColor);
    const outside = behind(el.parentElement);
    return {el: el.className || el.tagName, ratio: Math.min(ratio(border, outside), ratio(border, behind(el))),
            width: parseFloat(getComputedStyle(el).borderTopWidth)};
  }).filter(b => b.width > 0);
}"""

_AXE_RULES = """async rules => {
  const result = await axe.run(document, {runOnly: {type: 'rule', values: rules}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' ' + (n.any[0] || {}).message)}));
}"""


def _axe_rules(page, rules: list[str]) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        axe_violations(page)  # loads axe-core into the page
    return page.evaluate(_AXE_RULES, rules)


SCHEME_KINDS = ("home", "timetable", "session", "speakers", "cases", "page", "news", "search", "404")
SCHEME_CASES = [(lang, kind) for lang in LANGS for kind in SCHEME_KINDS]


@pytest.mark.parametrize(("lang", "kind"), SCHEME_CASES, ids=["-".join(c) for c in SCHEME_CASES])
def test_high_contrast_reaches_seven_to_one_and_shows_borders(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """prefers-contrast: more: the KRDS high-contrast surface applies, every text at least 7:1 (axe's enhanced
    contrast rule, WCAG AAA), every box's border at least 3:1 against what is behind it and against the box.

    axe's whole rule set in this scheme runs on every page kind in tests/browser/test_engines.py."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), contrast="more")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)", f"the high-contrast surface is not applied: {background}"
    violations = _axe_rules(page, ["color-contrast-enhanced"])
    assert not violations, "text under 7:1 in high contrast:\n" + describe_violations(violations)
    faint = [b for b in page.evaluate(_BORDERS) if b["ratio"] < 3]
    assert not faint, f"borders under 3:1 in high contrast: {faint}"


# --- what the screenshots are looked at for: phones, short pages, card grids --------------------------

NARROW = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
ONE_LINE_KINDS = ["home", "timetable", "sessions", "session", "speaker", "case", "page"]
ONE_LINE_CASES = [(lang, kind) for lang in LANGS for kind in ONE_LINE_KINDS]

# Every time range, "Day 2" label and "2일 차 · 세션 1" note shown, with the number of line boxes it was set in.
_LINES = """() => [...document.querySelectorAll('main .time-span, main .day-number, main .index-note')]
  .filter(el => el.checkVisibility())
  .map(el => ({text: el.innerText.trim(),
               lines: new Set([...el.getClientRects()].map(r => Math.round(r.top))).size}))"""


@pytest.mark.parametrize(("lang", "kind"), ONE_LINE_CASES, ids=["-".join(c) for c in ONE_LINE_CASES])
def test_time_ranges_and_day_labels_stay_on_one_line_on_a_phone(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """On phones 320 to 430 px wide, "16:00–19:00 KST", "Day 2" and "Day 2 · Session 1" are never split."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), **NARROW)
    broken = set()
    for width in range(320, 431, 5):  # where a line breaks depends on the width: try every phone's
        page.set_viewport_size({"width": width, "height": 740})
        found = page.evaluate(_LINES)
        assert found, "no time range or day label on the page"
        broken |= {f"{f['text']!r} at {width} px" for f in found if f["lines"] != 1}
    assert not broken, f"split over lines: {sorted(broken)}"


_FOOTER = """() => ({bottom: document.querySelector('footer.site-footer').getBoundingClientRect().bottom,
  height: innerHeight, scroll: document.scrollingElement.scrollHeight})"""


@pytest.mark.parametrize("height", [900, 1600])
@pytest.mark.parametrize("kind", ["404", "search"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_footer_ends_the_window_on_a_short_page(
    lang: str, kind: str, height: int, subpath_site: Site, shared_page: SharedPage
) -> None:
    """A page shorter than the window keeps its footer at the bottom, not halfway up with blank space below."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), viewport={"width": 1366, "height": height})
    footer = page.evaluate(_FOOTER)
    assert footer["scroll"] <= footer["height"], f"the page is not short at {height} px: {footer}"
    assert abs(footer["bottom"] - footer["height"]) <= 1, f"the footer ends at {footer['bottom']} of {height} px"


# Cards of one row of a grid: the offset of each card's heading from the card's top.
_CARD_ROWS = """() => {
  const rows = {};
  for (const card of document.querySelectorAll('main .card-grid > .card')) {
    const box = card.getBoundingClientRect();
    const title = card.querySelector('.card-title').getBoundingClientRect();
    (rows[Math.round(box.top)] ||= []).push(Math.round(title.top - box.top));
  }
  return Object.values(rows).filter(offsets => offsets.length > 1);
}"""


@pytest.mark.parametrize("kind", ["home", "speakers", "cases"])
@pytest.mark.parametrize("lang", LANGS)
def test_cards_of_a_row_start_their_text_at_the_same_height(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """At 1366 px the cards of a row are top-aligned: their headings start at the same distance from the top."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang), **DESKTOP)
    rows = page.evaluate(_CARD_ROWS)
    assert rows, "no row of two cards or more"
    uneven = [offsets for offsets in rows if len(set(offsets)) != 1]
    assert not uneven, f"headings at different heights within a row: {uneven}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_motif_gives_way_to_the_content_on_a_phone(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """At 390 px the decorative motif is not drawn; at 1366 px it is, beside the hero's text and not over it."""
    phone = open_page(subpath_site.url(PAGE_KINDS["home"], lang), **PHONE).page
    assert not phone.evaluate("document.querySelector('.motif').checkVisibility()"), "the motif shows on a phone"
    desktop = open_page(subpath_site.url(PAGE_KINDS["home"], lang), **DESKTOP).page
    overlap = desktop.evaluate("""() => {
      const m = document.querySelector('.motif').getBoundingClientRect();
      const t = document.querySelector('.hero-text').getBoundingClientRect();
      const overlap = m.left < t.right && t.left < m.right && m.top < t.bottom && t.top < m.bottom;
      return {shown: m.width > 0, overlap};
    }""")
    assert overlap == {"shown": True, "overlap": False}, overlap


@pytest.mark.parametrize("lang", LANGS)
def test_a_talk_title_is_quoted_as_the_text_quotes_titles(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """The speaker page's talk is set in ‘ ’, as the pages' own text sets titles (Chromium's default is “ ”)."""
    page = open_page(subpath_site.url(PAGE_KINDS["speaker"], lang)).page
    marks = page.evaluate("getComputedStyle(document.querySelector('.talk q')).quotes")
    assert marks.split()[:2] == ['"‘"', '"’"'], marks
