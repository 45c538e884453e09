"""How much one content file may hold: limits no editor reaches, declared once, checked before parsing.

The Markdown and TOML parsers the build relies on do more than linear work on some inputs
(Python-Markdown's inline patterns rescan a paragraph for every unclosed `[`; both parsers recurse
once per level of nesting), so a hostile or broken file could hold a build for minutes or end it
with a RecursionError naming no line. Every file is measured first, in one pass over its text,
and refused with its line when it goes past a limit:

- its size (`MAX_FILE_BYTES`), before the bytes are even decoded;
- the length of each line (`MAX_LINE_CHARS`);
- in Markdown, how deep lists and quotes are nested on a line (`MAX_NESTING`): each four columns
  of indentation and each quote or list marker at the start of the line is one level;
- in Markdown, how much its inline patterns would read (`scan_cost`, within `SCAN_PER_CHAR`
  characters per character of the file): Python-Markdown reads from each `[` to its `]`, from each
  `](` to its `)` and from each `<` to the next `>`, to the end of the paragraph when there is none,
  once for each of its patterns (a paragraph of 100 unclosed `[` and 250 KB took 25 s), and it
  copies the whole paragraph again for every inline element it finds (240 KB of `&amp;` in one
  paragraph took 23 s, of code spans 17 s);
- in Markdown, how many footnotes (`MAX_FOOTNOTES`) and abbreviations (`MAX_ABBREVIATIONS`) a
  file has;
- in the programme file, how deep arrays and inline tables are nested (`MAX_TOML_NESTING`);
- in a rendered body, how deep its elements nest (`MAX_ELEMENT_DEPTH`), counted by `markup` before
  the HTML is parsed;
- and the years a date may name (`EARLIEST_YEAR`, `LATEST_YEAR`), checked where dates are read.

The real archive's largest file is under 3 KB, its longest line about 500 characters, and its
lists one level deep.
"""

from __future__ import annotations

import re

from .messages import Message, tr

MAX_FILE_BYTES = 256 * 1024
"""Bytes per content file (Markdown or the programme)."""

MAX_LINE_CHARS = 4_000
"""Characters per line: a long paragraph of Korean text is about 1,000."""

MAX_NESTING = 16
"""Levels of lists and quotes in Markdown (each four columns of indentation counts as one)."""

MAX_TOML_NESTING = 8
"""Levels of arrays and inline tables in the programme file (its values need two)."""

