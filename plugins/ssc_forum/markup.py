"""Every rendered body checked as a browser reads it, and what pages get of it: nothing foreign, nothing active.

Every body is checked after rendering, against the rules of `htmlrules`, read as a browser reads
it, by parsers that follow the HTML standard's tokenizer and tree construction: html5ever (through
nh3) answers for a body it writes back unchanged with only allowed elements and attributes, which
is nearly every body Markdown writes; any other body is read by html5lib (`htmltree`), which names
each finding. A body nested deeper than `limits.MAX_ELEMENT_DEPTH` is refused before any parse.

Each finding is an error with the line of the Markdown source (`LineFinder`), never stripped
silently. What is written into the page and the feed is not the text Markdown gave but the
serialisation of the tree that was checked (`written`), in Python-Markdown's own form, so a
difference between how the check and a browser read the text cannot reach a page. Each body's
parse is kept by its text: reading, the id checks and both languages share it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import nh3

from . import htmltree, limits
from .htmlrules import (
    ALLOWED,
    ATTRIBUTES,
    RAW_ALLOWED,
    RAW_ATTRIBUTES,
    URL_ATTRIBUTES,
    Finding,
    check_element,
    comment_finding,
)
from .messages import tr


@dataclass(frozen=True)
class _Body:
    """What the checks and the pages need of one rendered body, from one parse."""

    findings: tuple[Finding, ...]  # those of its elements, as if none of them were written by hand
    ids: tuple[str, ...]  # every id, in order (a repeated one as often as it is used)
    written: str | None  # the serialisation of the checked tree; None where it is the text itself


_BODIES: dict[str | bytes, _Body] = {}
_BODIES_MAX = 50_000
_BODIES_CHARS_MAX = 20_000_000  # of the texts kept: a long-running preview starts again rather than grow
_BODIES_CHARS = 0
_LARGE = 65_536  # a larger body (one holding a whole timetable) is kept by a digest of its text
_REWRITTEN = Finding(
    tr(
        "this raw HTML would be read differently by a browser once written out (elements "
        "misnested or out of place): write it as plain, properly closed inline HTML"
    ),
    "<",
)


def _quick(html: str) -> _Body | None:
    """The reading of a body that html5ever (through nh3) gives back unchanged, or None.

    nh3 parses the text with html5ever, a parser of the HTML standard as html5lib is, keeps only
    the allowed elements and attributes (comments dropped) and writes the tree back out. When that
    is the very text, the text is a tree of allowed elements that a browser reads as written:
    nothing is left to find but the attribute values, which are checked here as the tree walk
    checks them. Anything else (a finding, a text written back otherwise) is read by html5lib,
    which names every finding. Ten times faster than that reading, and Markdown's output nearly
    always passes.
    """
    found_ids: list[str] = []
    trouble = False

    def look(element: str, attribute: str, value: str) -> str:
        nonlocal trouble
        if attribute == "id":
            found_ids.append(value)
        elif attribute in URL_ATTRIBUTES or attribute == "dir" or attribute.startswith("on"):
            trouble = trouble or any(check_element(element, {attribute: value}, ALLOWED, None, raw=False))
        return value

    written = nh3.clean(
        html,
        tags=ALLOWED,
        attributes={"*": ATTRIBUTES},
        strip_comments=True,
        link_rel=None,
        clean_content_tags=set(),
        url_schemes=None,
        attribute_filter=look,
    )
    if trouble or written != html:
        return None
    return _Body((), tuple(found_ids), None)


_TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")


def _too_deep(html: str) -> Finding | None:
    """A finding when elements may nest deeper than `limits.MAX_ELEMENT_DEPTH`, counted without parsing (linear).

    Start tags minus end tags, void elements aside: never less than the depth a parser builds
    (it only closes more), so a body within the limit is never refused by this count.
    """
    if html.count("<") <= limits.MAX_ELEMENT_DEPTH:
        return None
    depth = 0
    for match in _TAG_RE.finditer(html):
        name = match.group(2).lower()
        if name in htmltree.VOID:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limits.MAX_ELEMENT_DEPTH:
                return Finding(
                    tr(
                        "the text nests elements more than {depth} deep (<{name}> here): write "
                        "flatter lists, quotes and inline HTML",
                        depth=limits.MAX_ELEMENT_DEPTH,
                        name=name,
                    ),
                    f"<{name}",
                )
    return None


def _read(html: str) -> _Body:
    """Parse a body as a browser does, check every node of the tree and write the tree back out."""
    deep = _too_deep(html)
    if deep:
        return _Body((deep,), (), None)
    return _quick(html) or _read_fully(html)


def _read_fully(html: str) -> _Body:
    """Parse a body with html5lib, check every node of the tree and write the tree back out."""
    tree = htmltree.tree(html)
    findings: list[Finding] = []
    found_ids: list[str] = []
    for element in tree.iter():
        tag = element.tag
        if tag is htmltree.COMMENT:
            findings.append(comment_finding(element.text or ""))
            continue
        if tag == "DOCUMENT_FRAGMENT":
            continue
        attrs = {htmltree.attribute_name(k): v for k, v in element.attrib.items()} if element.attrib else {}
        findings.extend(check_element(htmltree.name_of(tag), attrs, ALLOWED, None, raw=False))
        if "id" in attrs:
            found_ids.append(attrs["id"])
    written = htmltree.serialise(tree)
    if written == html:
        return _Body(tuple(findings), tuple(found_ids), None)
    if not findings and htmltree.serialise(htmltree.tree(written)) != written:
        # What is written is read again as it will be on the page: the same tree, or refused. Parser
        # output of allowed elements is stable; this only guards what that rule does not foresee.
        findings.append(_REWRITTEN)
    return _Body(tuple(findings), tuple(found_ids), written)


def _body(html: str) -> _Body:
    """The parse of a body, kept by its text: reading, the id checks and both languages share it."""
    global _BODIES_CHARS
    html = str(html)
    key: str | bytes = (
        html if len(html) < _LARGE else hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    )
    found = _BODIES.get(key)
    if found is None:
        found = _read(html)
        size = len(key) + len(found.written or "")
        if len(_BODIES) >= _BODIES_MAX or _BODIES_CHARS + size > _BODIES_CHARS_MAX:
            _BODIES.clear()
            _BODIES_CHARS = 0
        _BODIES[key] = found
        _BODIES_CHARS += size
    return found


def written(html: str) -> str:
    """What a page (and the feed) holds of a rendered body: the serialisation of the tree `check_html` checked.

    Python-Markdown's own output comes back unchanged; raw HTML comes back as the browser
    reads it (quotes, entities and misnesting resolved), so nothing the check did not see is written.
    """
    found = _body(html)
    return str(html) if found.written is None else found.written


def _code_block(parsed: list[tuple[str, dict[str, str]]]) -> bool:
    # Fenced code is stashed by Markdown as HTML too: <pre><code class="language-…">, its text escaped.
    return [name for name, _ in parsed] == ["pre", "code"] and all(set(attrs) <= {"class"} for _, attrs in parsed)


def check_html(body: str, raw_fragments: Iterable[str] = ()) -> list[Finding]:
    """Every finding in a rendered body and in the raw HTML fragments Markdown passed through."""
    raw: list[Finding] = []
    for fragment in raw_fragments:
        parsed = htmltree.tokens(fragment)
        if _code_block(parsed):
            continue
        for name, attrs in parsed:
            if not name:
                raw.append(comment_finding(attrs[""]))
            else:
                raw.extend(check_element(name, attrs, RAW_ALLOWED, RAW_ATTRIBUTES, raw=True))
    unmatched = list(raw)
    extra: list[Finding] = []
    for finding in _body(body).findings:
        if finding in unmatched:  # the same raw element, seen again in the rendered body
            unmatched.remove(finding)
        else:
            extra.append(finding)
    return raw + extra


def id_sequence(html: str) -> tuple[str, ...]:
    """Every id of an HTML fragment in document order, a repeated one as often as it is given."""
    return _body(html).ids


def ids(html: str) -> set[str]:
    """Every id in an HTML fragment."""
    return set(id_sequence(html))


def repeated(sequence: Iterable[str]) -> list[str]:
    """The ids given more than once in a sequence, in order of their second use."""
    seen: set[str] = set()
    again: list[str] = []
    for ident in sequence:
        if ident in seen and ident not in again:
            again.append(ident)
        seen.add(ident)
    return again


def duplicate_ids(html: str) -> list[str]:
    """Ids used more than once in an HTML fragment, in order of their second use."""
    return repeated(id_sequence(html))


class LineFinder:
    """Finds the source line of a finding: the next line, from the body's start, holding its needle."""

    def __init__(self, lines: list[str], first: int, skip: set[int] | None = None) -> None:
        # Lines in `skip` (1-based: the shortcodes themselves) never hold a finding.
        self.lines = [("" if skip and number in skip else line.lower()) for number, line in enumerate(lines, 1)]
        self.first = first  # index of the body's first line
        self.after: dict[str, int] = {}

    def line(self, needle: str, fallback: str = "", *markers: str) -> int | None:
        """1-based line number of the next occurrence of `needle` (or `fallback`, or a marker), or None."""
        for candidate in (needle, fallback, *markers):
            found = self._line(candidate) if candidate else None
            if found is not None:
                return found
        return None

    def _line(self, needle: str) -> int | None:
        needle = needle.lower()
        start = self.after.get(needle, self.first)
        for index in range(start, len(self.lines)):
            if needle in self.lines[index]:
                self.after[needle] = index + 1
                return index + 1
        for index in range(self.first, len(self.lines)):  # a repeat: point at the first one again
            if needle in self.lines[index]:
                return index + 1
        return None
