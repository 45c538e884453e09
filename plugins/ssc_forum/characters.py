"""Which characters content may contain, and the one normal form it is kept in.

Editors paste text from word processors, PDFs and chat programs, which carry invisible
characters along. Those that have no place in a page are refused, naming the file and the
field or line, instead of reaching the HTML, the calendars and the XML exports (where lxml
refuses them with a traceback naming no file):

- C0 control characters except tab, line feed and carriage return (U+0000-U+001F), DEL
  (U+007F) and the C1 controls (U+0080-U+009F);
- the Unicode line and paragraph separators (U+2028, U+2029), which end a line in
  JavaScript and JSON readers but not in Markdown;
- the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
  which can make text read differently from what it says; the plain marks U+200E and
  U+200F stay allowed;
- a byte-order mark anywhere but at the very start of a file (U+FEFF), and the
  non-characters U+FFFE and U+FFFF.

All text is normalised to NFC: Korean typed on some systems arrives decomposed (NFD) into
jamo, which looks the same but does not match in search or in comparisons.
"""

from __future__ import annotations

import re
import unicodedata

from .messages import Message, tr

FORBIDDEN_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)

# Characters that show as nothing, refused in fields (names, titles, slugs …), where nothing invisible
# has a use: the Hangul fillers (letters by their category, blank on screen, a known way to forge an
# empty-looking name), zero-width and invisible operators, the interlinear annotation marks, the
# Mongolian vowel separator and the tag characters. Running text keeps them: tag characters
# spell emoji flags there, and the body's HTML is checked on its own.
INVISIBLE_RE = re.compile(
    "[\u115f\u1160\u3164\uffa0\u180e\u200b\u2060-\u2064\u206a-\u206f\ufff9-\ufffb\U000e0000-\U000e007f]"
)

_NAMES = {
    "\x00": "NUL",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "escape",
    "\x7f": "delete",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\ufeff": "byte-order mark",
}


def describe(char: str) -> str:
    """A character as an editor can find it again: its code point and a name."""
    name = _NAMES.get(char) or unicodedata.name(char, "").lower()
    if not name:
        name = "control character"
    return f"U+{ord(char):04X} ({name})"


def forbidden(text: str) -> Message | None:
    """A message naming the first forbidden character in `text`, or None when there is none."""
    match = FORBIDDEN_RE.search(text)
    if not match:
        return None
    return tr(
        "contains the invisible character {char}, which a page cannot show: delete it", char=describe(match.group())
    )


def invisible(text: str) -> Message | None:
    """A message naming the first character of `text` that a field may not hold, or None.

    The forbidden ones (`forbidden`), then those that show as nothing (`INVISIBLE_RE`) and any
    other format character (Unicode category Cf) but the direction marks U+200E and U+200F and
    the zero-width joiners of emoji and scripts (U+200C, U+200D).
    """
    bad = forbidden(text)
    if bad:
        return bad
    match = INVISIBLE_RE.search(text)
    if match is None:
        match = next((m for m in _FORMAT_RE.finditer(text) if m.group() not in "\u200c\u200d\u200e\u200f"), None)
    if match is None:
        return None
    return tr(
        "contains the invisible character {char}, which shows as nothing: delete it", char=describe(match.group())
    )


_FORMAT_RE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u200b-\u200f\u202a-\u202e"
    "\u180e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def nfc(text: str) -> str:
    """`text` in Unicode normal form C (composed), the form search and comparisons rely on."""
    return unicodedata.normalize("NFC", text)


def newlines(text: str) -> str:
    """Line ends as Python's universal newlines read them: CR LF and a lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A numeric character reference, with or without its semicolon (browsers read both).
_CHARREF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def forbidden_reference(text: str) -> Message | None:
    """A message naming the first character reference in `text` to a forbidden character, or None.

    `&#27;` or `&#xFFFF;` in Markdown reach the page as they are, and become the character itself
    where they are read: the schedule exports' parser decoded them and the XML writer stopped the
    build. An editor means none of them (`&#150;` for a dash is a Windows code page's number, read
    differently by browsers and by XML tools): each is refused as the character would be.
    """
    for match in _CHARREF_RE.finditer(text):
        digits = (match.group(1) or match.group(2)).lstrip("0") or "0"
        if len(digits) > 8:  # past the last code point: read as the replacement character
            continue
        number = int(digits, 16 if match.group(1) else 10)
        if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
            continue
        char = chr(number)
        if FORBIDDEN_RE.match(char):
            return tr(
                "contains {reference!r}, a reference to the invisible character {char}, which a page "
                "cannot show: delete it",
                reference=match.group(),
                char=describe(char),
            )
    return None
