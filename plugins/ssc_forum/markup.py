"""What HTML a Markdown body may produce: nothing foreign, nothing active.

The site promises that it loads nothing from another host and runs only its own scripts.
Editors write Markdown; Markdown passes raw HTML through and lets `{: attr=value}` lists
add attributes. Every body is therefore checked after rendering, read as a browser reads it, by
parsers that follow the HTML standard's tokenizer and tree construction: html5ever (through nh3)
answers for a body it writes back unchanged with only allowed elements and attributes, which is
nearly every body Markdown writes; any other body is read by html5lib, which names each finding:

- raw HTML written by the editor may only be a short list of harmless inline elements
  (`RAW_ALLOWED`) with the attributes `title`, `lang`, `dir` (and `datetime` on `<time>`,
  `href` on `<a>`, `src`, `alt`, `width` and `height` on `<img>`);
- no element outside what Markdown itself writes plus that list (so no `<script>`,
  `<style>`, `<iframe>`, `<object>`, `<embed>`, `<form>`, `<meta>`, `<link>`, `<base>`, SVG …);
- no attribute outside a short list (so no `on…` handlers, `style`, `data-…`, `srcdoc` …);
- no `javascript:`, `data:`, `vbscript:` or `file:` address in any address attribute;
- no image or other resource from another host (`https://…` or `//…`); a plain link
  (`<a href="https://…">`) to another site is fine;
- no comment, CDATA section or processing instruction: the forms browsers end early
  (`<!-->`, `<!--->`, `--!>`) are where a checker and a browser part ways.

Each finding is an error with the line of the Markdown source, never stripped silently.
What is written into the page and the feed is not the text Markdown gave but the
serialisation of the tree that was checked (`written`), in Python-Markdown's own form, so a
difference between how the check and a browser read the text cannot reach a page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

import html5lib
import nh3
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import namespaces, tokenTypes

from .messages import Message, tr

# What Python-Markdown (with `extra` and `toc`) writes from Markdown syntax.
MARKDOWN_ELEMENTS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "hr",
        "br",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
        "abbr",
        "sup",
        "div",
    }
)
# Harmless inline HTML an editor may write by hand.
RAW_ALLOWED = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "img",
    }
)
# Links and images are checked like Markdown's own: no script address, no image from another host.
RAW_ATTRIBUTES = {
    "*": frozenset({"title", "lang", "dir"}),
    "time": frozenset({"datetime"}),
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height"}),
}
ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "alt",
        "title",
        "id",
        "class",
        "lang",
        "dir",
        "datetime",
        "colspan",
        "rowspan",
        "align",
        "start",
        "width",
        "height",
        "cite",
        "srcset",
        "rev",
        "role",
    }
)
# Attributes that hold an address, and those of them whose address the page loads by itself.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "cite",
        "poster",
        "data",
        "action",
        "formaction",
        "background",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "ping",
        "xlink:href",
        "manifest",
        "codebase",
        "icon",
        "usemap",
    }
)
RESOURCE_ATTRIBUTES = URL_ATTRIBUTES - {"href", "cite", "action", "formaction", "ping", "usemap"}
BAD_SCHEMES = ("javascript", "data", "vbscript", "file", "blob", "filesystem")
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_ASCII_BLANKS = re.compile(r"[\x00-\x20]")


@dataclass(frozen=True)
class Finding:
    """One thing a body may not contain; `needle` (or else `fallback`) helps find its line in the source."""

    message: Message | str
    needle: str
    fallback: str = ""
    markers: tuple[str, ...] = ()  # last resorts: what the element's line holds however its value was written


def _normalised_url(value: str) -> str:
    # As browsers read it: tabs and newlines inside are dropped, control characters and spaces
    # around it too, and a backslash counts as a slash.
    return _ASCII_BLANKS.sub("", value).replace("\\", "/").lower()


def _urls(attribute: str, value: str) -> list[str]:
    if attribute == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    return [value]


def check_url(tag: str, attribute: str, value: str) -> Message | None:
    """What is wrong with one address attribute, or None."""
    for raw in _urls(attribute, value):
        url = _normalised_url(raw)
        scheme_match = _SCHEME_RE.match(url)
        scheme = scheme_match.group(1) if scheme_match else ""
        if (
            scheme in BAD_SCHEMES
            or (scheme and attribute in RESOURCE_ATTRIBUTES)
            or (scheme and scheme not in LINK_SCHEMES)
        ):
            if scheme in LINK_SCHEMES:
                return _from_elsewhere(tag, attribute, raw)
            return tr(
                "<{tag} {attribute}> uses a {scheme}: address ({address!r}), which is not allowed: remove it",
                tag=tag,
                attribute=attribute,
                scheme=scheme,
                address=raw,
            )
        if url.startswith("//") and (attribute in RESOURCE_ATTRIBUTES or not urlsplit(url).hostname):
            return _from_elsewhere(tag, attribute, raw)
    return None


# One parser, reused: building html5lib's parser anew for every body costs more than small bodies' parse.
_PARSER = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
_COMMENT = ElementTree.Comment
_PREFIXES = {
    f"{{{uri}}}": f"{prefix}:" for prefix, uri in namespaces.items() if prefix not in ("html", "svg", "mathml")
}
# Elements without an end tag, and those whose first newline the parser drops (written again, as the
# HTML standard's serialisation does).
VOID = frozenset(
    {
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "embed",
        "frame",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_NEWLINE_DROPPED = frozenset({"pre", "textarea", "listing"})


def _name(tag: str) -> str:
    # An element of SVG or MathML is named by its namespace too: its own name is what an editor wrote.
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def _attribute(name: str) -> str:
    # A foreign attribute (`xlink:href` in SVG) is kept by its namespace: give it its written prefix.
    if name.startswith("{"):
        uri, _, local = name.partition("}")
        return _PREFIXES.get(uri + "}", "") + local
    return name


def _tree(html: str) -> ElementTree.Element:
    """The tree a browser builds of an HTML fragment (inside a `<div>`, as a body is on the page)."""
    return _PARSER.parseFragment(html)


def _from_elsewhere(tag: str, attribute: str, address: str) -> Message:
    return tr(
        "<{tag} {attribute}> loads {address!r} from another host: the site loads nothing from another host "
        "(put the file under content/images/)",
        tag=tag,
        attribute=attribute,
        address=address,
    )


def _comment_finding(data: str) -> Finding:
    """A comment, CDATA section or processing instruction (browsers make all three a comment)."""
    if data.startswith("[CDATA["):
        return Finding(
            tr(
                "a CDATA section (<![CDATA[ … ]]>) is not allowed in the text: browsers read it as a "
                "comment that hides what follows; remove it"
            ),
            "<![",
        )
    if data == "!DOCTYPE":
        return Finding(
            tr(
                "a document type declaration (<!DOCTYPE …>) is not allowed in the text: the page has its own; remove it"
            ),
            "<!",
        )
    if data.startswith("?"):
        return Finding(
            tr(
                "a processing instruction (<? … >) is not allowed in the text: browsers read it as a comment; remove it"
            ),
            "<?",
        )
    return Finding(
        tr(
            "an HTML comment (<!-- … -->) is not allowed in the text: browsers end some comments "
            "earlier than they seem to (<!-->, --!>); keep notes outside the published text"
        ),
        "<!",
    )


def _escape_text(text: str) -> str:
    # As Python-Markdown writes text: only these three, so a Markdown body is written back unchanged.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(value: str) -> str:
    # As Python-Markdown writes attribute values (always in double quotes).
    return _escape_text(value).replace('"', "&quot;")


def serialise(fragment: ElementTree.Element) -> str:
    """An html5lib fragment written back as HTML in Python-Markdown's form ("html5" output).

    Double-quoted attributes in their order, no trailing solidus on void elements, text escaped
    as Markdown escapes it (and `"` too in a code block, as its fenced code does), so Markdown's
    own output comes back byte for byte. Comments are not written (a body with one is refused).
    Iterative: a deeply nested body must not exhaust the stack.
    """
    out: list[str] = [_escape_text(fragment.text or "")]
    # (element, closing, its parent's name, whether its tail is code-block text as its parent's text is)
    stack: list[tuple[ElementTree.Element, bool, str, bool]] = [
        (child, False, "", False) for child in reversed(fragment)
    ]
    while stack:
        element, closing, parent, tail_in_code = stack.pop()
        if closing:
            out.append(f"</{_name(element.tag)}>")
        elif element.tag is _COMMENT:
            pass
        else:
            name = _name(element.tag)
            out.append(f"<{name}")
            for attribute, value in element.attrib.items():
                out.append(f' {_attribute(attribute)}="{_escape_attribute(value)}"')
            out.append(">")
            if name not in VOID:
                text = element.text or ""
                if text.startswith("\n") and name in _NEWLINE_DROPPED:
                    out.append("\n")
                in_code = tail_in_code or (name == "code" and parent == "pre")
                out.append(_escape_attribute(text) if in_code else _escape_text(text))
                stack.append((element, True, parent, tail_in_code))
                stack.extend((child, False, name, in_code) for child in reversed(element))
                continue
        if element.tail:
            out.append(_escape_attribute(element.tail) if tail_in_code else _escape_text(element.tail))
    return "".join(out)


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of an HTML fragment as (name, attributes), in document order, as a browser builds it."""
    found = []
    for element in _tree(html).iter():
        if element.tag is not _COMMENT and element.tag != "DOCUMENT_FRAGMENT":
            found.append((_name(element.tag), {_attribute(k): v for k, v in element.attrib.items()}))
    return found


