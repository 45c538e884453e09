"""A quick check of a built tree before it is published.

It answers "is this tree safe to serve?", not "is this HTML valid" (the browser tests run
the Nu checker): every page decodes, has a doctype, a language, a title, balanced elements and
unique ids; every link, script, style sheet, image and CSS `url()` inside the site leads to a
file, and every `#fragment` to an element; feeds, sitemaps and schedule files parse; every
`.gz` holds exactly its original. A sub-path build also proves that no link escapes the
sub-path (a `/theme/...` that forgot the prefix). And it holds nothing but regular files and
folders, none of them hidden: a symbolic link, a device or a `.env` is refused before it can
be served.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ssc_forum.messages import tr

# Where the line between the staff's language and English runs: what a file under content/ can
# cause (a link that leads nowhere, a hidden or linked static file) is said in the editor's
# language; what only the theme or the build can get wrong (page structure, feeds, calendars,
# .gz copies) stays in English, for the developer who fixes it.

_PLACEHOLDER_ORIGIN = "http://site.invalid"
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
# Elements whose end tag HTML lets a writer leave out; not reported as unclosed.
_OPTIONAL_END = frozenset(
    [
        "html",
        "head",
        "body",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "option",
        "optgroup",
        "rt",
        "rp",
        "caption",
    ]
)
# Attributes that hold an address, on whatever element they appear.
_URL_ATTRS = ("href", "src", "action", "poster", "data", "cite")
_SRCSET_ATTRS = ("srcset", "imagesrcset")
# A fragment that needs no target: "#top" goes to the top of any page (HTML standard).
_NO_TARGET_NEEDED = frozenset({"top"})
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class _PageParser(HTMLParser):
    """Collects what the check needs from one page in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "title":
            self._in_title = True
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "name" in a:
            self.ids.append(a["name"])
        self.links.extend(a[attr].strip() for attr in _URL_ATTRS if a.get(attr, "").strip())
        for attr in _SRCSET_ATTRS:
            self.links.extend(part.strip().split()[0] for part in a.get(attr, "").split(",") if part.strip())
        content = a.get("content", "").strip()
        if tag == "meta" and content.startswith(("/", "http://", "https://")):
            self.links.append(content)  # og:url, og:image, twitter:image and the like
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID:
            return
        if tag not in self.stack:
            self.problems.append(f"stray </{tag}>")
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag == tag:
                break
            if open_tag not in _OPTIONAL_END:
                self.problems.append(f"<{open_tag}> closed by </{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


class TreeChecker:
    """Checks one built tree served at `site_url` (the build's SITEURL: "", "/sub" or absolute)."""

    def __init__(self, root: Path, site_url: str) -> None:
        self.root = root
        base = site_url.rstrip("/")
        full = base if urlsplit(base).scheme else _PLACEHOLDER_ORIGIN + base
        parts = urlsplit(full)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.problems: list[str] = []
        self._ids: dict[Path, set[str]] = {}
        self._pending: list[tuple[str, Path, str]] = []  # (where, target file, fragment)

    def url_of(self, path: Path) -> str:
        """The absolute address of a file of the tree (with the placeholder origin for relative builds)."""
        rel = path.relative_to(self.root).as_posix()
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return f"{self.origin}{self.prefix}/{rel}"

    def target_of(self, url: str) -> Path | None | str:
        """The file an absolute address inside the site names; None if outside; a message if it escapes."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = unquote(parts.path)
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            if self.origin == _PLACEHOLDER_ORIGIN:
                return str(tr("leaves the site's path {path}", path=self.prefix or "/"))
            return None  # another part of the same host: not ours to check
        rel = path[len(self.prefix) :].lstrip("/")
        target = self.root / rel
        if not rel or rel.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target

    def check_link(self, where: str, base_url: str, link: str, *, same_page: Path | None = None) -> None:
        """Check one link written in `where` (a page or a style sheet at `base_url`)."""
        if not link or link.lower().startswith(_SKIP_SCHEMES):
            return
        if link.startswith("#"):
            if same_page is not None and len(link) > 1:
                self._pending.append((where, same_page, unquote(link[1:])))
            return
        url = urljoin(base_url, link)
        target = self.target_of(url)
        if target is None:
            return
        if isinstance(target, str):
            self.problems.append(f"{where}: link {link!r} {target}")
            return
        if not target.is_file():
            self.problems.append(
                str(
                    tr(
                        "{where}: link {link!r} leads to nothing (no {path})",
                        where=where,
                        link=link,
                        path=target.relative_to(self.root),
                    )
                )
            )
            return
        fragment = urlsplit(url).fragment
        if fragment and target.suffix == ".html":
            self._pending.append((where, target, unquote(fragment)))

    def check_page(self, path: Path) -> None:
        """Check one HTML file."""
        where = path.relative_to(self.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(f"{where}: not UTF-8 ({exc})")
            return
        if not text.lstrip().lower().startswith("<!doctype html>"):
            self.problems.append(f"{where}: does not start with <!DOCTYPE html>")
        parser = _PageParser()
        parser.feed(text)
        parser.close()
        unclosed = [t for t in parser.stack if t not in _OPTIONAL_END]
        if unclosed:
            parser.problems.append(f"unclosed <{'>, <'.join(unclosed)}>")
        self.problems.extend(f"{where}: {p}" for p in parser.problems)
        if not parser.lang:
            self.problems.append(f"{where}: <html> has no lang")
        if not parser.title.strip():
            self.problems.append(f"{where}: no <title>")
        seen: set[str] = set()
        for ident in parser.ids:
            if ident in seen:
                self.problems.append(f"{where}: id {ident!r} used twice")
            seen.add(ident)
        self._ids[path] = seen
        base = self.url_of(path)
        for link in parser.links:
            self.check_link(where, base, link, same_page=path)

    def check_css(self, path: Path) -> None:
        """Check the `url()` references of a style sheet."""
        where = path.relative_to(self.root).as_posix()
        base = self.url_of(path)
        for match in _CSS_URL.finditer(path.read_text(encoding="utf-8")):
            self.check_link(where, base, match.group(2).strip())

    def check_data(self, path: Path) -> None:
        """Check that feeds, sitemaps, JSON and calendars parse, and `.gz` files hold their original."""
        where = path.relative_to(self.root).as_posix()
        try:
            if path.suffix == ".xml":
                ET.parse(path)
            elif path.suffix in (".json", ".webmanifest"):
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".ics":
                text = path.read_text(encoding="utf-8").strip()
                if not (text.startswith("BEGIN:VCALENDAR") and text.endswith("END:VCALENDAR")):
                    self.problems.append(f"{where}: not a VCALENDAR")
            elif path.suffix == ".gz":
                original = path.with_suffix("")
                if original.is_file() and gzip.decompress(path.read_bytes()) != original.read_bytes():
                    self.problems.append(f"{where}: does not hold {original.name}")
        except (ET.ParseError, ValueError, OSError, EOFError) as exc:
            self.problems.append(f"{where}: does not parse ({exc})")

    def run(self) -> list[str]:
        """Check the whole tree; return the problems, one line each, empty when it is fine."""
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            if path.suffix == ".html":
                self.check_page(path)
            elif path.suffix == ".css":
                self.check_css(path)
            else:
                self.check_data(path)
        for where, target, fragment in self._pending:
            ids = self._ids.get(target)
            if ids is not None and fragment not in ids and fragment not in _NO_TARGET_NEEDED:
                rel = target.relative_to(self.root).as_posix()
                self.problems.append(
                    str(
                        tr(
                            "{where}: link to #{fragment} in {path}, which has no such id",
                            where=where,
                            fragment=fragment,
                            path=rel,
                        )
                    )
                )
        return self.problems


MANIFEST = ".manifest.sha256"
"""The one hidden file a published tree may hold, at its top (written by `deploy.write_manifest`)."""


def unsafe_entries(root: Path) -> list[str]:
    """Symbolic links, devices, sockets, pipes and hidden names under `root`, one line each.

    Links are not followed: a link is a problem wherever it points, since the web server would
    follow it out of the tree (to /proc/self/environ, a home folder, ...).
    """
    problems = []
    for folder, dirs, names in os.walk(root):
        for name in sorted([*dirs, *names]):
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.append(
                    str(
                        tr(
                            "{path}: a symbolic link (to {target}); a published site holds only files",
                            path=rel,
                            target=os.readlink(path),
                        )
                    )
                )
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.append(str(tr("{path}: not a regular file (a device, socket or pipe)", path=rel)))
            elif name.startswith(".") and rel != MANIFEST:
                problems.append(str(tr("{path}: a hidden file or folder; a published site holds none", path=rel)))
        dirs[:] = sorted(d for d in dirs if not Path(folder, d).is_symlink())
    return problems


def check_tree(root: Path, site_url: str) -> list[str]:
    """Problems found in the built tree at `root` for SITEURL `site_url`; empty when it is fine."""
    if not (root / "index.html").is_file():
        return [str(tr("{path}: no index.html: not a built site", path=root))]
    unsafe = unsafe_entries(root)
    if unsafe:
        return unsafe  # the other checks would read through the links
    return TreeChecker(root, site_url).run()
