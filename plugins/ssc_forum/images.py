"""Speakers' photos and city cases' images: checked with the content, built into responsive images.

An editor names a file under `content/images/` (`Photo: images/people/jane-doe.jpg`, the same in
both languages) and describes it in each language (`Photo_alt: …`). Before anything is written the
file must pass `imagefiles`' check (it exists, is a plain file, opens as an image, within its
pixels); a photo without its text alternative is a mistake too. Every such problem names the file
and field.

At build time each source becomes a few widths (`Recipe`) in AVIF (when this Pillow can write it),
WebP and a JPEG fallback (PNG when the source has transparency). Derived files are named from the
source's hash, so a changed photo gets new addresses and an unchanged one keeps them; their bytes
depend only on the source and this module: no metadata, no timestamp, EXIF dropped after its
orientation is applied. Work is kept by source hash within one process, so the two languages and
repeated builds (livereload, tests) encode each photo once. Only the main site writes the files,
into `images/derived/` of the site root, after its content has passed every check.

Every other image under `content/images/` is published as a clean copy (`staticimages`); the check
here refuses one that cannot be.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from . import imagefiles, schema
from .imagefiles import Inspected
from .messages import Message, tr
from .problems import ContentError, Problem

OUTPUT_DIR = "images/derived"
"""Where derived files go, relative to the site root (shared by both languages)."""

_VERSION = "1"  # part of every derived name: change it when the encoding below changes

_MIME = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class Recipe:
    """How one kind of image is derived: its widths and whether it is cropped square."""

    name: str
    widths: tuple[int, ...]
    square: bool
    fallback_width: int  # the width of the plain <img src>, for browsers without srcset


PORTRAIT = Recipe("portrait", (160, 320, 640), square=True, fallback_width=320)
PORTRAIT_MIN = 640
"""The shorter side a portrait must have at least (the guides say so): its largest rendition, never enlarged."""
CASE = Recipe("case", (480, 960), square=False, fallback_width=960)

IMAGE_FIELDS: dict[str, tuple[str, str, Recipe]] = {
    schema.SPEAKER.name: ("photo", "photo_alt", PORTRAIT),
    schema.CITY_CASE.name: ("image", "image_alt", CASE),
}
"""Per content type: the image field, its text-alternative field and how the image is derived."""


@dataclass(frozen=True)
class Rendition:
    """One derived file: its address relative to the site root and its size in pixels."""

    path: str
    width: int
    height: int


@dataclass(frozen=True)
class SourceSet:
    """The renditions of one file type, smallest first: one `<source>` (or the `<img>`) element."""

    type: str  # MIME type
    files: tuple[Rendition, ...]


@dataclass(frozen=True)
class Picture:
    """A photo or image as pages show it: next-generation sources, a fallback, its size and alt text."""

    alt: str
    sources: tuple[SourceSet, ...]  # best first (AVIF, WebP), for <source> elements
    fallback: SourceSet  # JPEG or PNG, the <img>'s srcset
    src: str  # the <img>'s own src, relative to the site root
    width: int  # of `src`: the box the browser reserves before the image loads
    height: int
    source: str  # the content file it is derived from, e.g. images/people/jane-doe.jpg
    digest: str  # sha256 of the source's bytes
    recipe: Recipe


# Kept between builds of one process, by source hash and recipe.
_DERIVED: dict[tuple[str, str], dict[str, bytes]] = {}


def _formats() -> tuple[str, ...]:
    return ("avif", "webp") if imagefiles.avif_supported() else ("webp",)


class CheckedRecord(Protocol):
    """What `check` reads of a content record (`records.Record`)."""

    ctype: schema.ContentType
    path: str
    values: dict[str, Any]
    failed: frozenset[str]
    lines: dict[str, int]


class ShowsPictures(Protocol):
    """What this module reads of a language's programme (`model.Programme`): its speakers and cases."""

    @property
    def speakers(self) -> Sequence[Any]: ...  # each with a `photo`: Picture | None

    @property
    def cases(self) -> Sequence[Any]: ...  # each with an `image`: Picture | None


