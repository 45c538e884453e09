"""Speakers' photos and city cases' images: checked with the content, built into responsive images.

An editor names a file under `content/images/` (`Photo: images/people/jane-doe.jpg`, the same in
both languages) and describes it in each language (`Photo_alt: …`). Before anything is written the
file must exist, be a plain file, open as an image with Pillow and stay within `MAX_PIXELS`; a
photo without its text alternative is a mistake too. Every such problem names the file and field.

At build time each source becomes a few widths (`Recipe`) in AVIF (when this Pillow can write it),
WebP and a JPEG fallback (PNG when the source has transparency). Derived files are named from the
source's hash, so a changed photo gets new addresses and an unchanged one keeps them; their bytes
depend only on the source and this module: no metadata, no timestamp, EXIF dropped after its
orientation is applied. Work is kept by source hash within one process, so the two languages and
repeated builds (livereload, tests) encode each photo once. Only the main site writes the files,
into `images/derived/` of the site root, after its content has passed every check.

Every other image under `content/images/` (one a page shows with `![…](/images/…)`) is published
at its own address, but never as it is: it is decoded and written again in its own format, upright,
without EXIF (a camera's GPS position and serial number), XMP, comments or colour profile
(`clean_static`). A file the check cannot decode as such an image is refused before the build.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError, features

from . import schema
from .messages import Message, msgid, tr
from .problems import ContentError, Problem

MAX_PIXELS = 40_000_000
"""The largest source accepted (40 megapixels, more than any camera photo of a speaker needs).

Checked from the file's header before decoding: a small file claiming a huge size (a
decompression bomb) is refused instead of filling the memory of the build machine."""

SOURCE_FOLDER = "images"
"""The content folder every photo and image is read from (`content/images/`)."""

OUTPUT_DIR = "images/derived"
"""Where derived files go, relative to the site root (shared by both languages)."""

_VERSION = "1"  # part of every derived name: change it when the encoding below changes

_FORMATS = ("JPEG", "PNG", "WEBP")  # what Pillow may read a source as (see schema.IMAGE_SUFFIXES)
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


@dataclass(frozen=True)
class _Inspected:
    """What the check learnt about a source file."""

    digest: str
    width: int  # after EXIF orientation
    height: int
    alpha: bool


# Kept between builds of one process; keyed so that any change of the file is seen.
_INSPECTED: dict[tuple[str, int, int, int], _Inspected | Message] = {}
_DERIVED: dict[tuple[str, str], dict[str, bytes]] = {}
_CACHE_LIMIT = 512


def avif_supported() -> bool:
    """True when this Pillow can write AVIF."""
    return bool(features.check("avif"))


def _formats() -> tuple[str, ...]:
    return ("avif", "webp") if avif_supported() else ("webp",)


def _inspect(file: Path) -> _Inspected | Message:
    """The source's hash, oriented size and transparency, or why it cannot be used."""
    try:
        st = file.lstat()
    except FileNotFoundError:
        return tr("does not exist: put the file under content/images/ or correct the path")
    except OSError as exc:
        return tr("cannot be read: {reason}", reason=str(exc.strerror or exc))
    if stat.S_ISLNK(st.st_mode):
        return tr("is a symbolic link: name the image file itself")
    if not stat.S_ISREG(st.st_mode):
        return tr("is not a file")
    if st.st_nlink > 1:
        return hard_link_problem(st.st_nlink)
    key = (str(file), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _INSPECTED:
        if len(_INSPECTED) > _CACHE_LIMIT:
            _INSPECTED.clear()
        _INSPECTED[key] = _open_and_check(file)
    return _INSPECTED[key]


def _open_and_check(file: Path, formats: tuple[str, ...] = _FORMATS) -> _Inspected | Message:
    try:
        data = file.read_bytes()
    except OSError as exc:
        return tr("cannot be read: {reason}", reason=str(exc.strerror or exc))
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; here every bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as img:
                frames = getattr(img, "n_frames", 1)
                if img.width * img.height * frames > MAX_PIXELS:
                    return _too_large(img.width * img.height * frames)
                for frame in ImageSequence.Iterator(img):
                    frame.load()  # a truncated or corrupt file fails here, not halfway through the build
                img.seek(0)
                orientation = img.getexif().get(0x0112, 1)
                width, height = (img.height, img.width) if orientation in (5, 6, 7, 8) else img.size
                alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses from the header alone; its message carries the size the header claims.
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        return _too_large(int(claimed.group(1)) if claimed else None)
    except UnidentifiedImageError:
        return tr("is not an image Pillow can read as JPEG, PNG or WebP")
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's decoders report damage with these
        return tr("cannot be read as an image ({reason}): save it again from an image program", reason=str(exc))
    return _Inspected(hashlib.sha256(data).hexdigest(), width, height, alpha)


def hard_link_problem(links: int) -> Message:
    """Why a file with several names on the disk is refused (statics.py says it of every static file)."""
    return tr(
        "has {links} names on this disk (a hard link): it could be any file of the machine; put a copy of "
        "the file itself here",
        links=links,
    )


def _too_large(pixels: int | None) -> Message:
    if pixels:
        return tr(
            "is too large to use ({pixels:,} pixels; at most {limit:,} pixels): save a smaller copy",
            pixels=pixels,
            limit=MAX_PIXELS,
        )
    return tr("is too large to use (at most {limit:,} pixels): save a smaller copy", limit=MAX_PIXELS)


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
        found = _inspect(content_path / value)
        if not isinstance(found, _Inspected):
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
    root = content_path / SOURCE_FOLDER
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            rel = path.relative_to(content_path).as_posix()
            if name.startswith(".") or rel in named or path.suffix.lower() not in STATIC_FORMATS:
                continue
            try:
                st = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
                continue
            message = static_problem(path)
            if message:
                found.append((rel, message))
    return found


def _stem(source: str) -> str:
    stem = Path(source).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40] or "image"


