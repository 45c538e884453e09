"""What HTML a Markdown body may hold: the elements, attributes and addresses allowed, and why not.

The site promises that it loads nothing from another host and runs only its own scripts.
Editors write Markdown; Markdown passes raw HTML through and lets `{: attr=value}` lists
add attributes. The rules every body is checked against (by `markup`, on the tree a browser
builds of it):

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

Each breach is a `Finding`: its message, and what helps find its line in the Markdown source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

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


def _from_elsewhere(tag: str, attribute: str, address: str) -> Message:
    return tr(
        "<{tag} {attribute}> loads {address!r} from another host: the site loads nothing from another host "
        "(put the file under content/images/)",
        tag=tag,
        attribute=attribute,
        address=address,
    )


def comment_finding(data: str) -> Finding:
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


def check_element(
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


ALLOWED = MARKDOWN_ELEMENTS | RAW_ALLOWED
"""Every element a rendered body may hold."""