MAX_ELEMENT_DEPTH = 100
"""How deeply elements may nest in a rendered body. Markdown's deepest lists and quotes stay far below;
the standard's tree construction looks through the open elements at each tag, so a deeper body would
cost time growing with the square of its depth (1,000 nested lists: seconds) before being refused."""

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""Years a date may name: the calendars count days and zone offsets around each date, and the
first and last years the `datetime` module knows leave no room for either."""

SCAN_PER_CHAR = 8
SCAN_ALLOWANCE = 16_384
"""How much Python-Markdown may have to read in one file, in characters: `SCAN_PER_CHAR` per
character of the file, plus `SCAN_ALLOWANCE` (see `scan_cost`)."""

COPIES_PER_READ = 500
"""Characters copied (in C) that cost as much as one character read ahead (in Python), as measured:
a paragraph copied for each inline element counts 1/500 of its length per element."""

INLINE_MARKS = "&`*_[<\\!"
"""Characters that can start an inline element (entity, code span, emphasis, link, tag, escape, image)."""

MAX_FOOTNOTES = 200
"""Footnote references and definitions (`[^1]`) in one Markdown file: Python-Markdown's work grows with
the square of their number (8,000 references to one footnote, 56 KB, took 160 s)."""

MAX_ABBREVIATIONS = 200
"""Abbreviation definitions (`*[HTML]: …`) in one Markdown file (8,000 of them, 64 KB, took 33 s)."""

TAB_COLUMNS = 4  # as Python-Markdown's tab_length

# The containers that open at the start of a Markdown line: a quote marker, or a list marker
# followed by a space. A thematic break (`- - -`, `* * *`) is markers only and opens nothing.
_CONTAINER_RE = re.compile(r"(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))")
_THEMATIC_BREAK_RE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")


def size_problem(size: int) -> Message | None:
    """What is wrong with a file of `size` bytes, or None."""
    if size > MAX_FILE_BYTES:
        return tr(
            "is {size:,} bytes long; a content file may have at most {limit:,} (split the text into several pages)",
            size=size,
            limit=MAX_FILE_BYTES,
        )
    return None


def _long_line(length: int) -> Message:
    return tr(
        "this line is {length:,} characters long; a line may have at most {limit:,} (break it into paragraphs)",
        length=length,
        limit=MAX_LINE_CHARS,
    )


# A line that starts with none of these opens and continues nothing: most lines of prose.
_LINE_STARTS = frozenset(" \t>-*+0123456789")


def _nesting(line: str) -> int:
    """How many lists and quotes a Markdown line opens or continues, counted at its start.

    Each marker is one level, and so is each four columns of indentation before it (the space
    that ends a marker belongs to the marker).
    """
    if not line or line[0] not in _LINE_STARTS or _THEMATIC_BREAK_RE.fullmatch(line):
        return 0
    depth = pos = 0
    while True:
        columns = 0
        while pos < len(line) and line[pos] in " \t":
            columns = columns + TAB_COLUMNS - columns % TAB_COLUMNS if line[pos] == "\t" else columns + 1
            pos += 1
        depth += columns // TAB_COLUMNS
        marker = _CONTAINER_RE.match(line, pos)
        if not marker:
            return depth
        depth += 1
        pos = marker.end()
        if pos < len(line) and line[pos] == " ":
            pos += 1


_SYNTAX_RE = re.compile(r"\\.|[\[\]()<>]", re.DOTALL)


def scan_cost(paragraph: str) -> int:
    """How many characters Python-Markdown's inline patterns read in one paragraph, found in one pass.

    From each `[` to its closing `]` (or the paragraph's end), from each `(` right after a `]` to its
    closing `)`, from each `<` to the next `>`; a backslash escapes the next character. And for every
    mark that may start an inline element, the paragraph's length / `COPIES_PER_READ` (the copy made
    when one is found). Marks in code spans are counted too: the estimate errs on the side of more.
    """
    cost = 0
    end = len(paragraph)
    squares: list[int] = []
    parens: list[tuple[int, bool]] = []
    angles: list[int] = []
    for match in _SYNTAX_RE.finditer(paragraph):
        c, at = match.group(), match.start()
        if c == "[":
            squares.append(at)
        elif c == "]":
            if squares:
                cost += at - squares.pop()
        elif c == "(":
            parens.append((at, at > 0 and paragraph[at - 1] == "]"))
        elif c == ")":
            if parens:
                start, link = parens.pop()
                cost += at - start if link else 0
        elif c == "<":
            angles.append(at)
        elif c == ">":
            cost += sum(at - start for start in angles)
            angles.clear()
    cost += sum(end - start for start in squares)
    cost += sum(end - start for start, link in parens if link)
    cost += sum(end - start for start in angles)
    # Each inline element found copies the paragraph again: counted at every mark that may start one.
    marks = sum(paragraph.count(mark) for mark in INLINE_MARKS)
    return cost + marks * end // COPIES_PER_READ


def _scan_problem(lines: list[str]) -> tuple[int, Message] | None:
    """The paragraph (lines between blank lines) that costs most, if the file's read-ahead is past the limit."""
    budget = SCAN_PER_CHAR * sum(len(line) + 1 for line in lines) + SCAN_ALLOWANCE
    # What no file can exceed, counted without finding its paragraphs: each opening bracket reads
    # at most to the end of the file, and each mark costs a copy of the whole file. Almost every
    # file is far below its budget by this count, and is spared the walk through its paragraphs.
    text = "\n".join(lines)
    size = len(text)
    openings = sum(text.count(c) for c in "[(<")
    if openings * size + sum(text.count(mark) for mark in INLINE_MARKS) * size // COPIES_PER_READ <= budget:
        return None
    total = 0
    worst = (0, 0)  # (cost, first line)
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            first = first or number
            continue
        if first:
            cost = scan_cost("\n".join(lines[first - 1 : number - 1]))
            total += cost
            worst = max(worst, (cost, first))
            first = 0
    if total <= budget:
        return None
    return worst[1], tr(
        "this paragraph holds so much inline markup (unclosed or nested '[', '(' after ']' and "
        "'<', or thousands of marks such as & ` * _) that reading the file would take too long: "
        "close each bracket, write \\[ or &lt; for one meant as text, or split the paragraph"
    )


