"""Three accessibility engines on every page kind, in both languages, in the light, dark and high-contrast schemes.

axe-core, IBM Equal Access (accessibility-checker-engine) and HTML_CodeSniffer (WCAG2AA) disagree on
what they look for; a page passes only when none of them reports a violation. Warnings and "potential"
findings, which each engine asks a person to judge, are not counted: the screenshots are that judgement.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from .browser_support import LANGS, PAGE_KINDS, ROOT, OpenPage, Site, axe_violations, describe_violations

ACE_JS = ROOT / "node_modules" / "accessibility-checker-engine" / "ace.js"
HTMLCS_JS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
# How each scheme is asked for: what a visitor's system settings tell the browser.
SCHEMES: dict[str, dict[str, str]] = {
    "light": {"color_scheme": "light"},
    "dark": {"color_scheme": "dark"},
    "contrast": {"contrast": "more"},
}

# The page's surface in each scheme that has its own: KRDS gray 95 in the dark, black in high contrast.
SURFACES = {"dark": "rgb(19, 20, 22)", "contrast": "rgb(0, 0, 0)"}

# What each scheme makes true, asked of the page itself: proof that the switch took effect.
QUERIES = {
    "light": "matchMedia('(prefers-color-scheme: light)').matches && !matchMedia('(prefers-contrast: more)').matches",
    "dark": "matchMedia('(prefers-color-scheme: dark)').matches",
    "contrast": "matchMedia('(prefers-contrast: more)').matches",
}

_ACE_RUN = """async () => {
  const report = await new ace.Checker().check(document, ['IBM_Accessibility']);
  return report.results.filter(r => r.value[0] === 'VIOLATION' && r.value[1] === 'FAIL')
    .map(r => `${r.ruleId} ${r.path.dom}: ${r.message}`);
}"""

_HTMLCS_RUN = """() => new Promise(resolve => HTMLCS.process('WCAG2AA', document, () => resolve(
  HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR)
    .map(m => `${m.code} ${(m.element.outerHTML || m.element.nodeName).slice(0, 100)}: ${m.msg}`))))"""


def _load(page: Page, script: Any, name: str) -> None:
    """Add an engine's script to the page once (the schemes are checked one after another on one load)."""
    if not page.evaluate(f"typeof {name} !== 'undefined'"):
        page.add_script_tag(path=str(script))


def equal_access_violations(page: Page) -> list[str]:
    """IBM Equal Access's violations (its rule set 'IBM_Accessibility', failures only) on the page as it is."""
    _load(page, ACE_JS, "ace")
    return page.evaluate(_ACE_RUN)


def htmlcs_errors(page: Page) -> list[str]:
    """HTML_CodeSniffer's errors under its WCAG2AA standard on the page as it is."""
    _load(page, HTMLCS_JS, "HTMLCS")
    return page.evaluate(_HTMLCS_RUN)


def _findings(page: Page) -> str:
    found: dict[str, Any] = {
        "axe": describe_violations(axe_violations(page)),
        "IBM Equal Access": "\n".join(f"  {v}" for v in equal_access_violations(page)),
        "HTML_CodeSniffer": "\n".join(f"  {e}" for e in htmlcs_errors(page)),
    }
    return "\n".join(f"{engine}:\n{text}" for engine, text in found.items() if text)


CASES = [(lang, kind) for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("lang", "kind"), CASES, ids=["-".join(c) for c in CASES])
def test_no_engine_finds_a_violation(lang: str, kind: str, subpath_site: Site, open_page: OpenPage) -> None:
    """Each page is loaded once and checked in each scheme in turn, as the system setting would switch it
    (the media features change live; loading the page and the engines once per scheme took three times as long)."""
    page = open_page(subpath_site.url(PAGE_KINDS[kind], lang)).page
    reports = []
    for scheme, media in SCHEMES.items():
        page.emulate_media(**{"color_scheme": "light", "contrast": "no-preference", **media})
        assert page.evaluate(QUERIES[scheme]), f"{scheme} is not in effect"
        if scheme in SURFACES:  # the scheme's own colours apply, not only the media query
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == SURFACES[scheme], f"{page.url}: the {scheme} surface is not applied: {background}"
        report = _findings(page)
        if report:
            reports.append(f"{page.url} ({scheme}):\n{report}")
    assert not reports, "\n".join(reports)


def test_the_engines_find_what_they_are_for(open_page: OpenPage) -> None:
    """A page with a picture without text, faint text and an unlabelled field fails in each engine."""
    page = open_page("about:blank").page
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Faults</title></head><body><main>'
        '<img src="data:,"><p style="color:#ccc;background:#fff">faint</p><input type="text">'
        "</main></body></html>"
    )
    assert {v.split()[0] for v in equal_access_violations(page)} >= {
        "img_alt_valid",
        "text_contrast_sufficient",
        "input_label_exists",
    }
    assert any(".H37" in e for e in htmlcs_errors(page)), "HTML_CodeSniffer missed the image without alt"
    assert {v["id"] for v in axe_violations(page)} >= {"image-alt", "color-contrast", "label"}
