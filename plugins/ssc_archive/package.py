"""Put the captures of a built site into one WACZ package with py-wacz, reproducibly and all at once.

Steps: the captures (`captures`) are written as one WARC (`warc`), the HTML pages listed
(`pages`); `wacz create` (py-wacz, called in this process) indexes the WARC and packages it with
the page list; one small step then makes the package reproducible; `wacz validate` checks the
result; only then is it renamed to its final name.

Why the extra step: py-wacz stamps the package with the clock, in the date of every zip entry
and in datapackage.json's `created`, and copies the WARC's file mode into its zip entry. The
step rewrites the zip with the same entries, in the same order, with the same bytes and
compression, dated with the commit date and with one file mode; it sets `created` to the
commit date and recomputes `datapackage-digest.json` (the hash of datapackage.json). Nothing
else is changed: the index, the page list and the resource hashes in datapackage.json stay as
py-wacz wrote them (they hash the entries' contents, which the step does not touch).

All the work happens in a hidden folder inside the output folder (same file system, so the
final rename is atomic); whatever stops the run, nothing is left under the final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wacz.main import main as wacz_main

from . import warc
from .captures import site_captures
from .contenttypes import ContentTypes
from .pages import page_list, write_pages
from .provenance import Provenance

DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
_ZIP_MODE = 0o644 << 16
_UNIX = 3


class ArchiveError(RuntimeError):
    """The package could not be made or is not valid; nothing was written under its name."""


@dataclass(frozen=True)
class SiteDescription:
    """What the package says about the site it holds, in each language (`ko` first)."""

    url: str
    """The published address, without a trailing slash (SITEURL of publishconf.py)."""
    names: Mapping[str, str]
    """The site's name per language (SITENAME)."""
    organisers: Mapping[str, str]
    """Who organised the forum and publishes the site, per language (AUTHOR)."""

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SiteDescription:
        """Read from Pelican settings: the main language's values and those of each sub-site."""
        main = settings["DEFAULT_LANG"]
        names, organisers = {main: settings["SITENAME"]}, {main: settings["AUTHOR"]}
        for lang, overrides in settings.get("I18N_SUBSITES", {}).items():
            names[lang] = overrides.get("SITENAME", settings["SITENAME"])
            organisers[lang] = overrides.get("AUTHOR", settings["AUTHOR"])
        return cls(url=settings["SITEURL"].rstrip("/"), names=names, organisers=organisers)

    @property
    def prefix(self) -> str:
        """The package's file-name prefix: the site's path on its host (`ssc2020`)."""
        path = urlsplit(self.url).path.strip("/")
        return path.replace("/", "-") or urlsplit(self.url).hostname or "site"

    def title(self) -> str:
        """The package title: the site's names in every language."""
        return " · ".join(dict.fromkeys(self.names.values())) + " — web archive"

    def description(self, provenance: Provenance) -> str:
        """Says what the package holds, who published it and which source it was made from."""
        source = f"commit {provenance.commit}" if provenance.commit else "a source outside git"
        if provenance.modified:
            source += " with local changes"
        en_name = self.names.get("en", next(iter(self.names.values())))
        en_org = self.organisers.get("en", next(iter(self.organisers.values())))
        return (
            f"The whole published site {self.url}/ ({en_name}), every page in "
            f"{len(self.names)} languages with its assets, feeds, calendars, schedules and search index, "
            f"at its real addresses. Organisers and publishers: {en_org}. "
            f"Made from {source} of the site's source, dated {provenance.iso}."
        )


