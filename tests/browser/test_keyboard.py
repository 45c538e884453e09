"""Keyboard alone: every control reachable and usable, focus always visible, no trap.

The walks run on the published (sub-path) build; keyboard behaviour does not depend
on where the site is served.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from .browser_support import (
    LANGS,
    PAGE_KINDS,
    OpenPage,
    SharedPage,
    Site,
    axe_violations,
    describe_violations,
    facade_pages,
    url_path,
)

# Marks every element that should be in the tab order and notes how it looks unfocused.
_MARK_FOCUSABLES = """() => {
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
  const selector = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary, iframe,'
    + ' [tabindex], [contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
  const found = [];
  document.querySelectorAll(selector).forEach((el, i) => {
    if (el.matches(':disabled') || el.tabIndex < 0 || el.closest('[inert]')) return;
    if (el.tagName === 'SUMMARY' && el.parentElement.querySelector(':scope > summary') !== el) return;
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return;
    el.dataset.kbd = String(i);
    const style = getComputedStyle(el);
    found.push({id: String(i), what: describe(el), outline: style.outlineStyle + ' ' + style.outlineWidth + ' '
      + style.outlineColor, shadow: style.boxShadow});
  });
  window.__describe = describe;
  return found;
}"""

# Where focus is now and how it looks there.
_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  // An inline link split around a block child has empty fragments: use its first real box.
  const box = [...el.getClientRects()].find(r => r.width > 0 && r.height > 0) || el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {
    id: el.dataset.kbd || null,
    what: window.__describe ? window.__describe(el) : el.tagName,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
    shadow: style.boxShadow,
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
    unobscured: !!hit && (hit === el || el.contains(hit) || hit.contains(el)),
  };
}"""

_TRANSPARENT = re.compile(r"rgba\([^)]*,\s*0\)$|^transparent$")


def focus_problem(state: dict[str, Any], unfocused: dict[str, Any]) -> str | None:
    """Why the focused element's focus would not be seen, or None when it would be.

    An indicator is an outline or a box-shadow that the element does not have unfocused.
    """
    outline = (
        state["outlineStyle"] not in ("none", "hidden")
        and state["outlineWidth"] >= 1
        and not _TRANSPARENT.search(state["outlineColor"])
        and state["outline"] != unfocused["outline"]
    )
    shadow = state["shadow"] != "none" and state["shadow"] != unfocused["shadow"]
    if not (outline or shadow):
        return f"no visible focus indicator (outline {state['outline']}, box-shadow {state['shadow']})"
    if not state["inView"]:
        return "focused but outside the viewport or without size"
    if not state["unobscured"]:
        return "focused but covered by another element"
    return None


