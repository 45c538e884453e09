"""The Content-Type the web server sends for a file, read from the shipped nginx configuration.

The archive must record what a reader of the live site received, so it reads the server's
own type map (`types { }`, `default_type`, `charset`, `charset_types` in
deploy/nginx.conf.template) instead of keeping a second list that could drift from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_COMMENT = re.compile(r"#[^\n]*")
_TYPES = re.compile(r"\btypes\s*\{([^}]*)\}")
_DIRECTIVE = r"^\s*{name}\s+([^;]+);"

# nginx adds the charset to text/html whatever charset_types says.
_ALWAYS_CHARSET = "text/html"


class ConfigError(ValueError):
    """The nginx configuration does not say what the archive needs to know."""


@dataclass(frozen=True)
class ContentTypes:
    """nginx's answer to "which Content-Type for this file?"."""

    by_extension: dict[str, str]
    default: str
    charset: str
    charset_types: frozenset[str]

    def for_name(self, name: str) -> str:
        """The full Content-Type header nginx sends for a file called `name` (charset included).

        nginx looks at the text after the last dot only (`news.atom.xml` is `xml`), in lower case.
        """
        stem, dot, ext = name.rpartition(".")
        media = self.by_extension.get(ext.lower(), self.default) if dot and stem else self.default
        if self.charset and (media in self.charset_types or media == _ALWAYS_CHARSET):
            return f"{media}; charset={self.charset}"
        return media


def _directive(text: str, name: str) -> str:
    match = re.search(_DIRECTIVE.format(name=re.escape(name)), text, re.M)
    return match.group(1).strip() if match else ""


def parse(config: str) -> ContentTypes:
    """The type map of an nginx configuration's text (the first `types { }` block).

    Raises ConfigError when there is no `types` block or no `default_type`: guessing a type
    would record something the server never sent.
    """
    text = _COMMENT.sub("", config)
    block = _TYPES.search(text)
    default = _directive(text, "default_type")
    if not block or not default:
        raise ConfigError("the nginx configuration has no `types { }` block or no `default_type`")
    by_extension: dict[str, str] = {}
    for entry in block.group(1).split(";"):
        words = entry.split()
        if len(words) >= 2:
            for ext in words[1:]:
                by_extension[ext.lower()] = words[0]
    charset = _directive(text, "charset")
    charset = "" if charset == "off" else charset
    return ContentTypes(by_extension, default, charset, frozenset(_directive(text, "charset_types").split()))


def load(template: Path) -> ContentTypes:
    """The type map of the nginx configuration file `template`."""
    return parse(template.read_text(encoding="utf-8"))