def check(records: Sequence[CheckedRecord], content_path: Path) -> list[Problem]:
    """Every problem with the image fields of these records: missing text alternatives and bad files."""
    problems: list[Problem] = []
    for rec in records:
        names = IMAGE_FIELDS.get(rec.ctype.name)
        if not names:
            continue
        field, alt_field, recipe = names
        value = rec.values.get(field)
        if field in rec.failed:
            continue  # its form is wrong: reported already
        if value is None:
            if alt_field in rec.values:
                problems.append(
                    Problem(
                        rec.path,
                        alt_field,
                        tr("is given but {field} is not: remove it or add the image", field=field.capitalize()),
                        rec.lines.get(alt_field),
                    )
                )
            continue
        alt = rec.values.get(alt_field)
        if alt is None and alt_field not in rec.failed:
            problems.append(
                Problem(
                    rec.path,
                    alt_field,
                    tr(
                        "is required with {field} ({value}): describe the image in this language "
                        "for people who cannot see it",
                        field=field.capitalize(),
                        value=value,
                    ),
                    rec.lines.get(field),
                )
            )
        elif alt is not None and alt.lower().endswith(schema.IMAGE_SUFFIXES):
            # A file name read aloud tells a screen-reader user nothing about the person.
            problems.append(
                Problem(
                    rec.path,
                    alt_field,
                    tr("{alt!r} is a file name: describe what the image shows, in this language", alt=alt),
                    rec.lines.get(alt_field),
                )
            )
        found = imagefiles.inspect(content_path / value)
        if not isinstance(found, Inspected):
            problems.append(
                Problem(rec.path, field, tr("{value}: {problem}", value=value, problem=found), rec.lines.get(field))
            )
        elif recipe is PORTRAIT and min(found.width, found.height) < PORTRAIT_MIN:
            problems.append(
                Problem(
                    rec.path,
                    field,
                    tr(
                        "{value}: the portrait is {width}×{height} pixels; its shorter side must be at least {minimum} "
                        "pixels: use a larger photo",
                        value=value,
                        width=found.width,
                        height=found.height,
                        minimum=PORTRAIT_MIN,
                    ),
                    rec.lines.get(field),
                )
            )
    named = {rec.values.get(names[0]) for rec in records if (names := IMAGE_FIELDS.get(rec.ctype.name))}
    problems.extend(
        Problem(f"{content_path.name}/{rel}", None, message)
        for rel, message in _static_images_problems(content_path, named)
    )
    return problems


def _static_images_problems(content_path: Path, named: set) -> list[tuple[str, Message]]:
    """(path from the content folder, message) for each image under `images/` that cannot be published.

    The files the pictures name are checked with their field; hidden files, links and files with
    several names are the static files' check's (statics.py): each problem is told once.
    """
    found = []
    root = content_path / imagefiles.SOURCE_FOLDER
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            rel = path.relative_to(content_path).as_posix()
            if name.startswith(".") or rel in named or path.suffix.lower() not in imagefiles.STATIC_FORMATS:
                continue
            try:
                st = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
                continue
            message = imagefiles.static_problem(path)
            if message:
                found.append((rel, message))
    return found


def _stem(source: str) -> str:
    stem = Path(source).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40] or "image"


def _plan(inspected: Inspected, recipe: Recipe) -> list[tuple[int, int]]:
    """The (width, height) of each rendition: the recipe's widths the source can fill, never enlarged."""
    if recipe.square:
        side = min(inspected.width, inspected.height)
        sizes = [(w, w) for w in recipe.widths if w <= side] or [(side, side)]
    else:
        w0, h0 = inspected.width, inspected.height
        sizes = [(w, max(1, round(h0 * w / w0))) for w in recipe.widths if w <= w0] or [(w0, h0)]
    return sizes


def _name(source: str, digest: str, recipe: Recipe, width: int, ext: str) -> str:
    tag = hashlib.sha256(f"{digest}:{recipe}:{_VERSION}".encode()).hexdigest()[:10]
    return f"{OUTPUT_DIR}/{_stem(source)}-{tag}-{width}.{ext}"