def _tokens(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every start tag and comment of an HTML fragment, as the standard's tokenizer reads them.

    For the raw HTML an editor wrote, checked as written: the tree builder drops some start tags
    (`<frameset>` in a body) that are refused all the same. A comment is given as ("", {"": data}).
    """
    found: list[tuple[str, dict[str, str]]] = []
    for token in HTMLTokenizer(html):
        kind = token["type"]
        if kind == tokenTypes["StartTag"]:
            found.append((token["name"], dict(token["data"])))
        elif kind == tokenTypes["Comment"]:
            found.append(("", {"": token["data"]}))
        elif kind == tokenTypes["Doctype"]:  # dropped by a browser inside a page: refused like a comment
            found.append(("", {"": "!DOCTYPE"}))
    return found


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
            trouble = trouble or any(_check_element(element, {attribute: value}, _ALLOWED, None, raw=False))
        return value

    written = nh3.clean(
        html,
        tags=_ALLOWED,
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


_ALLOWED = MARKDOWN_ELEMENTS | RAW_ALLOWED


MAX_DEPTH = 100
"""How deeply elements may nest in a body. Markdown's deepest lists and quotes stay far below; the
standard's tree construction looks through the open elements at each tag, so a deeper body would
cost time growing with the square of its depth (1,000 nested lists: seconds) before being refused."""
_TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")


def _too_deep(html: str) -> Finding | None:
    """A finding when elements may nest deeper than MAX_DEPTH, counted without parsing (linear).

    Start tags minus end tags, void elements aside: never less than the depth a parser builds
    (it only closes more), so a body within the limit is never refused by this count.
    """
    if html.count("<") <= MAX_DEPTH:
        return None
    depth = 0
    for match in _TAG_RE.finditer(html):
        name = match.group(2).lower()
        if name in VOID:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                return Finding(
                    tr(
                        "the text nests elements more than {depth} deep (<{name}> here): write "
                        "flatter lists, quotes and inline HTML",
                        depth=MAX_DEPTH,
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
    tree = _tree(html)
    allowed = MARKDOWN_ELEMENTS | RAW_ALLOWED
    findings: list[Finding] = []
    found_ids: list[str] = []
    for element in tree.iter():
        tag = element.tag
        if tag is _COMMENT:
            findings.append(_comment_finding(element.text or ""))
            continue
        if tag == "DOCUMENT_FRAGMENT":
            continue
        attrs = {_attribute(k): v for k, v in element.attrib.items()} if element.attrib else {}
        findings.extend(_check_element(_name(tag), attrs, allowed, None, raw=False))
        if "id" in attrs:
            found_ids.append(attrs["id"])
    written = serialise(tree)
    if written == html:
        return _Body(tuple(findings), tuple(found_ids), None)
    if not findings and serialise(_tree(written)) != written:
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


def _check_element(
    name: str,
    attrs: dict[str, str],
    allowed_elements: frozenset[str],
    allowed_attrs: dict[str, frozenset[str]] | None,
    raw: bool,
) -> Iterable[Finding]:
    name = name.lower()
    if name not in allowed_elements:
        yield Finding(
            tr(
                "<{name}> is not allowed in the text (allowed inline HTML: {allowed})",
                name=name,
                allowed=", ".join(sorted(RAW_ALLOWED)),
            ),
            f"<{name}",
        )
        return
    for attribute, value in attrs.items():
        attribute = attribute.lower()
        # BeautifulSoup splits `class` (and `rel`, `rev` …) into words; none of them is read as text below.
        text = value
        if allowed_attrs is not None:
            ok = attribute in allowed_attrs["*"] or attribute in allowed_attrs.get(name, frozenset())
        else:
            ok = attribute in ATTRIBUTES
        if attribute.startswith("on"):
            yield Finding(
                tr(
                    "<{name} {attribute}>: event handler attributes run scripts and are not allowed",
                    name=name,
                    attribute=attribute,
                ),
                attribute,
            )
        elif attribute == "style":
            if not raw and name in ("th", "td") and text.startswith("text-align"):
                yield Finding(
                    tr(
                        "a table column alignment (:--- or :---:) is not supported: the site's "
                        "security policy blocks inline styles; remove the colons"
                    ),
                    "|",
                )
            else:
                yield Finding(
                    tr("<{name} style>: style attributes are not allowed (the theme styles the text)", name=name),
                    "style",
                )
        elif not ok:
            yield Finding(
                tr(
                    "<{name} {attribute}>: the attribute {attribute!r} is not allowed: remove it",
                    name=name,
                    attribute=attribute,
                ),
                attribute,
            )
        elif attribute in URL_ATTRIBUTES:
            problem = check_url(name, attribute, text)
            if problem:
                # Written with entities or spaces the value is not in the source as parsed: its end is,
                # or else the element itself (a raw tag, or Markdown's link or image).
                yield Finding(problem, text, text[-8:], (f"<{name}", "![" if name == "img" else "](", "]:"))
        elif attribute == "dir" and text.lower() not in ("ltr", "rtl", "auto"):
            yield Finding(tr("<{name} dir>: {value!r} is not ltr, rtl or auto", name=name, value=text), "dir")


def _code_block(parsed: list[tuple[str, dict[str, str]]]) -> bool:
    # Fenced code is stashed by Markdown as HTML too: <pre><code class="language-…">, its text escaped.
    return [name for name, _ in parsed] == ["pre", "code"] and all(set(attrs) <= {"class"} for _, attrs in parsed)


def check_html(body: str, raw_fragments: Iterable[str] = ()) -> list[Finding]:
    """Every finding in a rendered body and in the raw HTML fragments Markdown passed through."""
    raw: list[Finding] = []
    for fragment in raw_fragments:
        parsed = _tokens(fragment)
        if _code_block(parsed):
            continue
        for name, attrs in parsed:
            if not name:
                raw.append(_comment_finding(attrs[""]))
            else:
                raw.extend(_check_element(name, attrs, RAW_ALLOWED, RAW_ATTRIBUTES, raw=True))
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
