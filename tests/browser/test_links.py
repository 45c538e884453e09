"""No broken internal link or fragment, in both languages, at the root and under /ssc2020/.

The checker is the one `invoke publish` runs before it replaces the live site
(`ssc_deploy.sanity`): it reads every page and stylesheet of a build and resolves each
address the way the server would serve it — the page or file must exist under the site's
prefix, and a `#fragment` must name an `id` (or `<a name>`) of the target page, same-page
links included. linkchecker (pinned) was tried and not used here: with its AnchorCheck
plugin a missing anchor is only a warning on a link it still calls valid, run as root it
needs the tree readable by `nobody`, and its polite crawl over HTTP took about a minute per
build where reading the files takes under a second. It agreed with this checker (no broken
link). The browser tests load one page of every kind over HTTP as well and fail on any
request that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssc_deploy import sanity

from .browser_support import VARIANTS, Site, page_url


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_broken_internal_links(variant: str, sites: dict[str, Site]) -> None:
    """Every internal address of every page and stylesheet leads somewhere, fragments included."""
    site = sites[variant]
    problems = sanity.check_tree(site.output, site.prefix)
    assert not problems, f"{len(problems)} problems in the {variant} build:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("variant", VARIANTS)
def test_both_languages_checked(variant: str, sites: dict[str, Site]) -> None:
    """The checker really read both language sites (a guard against checking nothing)."""
    site = sites[variant]
    pages = [page_url(site, f) for f in site.html_files()]
    english = [p for p in pages if p.startswith(site.prefix + "/en/")]
    assert len(english) > 20 and len(pages) - len(english) > 20, f"{len(pages)} pages, {len(english)} English"


def _page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'


def test_checker_catches_breakage(tmp_path: Path) -> None:
    """The checker itself: a missing page, a missing fragment and a link outside the prefix fail."""
    (tmp_path / "sessions" / "keynote").mkdir(parents=True)
    (tmp_path / "sessions" / "keynote" / "index.html").write_text(_page('<h1 id="top-of-talk">x</h1>'))
    links = {
        "keynote/": None,
        "no-such-session/": "leads to nothing",
        "#no-such-id": "no such id",
        "/timetable/": "leaves the site's path",  # forgot the sub-path
        "https://example.org/": None,  # not ours to check offline
        "keynote/#top": None,  # needs no target
    }
    (tmp_path / "sessions" / "index.html").write_text(_page("".join(f'<a href="{h}">x</a>' for h in links)))
    (tmp_path / "index.html").write_text(_page(""))
    problems = "\n".join(sanity.check_tree(tmp_path, "/ssc2020"))
    for link, why in links.items():
        if why is None:
            assert repr(link) not in problems and f"#{link[1:]}" not in problems, link
        else:
            assert why in problems, f"{link}: expected {why!r} in:\n{problems}"
