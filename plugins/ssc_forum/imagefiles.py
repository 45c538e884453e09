"""Image files under `content/images/`: opened, checked and made clean, before anything is built of them.

A file must be a plain file with one name on the disk, open as an image with Pillow and stay within
`MAX_PIXELS` (checked from the header before decoding: no decompression bomb); what the check
learnt (`Inspected`: the hash, the upright size, transparency) is kept per file version.
`prepare` gives an image upright, in sRGB, without any of the source's metadata: the pictures
(`images`) and the clean copies of other images (`staticimages`) are both written from it.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError, features

from .messages import Message, msgid, tr

MAX_PIXELS = 40_000_000
"""The largest source accepted (40 megapixels, more than any camera photo of a speaker needs).

Checked from the file's header before decoding: a small file claiming a huge size (a
decompression bomb) is refused instead of filling the memory of the build machine."""

SOURCE_FOLDER = "images"
"""The content folder every photo and image is read from (`content/images/`)."""

PICTURE_FORMATS = ("JPEG", "PNG", "WEBP")  # what Pillow may read a picture's source as (see schema.IMAGE_SUFFIXES)

STATIC_FORMATS = {".avif": "AVIF", ".gif": "GIF", ".jpeg": "JPEG", ".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
"""The format an image published at its own address is written in, by its name (what its address promises)."""

STATIC_READ = ("AVIF", "GIF", "JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class Inspected:
    """What the check learnt about a source file."""

    digest: str
    width: int  # after EXIF orientation
    height: int
    alpha: bool


# Kept between builds of one process; keyed so that any change of the file is seen.
_INSPECTED: dict[tuple[str, int, int, int], Inspected | Message] = {}
CACHE_LIMIT = 512


def avif_supported() -> bool:
    """True when this Pillow can write AVIF."""
    return bool(features.check("avif"))


def inspect(file: Path) -> Inspected | Message:
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
        if len(_INSPECTED) > CACHE_LIMIT:
            _INSPECTED.clear()
        _INSPECTED[key] = _open_and_check(file)
    return _INSPECTED[key]


def _open_and_check(file: Path, formats: tuple[str, ...] = PICTURE_FORMATS) -> Inspected | Message:
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
    return Inspected(hashlib.sha256(data).hexdigest(), width, height, alpha)


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
    return None if isinstance(found, Inspected) else found


def _inspect_static(path: Path) -> Message | Inspected:
    try:
        st = path.lstat()
    except OSError as exc:
        return tr("cannot be read: {reason}", reason=str(exc.strerror or exc))
    key = (f"static:{path}", st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _INSPECTED:
        if len(_INSPECTED) > CACHE_LIMIT:
            _INSPECTED.clear()
        found = _open_and_check(path, formats=STATIC_READ)
        if not isinstance(found, Inspected) and msgid(found).startswith("is not an image Pillow can read"):
            found = tr("is not an image the site can publish (PNG, JPEG, GIF, WebP or AVIF)")
        _INSPECTED[key] = found
    return _INSPECTED[key]


def prepare(img: Image.Image) -> Image.Image:
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
