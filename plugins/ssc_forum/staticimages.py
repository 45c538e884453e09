"""Every image under `content/images/` that no picture names: published only as a clean copy.

An image a page shows with `![…](/images/…)` is published at its own address, but never as it
is: it is decoded and written again in its own format, upright, without EXIF (a camera's GPS
position and serial number), XMP, comments or colour profile (`clean_static`). The sources of
the programme's pictures are not published at all, only their derived files (`images`).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageSequence

from . import imagefiles, images
from .messages import tr
from .problems import ContentError, Problem

_CLEANED: dict[tuple[str, str], bytes] = {}


def clean_static(data: bytes, suffix: str) -> bytes:
    """An image written again in the format its name says: upright, every frame, no metadata.

    Nothing of the source's EXIF, XMP, comments, text chunks or colour profile is kept (colours
    are converted to sRGB first); an animated GIF or WebP keeps its frames, their durations and
    its loop. Deterministic: the same bytes in give the same bytes out.
    """
    fmt = imagefiles.STATIC_FORMATS[suffix.lower()]
    key = (hashlib.sha256(data).hexdigest(), fmt)
    if key in _CLEANED:
        return _CLEANED[key]
    out = io.BytesIO()
    with Image.open(io.BytesIO(data), formats=imagefiles.STATIC_READ) as img:
        frames = getattr(img, "n_frames", 1)
        if frames > 1 and fmt in ("GIF", "WEBP"):
            loop = int(img.info.get("loop", 0))
            durations, cleaned = [], []
            for frame in ImageSequence.Iterator(img):
                durations.append(int(frame.info.get("duration", 100)))
                cleaned.append(imagefiles.prepare(frame.copy()))
            options = {"quality": 90} if fmt == "WEBP" else {}
            cleaned[0].save(
                out, fmt, save_all=True, append_images=cleaned[1:], duration=durations, loop=loop, **options
            )
        else:
            clean = imagefiles.prepare(img)
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
    if len(_CLEANED) > imagefiles.CACHE_LIMIT:
        _CLEANED.clear()
    _CLEANED[key] = out.getvalue()
    return _CLEANED[key]


def publish_static_images(
    programme: images.ShowsPictures, staticfiles: list, content_path: Path, output_root: Path
) -> None:
    """Take every image of the content's static folders out of Pelican's copying; write clean copies.

    The sources of the programme's pictures are not published at all (only their derived
    files); every other image is written at its own address by `clean_static`. A file is read
    once and its bytes are what is checked and encoded, so a file swapped between the check
    and the build publishes nothing it did not check: its copy is still decoded and re-encoded.
    """
    sources = {pic.source for pic in images.shown(programme)}
    content_root = content_path.resolve()
    kept = []
    for sc in staticfiles:
        source = Path(getattr(sc, "source_path", "") or "")
        rel = Path(getattr(sc, "relative_source_path", "") or "").as_posix()
        try:
            inside = source.resolve().is_relative_to(content_root)
        except OSError:
            inside = False
        if not inside or source.suffix.lower() not in imagefiles.STATIC_FORMATS:
            kept.append(sc)
            continue
        if rel in sources:
            continue
        target = output_root / sc.save_as
        try:
            if source.lstat().st_nlink > 1:
                raise ValueError(imagefiles.hard_link_problem(source.lstat().st_nlink))
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