def _run_wacz(*args: str) -> tuple[int, str]:
    """Run the `wacz` command (py-wacz) in this process; its exit code and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = wacz_main(list(args))
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # py-wacz raises on an index it cannot build
            print(f"{type(exc).__name__}: {exc}")
            code = 1
    return code or 0, out.getvalue()


def create_wacz(warc_file: Path, pages: Path, dest: Path, *, site: SiteDescription, provenance: Provenance) -> None:
    """`wacz create` of one WARC with our page list; raises ArchiveError if it fails or drops a page."""
    code, log = _run_wacz(
        "create",
        str(warc_file),
        "-o",
        str(dest),
        "--pages",
        str(pages),
        "--url",
        f"{site.url}/",
        "--ts",
        provenance.timestamp,
        "--title",
        site.title(),
        "--desc",
        site.description(provenance),
    )
    # py-wacz only prints a page that matches no record; an incomplete list must not pass.
    unmatched = [line for line in log.splitlines() if line.startswith("Invalid passed page")]
    if code != 0 or unmatched or not dest.is_file():
        raise ArchiveError("wacz create failed:\n" + "\n".join(unmatched or log.splitlines()[-15:]))


def validate(path: Path) -> str:
    """`wacz validate` on `path`; raises ArchiveError with its report if the package is not valid."""
    code, log = _run_wacz("validate", "-f", str(path))
    if code != 0:
        raise ArchiveError(f"wacz validate: {path.name} is not valid:\n{log.strip()}")
    return log


def _zip_info(name: str, date: datetime, compress_type: int, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date.astimezone(UTC).timetuple()[:6])
    info.compress_type = compress_type
    info.create_system = _UNIX
    info.external_attr = _ZIP_MODE
    info.file_size = size
    return info


def make_reproducible(src: Path, dest: Path, *, date: datetime) -> None:
    """Copy the package `src` to `dest` with the clock taken out (see the module's docstring)."""
    datapackage = b""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for entry in zin.infolist():
            if entry.filename in (DATAPACKAGE, DATAPACKAGE_DIGEST):
                data = zin.read(entry)
                if entry.filename == DATAPACKAGE:
                    package = json.loads(data)
                    package["created"] = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    data = datapackage = json.dumps(package, indent=2).encode("utf-8")
                else:
                    if not datapackage:
                        raise ArchiveError(f"{src.name}: {DATAPACKAGE_DIGEST} comes before {DATAPACKAGE}")
                    digest = json.loads(data)
                    digest["hash"] = "sha256:" + _sha256(datapackage)
                    data = json.dumps(digest, indent=2).encode("utf-8")
                zout.writestr(_zip_info(entry.filename, date, entry.compress_type, len(data)), data)
                continue
            with (
                zin.open(entry) as reader,
                zout.open(_zip_info(entry.filename, date, entry.compress_type, entry.file_size), "w") as writer,
            ):
                shutil.copyfileobj(reader, writer, 1 << 20)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warcinfo_fields(site: SiteDescription, provenance: Provenance) -> dict[str, str]:
    """The fields of the WARC's warcinfo record: software, format, operator, what and from which source."""
    return {
        "software": f"ssc2020-archive with warcio {version('warcio')}",
        "format": "WARC File Format 1.0",
        "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
        "operator": " / ".join(dict.fromkeys(site.organisers.values())),
        "isPartOf": site.title(),
        "description": site.description(provenance),
        "source-commit": provenance.commit + (" (with local changes)" if provenance.modified else ""),
    }


def make_package(
    tree: Path, out_dir: Path, *, site: SiteDescription, provenance: Provenance, types: ContentTypes
) -> Path:
    """Write the WACZ of the built site `tree` into `out_dir`; return its path.

    Also writes `<name>.sha256` beside it (the `sha256sum` line to hand over with it). The
    package appears under its final name only once it is complete and valid.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    name = provenance.package_name(site.prefix)
    final = out_dir / name
    stem = name.removesuffix(".wacz")
    with tempfile.TemporaryDirectory(prefix=f".{stem}-", dir=out_dir) as tmp:
        work = Path(tmp)
        warc_file = work / f"{stem}.warc.gz"
        try:
            captures = site_captures(tree, site.url, types)
            warc.write_warc_file(warc_file, captures, date=provenance.date, info=warcinfo_fields(site, provenance))
        except ValueError as exc:
            raise ArchiveError(str(exc)) from None
        pages_file = work / "pages.jsonl"
        write_pages(pages_file, page_list(captures, provenance.iso), title=site.title())
        raw = work / "created.wacz"
        create_wacz(warc_file, pages_file, raw, site=site, provenance=provenance)
        package = work / name
        make_reproducible(raw, package, date=provenance.date)
        validate(package)
        checksum = work / f"{name}.sha256"
        with package.open("rb") as handle:  # what `sha256sum` prints
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        checksum.write_text(f"{digest}  {name}\n", encoding="utf-8")
        os.replace(package, final)
        os.replace(checksum, out_dir / checksum.name)
    return final
