"""No broken internal link or fragment, in both languages, at the root and under /ssc2020/.

A small checker of our own reads every HTML page (and stylesheet) of a build and resolves
each address the way the server would serve it: the page or file must exist under the
site's prefix, and a `#fragment` must name an `id` (or `<a name>`) of the target page,
same-page links included. linkchecker (pinned) was tried and not used here: with its
AnchorCheck plugin a missing anchor is only a warning on a link it still calls valid,
run as root it needs the tree readable by `nobody`, and its polite crawl over HTTP took
about a minute per build where reading the files takes under a second. It agreed with
this checker (no broken link). The browser tests load one page of every kind over
HTTP as well and fail on any request that fails.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from pelican.settings import read_settings

from .browser_support import ROOT, VARIANTS, Site, page_url

HOST = "http://site.invalid"  # stands for the site's own origin while resolving addresses
URL_ATTRIBUTES = ("href", "src", "action", "poster", "data", "cite")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
NO_TARGET_NEEDED = {"", "top"}  # "#" and "#top" go to the top of any page (HTML standard)


@cache
def public_url() -> str:
    """Where the site is published (FORUM home_url): absolute links to it are internal."""
    return read_settings(str(ROOT / "pelicanconf.py"))["FORUM"]["home_url"].rstrip("/")


class LinkChecker:
    """Resolves the addresses of one build against its files."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._anchors: dict[Path, set[str]] = {}

    def anchors(self, file: Path) -> set[str]:
        """Every id and <a name> of an HTML file."""
        if file not in self._anchors:
            tree = lxml_html.fromstring(file.read_bytes())
            self._anchors[file] = set(tree.xpath("//@id")) | set(tree.xpath("//a/@name"))
        return self._anchors[file]

    def target(self, base: str, address: str) -> tuple[str, Path | None, str | None] | None:
        """Resolve `address` found at URL path `base`: (URL, file or None if missing, fragment).

        None for addresses outside the site (other hosts, mailto:, tel:).
        """
        address = address.strip()
        if address.startswith(public_url() + "/") or address == public_url():
            address = self.site.prefix + address[len(public_url()):]
        absolute = urljoin(HOST + base, address)
        parts = urlsplit(absolute)
        if parts.scheme in ("mailto", "tel", "data"):
            return None
        if f"{parts.scheme}://{parts.netloc}" != HOST:
            return None
        fragment = unquote(parts.fragment) if "#" in address else None
        path = unquote(parts.path)
        prefix = self.site.prefix + "/"
        if not path.startswith(prefix):
            return path, None, fragment
        file = self.site.output / path[len(prefix):]
        if path.endswith("/") or file.is_dir():  # the server redirects /x to /x/
            file = file / "index.html"
        return path, (file if file.is_file() else None), fragment

    def check(self, base: str, address: str) -> str | None:
        """Why `address` on page `base` is broken, or None."""
        if address.strip().lower().startswith("javascript:"):
            return "javascript: address"
        resolved = self.target(base, address)
        if resolved is None:
            return None
        path, file, fragment = resolved
        if file is None:
            return f"no such page or file ({path})"
        if fragment is not None and fragment not in NO_TARGET_NEEDED:
            if file.suffix != ".html":
                return f"fragment #{fragment} on a file that is not a page"
            if fragment not in self.anchors(file):
                return f"no id {fragment!r} on {path}"
        return None

    def broken(self) -> list[str]:
        """Every broken address of the build, as 'page: address (why)'."""
        problems = []
        for file in self.site.html_files():
            base = page_url(self.site, file)
            tree = lxml_html.fromstring(file.read_bytes())
            self._anchors[file] = set(tree.xpath("//@id")) | set(tree.xpath("//a/@name"))
            for element in tree.iter():
                if not isinstance(element.tag, str):
                    continue
                addresses = [element.get(a) for a in URL_ATTRIBUTES if element.get(a) is not None]
                for srcset in (element.get("srcset"), element.get("imagesrcset")):
                    if srcset:
                        addresses += [item.split()[0] for item in srcset.split(",") if item.strip()]
                if element.tag == "meta" and (element.get("content") or "").startswith(("/", public_url())):
                    addresses.append(element.get("content"))
                for address in addresses:
                    if why := self.check(base, address):
                        problems.append(f"{base}: {address} ({why})")
        for css in sorted(self.site.output.rglob("*.css")):
            base = page_url(self.site, css)
            for address in CSS_URL.findall(css.read_text("utf-8")):
                if not address.startswith("data:") and (why := self.check(base, address)):
                    problems.append(f"{base}: url({address}) ({why})")
        return problems


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_broken_internal_links(variant: str, sites: dict[str, Site]) -> None:
    """Every internal address of every page and stylesheet leads somewhere, fragments included."""
    site = sites[variant]
    problems = LinkChecker(site).broken()
    by_reason: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        by_reason[problem.rsplit(" (", 1)[1]].append(problem)
    summary = "\n".join(f"  {len(v)} × {k[:-1]}, e.g. {v[0]}" for k, v in sorted(by_reason.items()))
    assert not problems, f"{len(problems)} broken addresses in the {variant} build:\n{summary}\n\n" + "\n".join(
        problems[:60]
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_both_languages_checked(variant: str, sites: dict[str, Site]) -> None:
    """The checker really read both language sites (a guard against checking nothing)."""
    site = sites[variant]
    pages = [page_url(site, f) for f in site.html_files()]
    english = [p for p in pages if p.startswith(site.prefix + "/en/")]
    assert len(english) > 20 and len(pages) - len(english) > 20, f"{len(pages)} pages, {len(english)} English"


def test_checker_catches_breakage(subpath_site: Site) -> None:
    """The checker itself: a missing page, a missing fragment and a link outside the prefix fail."""
    checker = LinkChecker(subpath_site)
    base = f"{subpath_site.prefix}/sessions/"
    assert checker.check(base, "keynote/") is None
    assert checker.check(base, "no-such-session/")
    assert checker.check(base, "#no-such-id")
    assert checker.check(base, "/timetable/")  # forgot the sub-path
    assert checker.check(base, "https://example.org/") is None  # not ours to check offline