def picture(source: str, alt: str, recipe: Recipe, content_path: Path) -> Picture:
    """The picture of a checked source (see `check`): its renditions' addresses and sizes, nothing encoded."""
    inspected = imagefiles.inspect(content_path / source)
    if not isinstance(inspected, Inspected):  # `check` reported it and stopped the build; not reached in a build
        raise ValueError(f"{source}: {inspected}")
    sizes = _plan(inspected, recipe)
    fallback_ext = "png" if inspected.alpha else "jpg"

    def renditions(ext: str) -> SourceSet:
        return SourceSet(
            _MIME[ext], tuple(Rendition(_name(source, inspected.digest, recipe, w, ext), w, h) for w, h in sizes)
        )

    fallback = renditions(fallback_ext)
    plain = min(fallback.files, key=lambda r: (abs(r.width - recipe.fallback_width), r.width))
    return Picture(
        alt=alt,
        sources=tuple(renditions(ext) for ext in _formats()),
        fallback=fallback,
        src=plain.path,
        width=plain.width,
        height=plain.height,
        source=source,
        digest=inspected.digest,
        recipe=recipe,
    )


def _encode(img: Image.Image, ext: str) -> bytes:
    out = io.BytesIO()
    img.info = {}  # nothing of the source (EXIF, ICC, comments, times) reaches the file
    if ext == "avif":
        # One thread: the encoder's output then does not depend on how the work was split.
        img.save(out, "AVIF", quality=55, speed=6, max_threads=1)
    elif ext == "webp":
        img.save(out, "WEBP", quality=80, method=4)
    elif ext == "jpg":
        img.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        img.save(out, "PNG", optimize=True)
    return out.getvalue()


def derive(pic: Picture, content_path: Path) -> dict[str, bytes]:
    """Every derived file of a picture, by its path relative to the site root (kept by source hash)."""
    key = (pic.digest, repr(pic.recipe))
    if key in _DERIVED:
        return _DERIVED[key]
    data = (content_path / pic.source).read_bytes()
    if hashlib.sha256(data).hexdigest() != pic.digest:
        raise ContentError(
            [
                Problem(
                    f"{content_path.name}/{pic.source}", None, tr("changed while the site was being built: build again")
                )
            ]
        )
    with Image.open(io.BytesIO(data), formats=imagefiles.PICTURE_FORMATS) as opened:
        # A camera's JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale still twice the largest
        # rendition: the same result for the eye at a fraction of the time.
        need = 2 * max(pic.recipe.widths)
        opened.draft(None, (need, need))
        base = imagefiles.prepare(opened)
    files: dict[str, bytes] = {}
    sets = (*pic.sources, pic.fallback)
    box = (0.0, 0.0, float(base.width), float(base.height))
    if pic.recipe.square:
        # Faces sit in the upper part of most portraits: a tall photo is cropped nearer its top.
        side = min(base.size)
        left, top = (base.width - side) * 0.5, (base.height - side) * 0.35
        box = (left, top, left + side, top + side)
    for rendition_index in range(len(pic.fallback.files)):
        first = pic.fallback.files[rendition_index]
        size = (first.width, first.height)
        resized = base.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        for sset in sets:
            rendition = sset.files[rendition_index]
            files[rendition.path] = _encode(resized.copy(), rendition.path.rsplit(".", 1)[1])
    if len(_DERIVED) > imagefiles.CACHE_LIMIT:
        _DERIVED.clear()
    _DERIVED[key] = files
    return files


def shown(programme: ShowsPictures) -> list[Picture]:
    shown = [p.photo for p in programme.speakers] + [c.image for c in programme.cases]
    return [pic for pic in shown if pic is not None]


def pictures(programme: ShowsPictures) -> list[Picture]:
    """Every picture the programme shows, each derivation once, in a stable order."""
    seen: dict[tuple[str, str], Picture] = {}
    for pic in shown(programme):
        seen.setdefault((pic.digest, repr(pic.recipe)), pic)
    return [seen[k] for k in sorted(seen)]


def write_all(programme: ShowsPictures, content_path: Path, output_root: Path) -> list[Path]:
    """Write the derived files of every picture into the site root; unchanged files are left alone."""
    written = []
    for pic in pictures(programme):
        for rel, data in derive(pic, content_path).items():
            target = output_root / rel
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
    return written
