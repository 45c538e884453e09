"""Editors' mistakes as the whole plugin reports them: `Problem` (one line each) and `ContentError`.

A leaf: every layer that finds a mistake (reading, checking, writing, the edit loop) imports it,
and it imports nothing of the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .messages import Message, render, tr


@dataclass(frozen=True)
class Problem:
    """One mistake in one content file, for one field (or the whole file), at a line when known.

    `str()` gives the line editors and CI annotations read, in the editor's language:
    `content/sessions/keynote.ko.md:5: 항목 'day': …` (without `:5` when no line is known).
    The message is a `Message` (`tr(...)`), put into words when printed; a plain string is
    printed as it is (a parser's own words, quoted).
    """

    path: str
    field: str | None
    message: str | Message
    line: int | None = None  # 1-based line in the file

    def text(self, lang: str | None = None) -> str:
        """The message alone, in `lang` (default: the current language), long quoted values cut."""
        # The one place messages are cut: a value quoted from a 200 KB line must not fill the terminal.
        return printable(shorten_quoted(render(self.message, lang)))

    def field_label(self, lang: str | None = None) -> str:
        """`field 'day'` / `항목 'day'`, or "" for a problem of the whole file."""
        return render(tr("field '{name}'", name=self.field), lang) if self.field else ""

    def line_text(self, lang: str | None = None) -> str:
        """The whole line: `file:line: field 'name': message` in `lang`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.field:
            where += f": {self.field_label(lang)}"
        # One line per problem, whatever a file name or a quoted value holds (a newline, an escape).
        return printable(f"{where}: {self.text(lang)}")

    def __str__(self) -> str:
        return self.line_text()


QUOTED_MAX = 100  # characters of a quoted value a message shows in full
MESSAGE_MAX = 1000  # characters of a whole message, whatever it quotes
_QUOTED_RE = re.compile(rf"'[^'\n]{{{QUOTED_MAX + 1},}}'|\"[^\"\n]{{{QUOTED_MAX + 1},}}\"")


def shorten_quoted(message: str) -> str:
    """A message with every long quoted value cut to its start and end, and the whole kept short."""

    def cut(match: re.Match[str]) -> str:
        quote, inner = match.group()[0], match.group()[1:-1]
        return f"{quote}{inner[:60]}…{inner[-20:]}{quote} ({len(inner):,} characters)"

    if len(message) > QUOTED_MAX:
        message = _QUOTED_RE.sub(cut, message)
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def printable(text: str, keep: str = "") -> str:
    """`text` with every character that does not print written as its Python escape (`\\x1b`, `\\u202e`, `\\n`).

    A terminal or a browser would act on an escape sequence or a direction override from a file
    name or a quoted value; escaped, a problem stays one line and shows what the file holds.
    `keep`: characters left as they are (the CI annotations keep CR and LF, which they encode).
    """
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


class ContentError(SystemExit):
    """The content has mistakes; the build must stop before writing anything.

    A SystemExit, not an Exception: Pelican's command line logs every Exception with its
    traceback, which tells an editor nothing. Uncaught, this prints only the problem lines
    and exits with status 1; callers that build in-process catch it by name.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        """The header line and one indented line per problem, in `lang` (default: the current language)."""
        lines = "\n".join(f"  {p.line_text(lang)}" for p in self.problems)
        header = render(
            tr("ERROR: {count} problem(s) in the content; nothing was written:", count=len(self.problems)), lang
        )
        return f"{header}\n{lines}"

    def __str__(self) -> str:
        return self.render()