_FOOTNOTE_RE = re.compile(r"\[\^")
_ABBREVIATION_RE = re.compile(r"[ ]{0,3}\*\[")


def markdown_problems(text: str) -> list[tuple[int, Message]]:
    """(line, message) for each line of a Markdown text past a limit, at most one per line.

    `text` has LF line ends. One pass over the text; nothing is parsed.
    """
    found: list[tuple[int, Message]] = []
    footnotes = abbreviations = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            found.append((number, _long_line(len(line))))
            continue
        before = footnotes
        footnotes += len(_FOOTNOTE_RE.findall(line))
        if before <= MAX_FOOTNOTES < footnotes:
            found.append(
                (
                    number,
                    tr(
                        "this line brings the file's footnotes ([^…]) past {limit}: split the page", limit=MAX_FOOTNOTES
                    ),
                )
            )
        if _ABBREVIATION_RE.match(line):
            abbreviations += 1
            if abbreviations == MAX_ABBREVIATIONS + 1:
                found.append(
                    (
                        number,
                        tr(
                            "this line brings the file's abbreviations (*[…]: …) past {limit}: split the page",
                            limit=MAX_ABBREVIATIONS,
                        ),
                    )
                )
        depth = _nesting(line)
        if depth > MAX_NESTING:
            found.append(
                (
                    number,
                    tr(
                        "lists and quotes are nested {depth} deep on this line; at most {limit} levels are allowed",
                        depth=depth,
                        limit=MAX_NESTING,
                    ),
                )
            )
    if not found:
        scan = _scan_problem(text.split("\n"))
        if scan:
            found.append(scan)
    return found


def toml_problems(text: str) -> list[tuple[int, Message]]:
    """(line, message) for each line of a TOML text past a limit, at most one per line.

    Arrays and inline tables are counted by their brackets outside strings and comments, in
    one pass; a table header (`[[days]]`) is a line of its own and counted the same way.
    """
    found: list[tuple[int, Message]] = []
    reported: set[int] = set()
    for number, row in enumerate(text.split("\n"), start=1):
        if len(row) > MAX_LINE_CHARS:
            found.append((number, _long_line(len(row))))
            reported.add(number)
    depth = 0
    line = 1
    pos = 0
    quote = ""  # the delimiter of the string being read: ", ', \"\"\" or '''
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == "\n":
            line += 1
        if quote:
            if c == "\\" and quote[0] == '"':
                if pos + 1 < n and text[pos + 1] == "\n":
                    line += 1
                pos += 2
                continue
            if text.startswith(quote, pos):
                pos += len(quote)
                quote = ""
                continue
            if c == "\n" and len(quote) == 1:
                quote = ""  # an unclosed one-line string: the parser says so, with its line
            pos += 1
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, pos) else c
            pos += len(quote)
            continue
        if c == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
            continue
        if c in "[{":
            depth += 1
            if depth > MAX_TOML_NESTING and line not in reported:
                found.append(
                    (
                        line,
                        tr(
                            "arrays and tables are nested more than {limit} deep here: write them flatter",
                            limit=MAX_TOML_NESTING,
                        ),
                    )
                )
                reported.add(line)
        elif c in "]}":
            depth = max(0, depth - 1)
        pos += 1
    found.sort()
    return found