def tab_walk(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Press Tab from the top of the page until focus comes round again.

    Returns the marked focusable elements, the focus states in order, and whether focus
    came round (False: it stayed stuck or never left a cycle, i.e. a trap).
    """
    focusables = page.evaluate(_MARK_FOCUSABLES)
    steps: list[dict[str, Any]] = []
    first = None
    for _ in range(2 * len(focusables) + 6):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        key = state["id"] if state else None
        if first is None and key is not None:
            first = key
        elif key is not None and key == first:
            return focusables, steps, True
        if state is not None:
            steps.append(state)
    return focusables, steps, False


WALKS = [(lang, kind) for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("lang", "kind"), WALKS, ids=["-".join(w) for w in WALKS])
def test_tab_reaches_everything_with_visible_focus(
    lang: str, kind: str, subpath_site: Site, shared_page: SharedPage
) -> None:
    """Tab reaches every control once, each with a visible focus indicator, and comes round."""
    page = shared_page(subpath_site.url(PAGE_KINDS[kind], lang))
    focusables, steps, came_round = tab_walk(page)
    problems = []
    if not came_round:
        tail = ", ".join(s["what"] for s in steps[-5:])
        problems.append(f"focus never came back round to the first control (a trap?); last: {tail}")
    reached = {s["id"] for s in steps}
    missed = [f["what"] for f in focusables if f["id"] not in reached]
    if missed:
        problems.append("never reached by Tab: " + "; ".join(missed))
    stray = [s["what"] for s in steps if s["id"] is None]
    if stray:
        problems.append("Tab stopped on elements that are not controls: " + "; ".join(stray))
    unfocused = {f["id"]: f for f in focusables}
    for state in steps:
        if state["id"] in unfocused and (why := focus_problem(state, unfocused[state["id"]])):
            problems.append(f"{state['what']}: {why}")
    assert not problems, page.url + "\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """The first Tab shows the skip link; Enter on it sends the next Tab into the main content."""
    page = open_page(subpath_site.url(PAGE_KINDS["session"], lang)).page
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
        " return {tag: a.tagName, href: a.getAttribute('href'), visible: r.width > 1 && r.height > 1"
        " && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth}; }"
    )
    assert first["tag"] == "A" and (first["href"] or "").startswith("#"), f"first Tab stop is not a skip link: {first}"
    assert first["visible"], "the skip link is focused but not shown on screen"
    target = first["href"][1:]
    assert page.locator(f"[id='{target}']").count() == 1, f"skip link target #{target} does not exist"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate(
        """id => { const target = document.getElementById(id); const a = document.activeElement;
        return target.contains(a) || !!(target.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING); }""",
        target,
    )
    assert inside, "after the skip link, Tab went back into the header instead of the main content"


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus (fails if it never does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never received focus from the keyboard")


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_by_keyboard(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """Enter on the language switcher opens the same page in the other language."""
    other = "en" if lang == "ko" else "ko"
    page = open_page(subpath_site.url(PAGE_KINDS["speaker"], lang)).page
    tab_to(page, f"a[hreflang='{other}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert url_path(page.url) == url_path(subpath_site.url(PAGE_KINDS["speaker"], other))
    assert page.evaluate("document.documentElement.lang") == other


TZ_BUTTON = "[data-tz-switch] button"


@pytest.mark.parametrize("lang", LANGS)
def test_time_zone_switch_by_keyboard(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """Enter shows the times in the visitor's zone, Space brings Seoul time back; axe stays clean."""
    # A visitor in Berlin: 16:00 in Seoul is 09:00 there, so the switch must change the text.
    page = open_page(subpath_site.url(PAGE_KINDS["timetable"], lang), timezone_id="Europe/Berlin").page
    times = page.locator("time[data-tz]")
    assert times.count() > 0, "the timetable has no <time data-tz> element"
    event_text = times.all_inner_texts()
    tab_to(page, TZ_BUTTON)
    page.keyboard.press("Enter")
    button = page.locator(TZ_BUTTON).first
    assert button.get_attribute("aria-pressed") == "true", "Enter did not switch to local time"
    local_text = times.all_inner_texts()
    assert local_text != event_text, "times did not change after switching to the visitor's zone"
    assert any("09:00" in t for t in local_text), f"no time shown in Berlin time: {local_text[:6]}"
    violations = axe_violations(page)
    assert not violations, "axe after switching the time zone:\n" + describe_violations(violations)
    page.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false", "Space did not switch back to event time"
    assert times.all_inner_texts() == event_text, "event times did not come back"


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_video_facade_by_keyboard(key: str, video_site: Site, open_page: OpenPage) -> None:
    """Enter or Space on a video facade creates the player (only then may YouTube be asked),
    focus goes to it, Tab leaves it again, and axe stays clean with the player open."""
    pages = facade_pages(video_site)
    assert pages, "no page of the video forum has a video facade"
    visit = open_page(video_site.origin + pages[0])
    page = visit.page
    assert not visit.outside_requests(), "YouTube was asked before the play button was pressed"
    tab_to(page, ".video-facade .video-play")
    page.keyboard.press(key)
    frame = page.locator(".video-facade iframe").first
    frame.wait_for(state="attached")
    src = frame.get_attribute("src") or ""
    assert src.startswith("https://www.youtube-nocookie.com/embed/"), f"player is not the no-cookie embed: {src}"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME", "focus did not move to the player"
    violations = axe_violations(page)
    assert not violations, "axe with the player open:\n" + describe_violations(violations)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") != "IFRAME", "focus is trapped in the player"


@pytest.mark.parametrize(
    ("lang", "word", "slug", "submit"),
    [
        ("ko", "빅데이터", "session-1-big-data", "Enter in the box"),
        ("en", "citizen participation", "session-2-citizen-participation", "Space on the button"),
    ],
)
def test_search_by_keyboard(
    lang: str, word: str, slug: str, submit: str, subpath_site: Site, open_page: OpenPage
) -> None:
    """Tab to the search box, type, submit (Enter, or Space on the button): results come;
    Tab and Enter open the session."""
    page = open_page(subpath_site.url(PAGE_KINDS["search"], lang)).page
    tab_to(page, "input[name='q']")
    page.keyboard.type(word)
    # Typing alone searches too (after a pause), so the submission itself is watched.
    page.evaluate("document.getElementById('search-form').addEventListener('submit', () => { window.submitted = 1; })")
    if submit == "Enter in the box":
        page.keyboard.press("Enter")
    else:
        tab_to(page, "#search-form button[type='submit']", limit=2)
        page.keyboard.press("Space")
    assert page.evaluate("window.submitted === 1"), f"{submit} did not submit the search"
    link = page.locator(f"#search-results a[href$='/sessions/{slug}/']").first
    link.wait_for()
    tab_to(page, f"#search-results a[href$='/sessions/{slug}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert url_path(page.url) == url_path(subpath_site.url(f"/sessions/{slug}/", lang))


@pytest.mark.parametrize("lang", LANGS)
def test_phone_menu_by_keyboard(lang: str, subpath_site: Site, open_page: OpenPage) -> None:
    """On a phone the menu button opens the menu with Enter; its links come next in the tab order,
    axe stays clean with it open, and Enter on the button folds it again."""
    page = open_page(subpath_site.url(PAGE_KINDS["session"], lang), viewport={"width": 390, "height": 844}).page
    tab_to(page, "header details summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('header details').open"), "Enter did not open the menu"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('header details nav') !== null")
    assert focused, "Tab after opening the menu does not go into it"
    violations = axe_violations(page)
    assert not violations, "axe with the menu open:\n" + describe_violations(violations)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert not page.evaluate("document.querySelector('header details').open"), "Enter did not fold the menu"
    # With JavaScript, Escape closes the full-screen menu from inside it and the focus goes back to its button.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.querySelector('header details').open"), "Escape did not close the menu"
    assert page.evaluate("document.activeElement === document.querySelector('header details summary')")
