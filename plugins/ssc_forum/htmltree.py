"""HTML as a browser reads it, and written back: the parse and serialisation `markup` relies on.

html5lib follows the HTML standard's tokenizer and tree construction: `tree` is the tree a browser
builds of a body, `elements` its elements in order, `tokens` the start tags and comments as
written (for raw HTML, checked as the editor wrote it). `serialise` writes a tree back in
Python-Markdown's own form, so Markdown's output comes back byte for byte.
"""

from __future__ import annotations

from xml.etree import ElementTree

import html5lib
from html5lib._tokenizer import HTMLTokenizer
from html5lib.constants import namespaces, tokenTypes

# One parser, reused: building html5lib's parser anew for every body costs more than small bodies' parse.
_PARSER = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
COMMENT = ElementTree.Comment
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


def name_of(tag: str) -> str:
    # An element of SVG or MathML is named by its namespace too: its own name is what an editor wrote.
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def attribute_name(name: str) -> str:
    # A foreign attribute (`xlink:href` in SVG) is kept by its namespace: give it its written prefix.
    if name.startswith("{"):
        uri, _, local = name.partition("}")
        return _PREFIXES.get(uri + "}", "") + local
    return name


def tree(html: str) -> ElementTree.Element:
    """The tree a browser builds of an HTML fragment (inside a `<div>`, as a body is on the page)."""
    return _PARSER.parseFragment(html)


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
            out.append(f"</{name_of(element.tag)}>")
        elif element.tag is COMMENT:
            pass
        else:
            name = name_of(element.tag)
            out.append(f"<{name}")
            for attribute, value in element.attrib.items():
                out.append(f' {attribute_name(attribute)}="{_escape_attribute(value)}"')
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
    for element in tree(html).iter():
        if element.tag is not COMMENT and element.tag != "DOCUMENT_FRAGMENT":
            found.append((name_of(element.tag), {attribute_name(k): v for k, v in element.attrib.items()}))
    return found


def tokens(html: str) -> list[tuple[str, dict[str, str]]]:
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