def _plan(inspected: _Inspected, recipe: Recipe) -> list[tuple[int, int]]:
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
    inspected = _inspect(content_path / source)
    if not isinstance(inspected, _Inspected):  # `check` reported it and stopped the build; not reached in a build
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


def _prepare(img: Image.Image) -> Image.Image:
    """Upright, in sRGB-like RGB (or RGBA), without any of the source's metadata."""
    img = ImageOps.exif_transpose(img)
    icc = img.info.get("icc_profile")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    target = "RGBA" if has_alpha else "RGB"
    if icc and features.check("littlecms2"):
        # Convert from the embedded profile, then drop it: browsers show untagged images as sRGB.
        from PIL import ImageCms

        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # profileToProfile returns None only when converting in place, which this does not ask for.
            img = cast(
                Image.Image,
                ImageCms.profileToProfile(img.convert(target), src, ImageCms.createProfile("sRGB"), outputMode=target),
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            img = img.convert(target)
    else:
        img = img.convert(target)
    img.info = {}
    return img


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
    with Image.open(io.BytesIO(data), formats=_FORMATS) as opened:
        # A camera's JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale still twice the largest
        # rendition: the same result for the eye at a fraction of the time.
        need = 2 * max(pic.recipe.widths)
        opened.draft(None, (need, need))
        base = _prepare(opened)
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
    if len(_DERIVED) > _CACHE_LIMIT:
        _DERIVED.clear()
    _DERIVED[key] = files
    return files


def _shown(programme: ShowsPictures) -> list[Picture]:
    shown = [p.photo for p in programme.speakers] + [c.image for c in programme.cases]
    return [pic for pic in shown if pic is not None]


def pictures(programme: ShowsPictures) -> list[Picture]:
    """Every picture the programme shows, each derivation once, in a stable order."""
    seen: dict[tuple[str, str], Picture] = {}
    for pic in _shown(programme):
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


# --- every other image under content/images/: published only as a clean copy --------------------

STATIC_FORMATS = {".avif": "AVIF", ".gif": "GIF", ".jpeg": "JPEG", ".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
"""The format an image published at its own address is written in, by its name (what its address promises)."""

_STATIC_READ = ("AVIF", "GIF", "JPEG", "PNG", "WEBP")
_CLEANED: dict[tuple[str, str], bytes] = {}


def static_problem(path: Path) -> Message | None:
    """Why an image file under the content's static folders cannot be published, or None.

    It must decode as an image (any of the formats the site publishes: it is written again in
    the one its name says) within `MAX_PIXELS` per frame. The answer is kept per file version.
    """
    fmt = STATIC_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return None
    if fmt == "AVIF" and not avif_supported():
        return tr("is an AVIF image, which this build cannot read: save it as PNG, JPEG or WebP")
    found = _inspect_static(path)
    return None if isinstance(found, _Inspected) else found


def _inspect_static(path: Path) -> Message | _Inspected:
    try:
        st = path.lstat()
    except OSError as exc:
        return tr("cannot be read: {reason}", reason=str(exc.strerror or exc))
    key = (f"static:{path}", st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _INSPECTED:
        if len(_INSPECTED) > _CACHE_LIMIT:
            _INSPECTED.clear()
        found = _open_and_check(path, formats=_STATIC_READ)
        if not isinstance(found, _Inspected) and msgid(found).startswith("is not an image Pillow can read"):
            found = tr("is not an image the site can publish (PNG, JPEG, GIF, WebP or AVIF)")
        _INSPECTED[key] = found
    return _INSPECTED[key]


def clean_static(data: bytes, suffix: str) -> bytes:
    """An image written again in the format its name says: upright, every frame, no metadata.

    Nothing of the source's EXIF, XMP, comments, text chunks or colour profile is kept (colours
    are converted to sRGB first); an animated GIF or WebP keeps its frames, their durations and
    its loop. Deterministic: the same bytes in give the same bytes out.
    """
    fmt = STATIC_FORMATS[suffix.lower()]
    key = (hashlib.sha256(data).hexdigest(), fmt)
    if key in _CLEANED:
        return _CLEANED[key]
    out = io.BytesIO()
    with Image.open(io.BytesIO(data), formats=_STATIC_READ) as img:
        frames = getattr(img, "n_frames", 1)
        if frames > 1 and fmt in ("GIF", "WEBP"):
            loop = int(img.info.get("loop", 0))
            durations, cleaned = [], []
            for frame in ImageSequence.Iterator(img):
                durations.append(int(frame.info.get("duration", 100)))
                cleaned.append(_prepare(frame.copy()))
            options = {"quality": 90} if fmt == "WEBP" else {}
            cleaned[0].save(
                out, fmt, save_all=True, append_images=cleaned[1:], duration=durations, loop=loop, **options
            )
        else:
            clean = _prepare(img)
            if fmt == "JPEG":
                clean.convert("RGB").save(out, "JPEG", quality=90, optimize=True, progressive=True)
            elif fmt == "PNG":
                clean.save(out, "PNG", optimize=True)
            elif fmt == "WEBP":
                clean.save(out, "WEBP", quality=90, method=4)
            elif fmt == "AVIF":
                clean.save(out, "AVIF", quality=80, speed=6, max_threads=1)
            else:
                clean.save(out, "GIF", optimize=True)
    if len(_CLEANED) > _CACHE_LIMIT:
        _CLEANED.clear()
    _CLEANED[key] = out.getvalue()
    return _CLEANED[key]


def publish_static_images(programme: ShowsPictures, staticfiles: list, content_path: Path, output_root: Path) -> None:
    """Take every image of the content's static folders out of Pelican's copying; write clean copies.

    The sources of the programme's pictures are not published at all (only their derived
    files); every other image is written at its own address by `clean_static`. A file is read
    once and its bytes are what is checked and encoded, so a file swapped between the check
    and the build publishes nothing it did not check: its copy is still decoded and re-encoded.
    """
    sources = {pic.source for pic in _shown(programme)}
    content_root = content_path.resolve()
    kept = []
    for sc in staticfiles:
        source = Path(getattr(sc, "source_path", "") or "")
        rel = Path(getattr(sc, "relative_source_path", "") or "").as_posix()
        try:
            inside = source.resolve().is_relative_to(content_root)
        except OSError:
            inside = False
        if not inside or source.suffix.lower() not in STATIC_FORMATS:
            kept.append(sc)
            continue
        if rel in sources:
            continue
        target = output_root / sc.save_as
        try:
            if source.lstat().st_nlink > 1:
                raise ValueError(hard_link_problem(source.lstat().st_nlink))
            data = clean_static(source.read_bytes(), source.suffix)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            # Checked under images/ (changed since, then); a static folder of another name is not.
            raise ContentError(
                [
                    Problem(
                        f"{content_path.name}/{rel}",
                        None,
                        tr(
                            "cannot be published as a clean copy ({reason}): images are "
                            "published only without their metadata",
                            reason=str(exc),
                        ),
                    )
                ]
            ) from None
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    staticfiles[:] = kept
