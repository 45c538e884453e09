"""Speakers' photos and city cases' images: responsive pictures from real builds, and editors' mistakes.

The real archive has no photos, so these tests add images made with Pillow to copies of the fixture
forum (tests/fixture_site.py): one speaker with a portrait, one case with an image.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from pelican.settings import read_settings
from PIL import Image, ImageOps, features

from conftest import ROOT, build, run_pelican, soup
from fixture_site import write_fixture_site
from ssc_forum import images, staticimages
from ssc_forum.content import check_content

PHOTO = "images/people/anna-virtanen.jpg"
CASE_IMAGE = "images/cases/helsinki.png"
ALT = {"ko": "안나 비르타넨의 사진", "en": "Portrait of Anna Virtanen"}
CASE_ALT = {"ko": "헬싱키 시내 거리", "en": "A street in central Helsinki"}
RED, BLUE = (220, 30, 30), (30, 30, 220)
FORUM = {"phase": "after", "home_url": "https://example.org/forum"}


def _upright_portrait() -> Image.Image:
    """800×1000, red above and blue below: which way up a derived file is, is plain to see."""
    img = Image.new("RGB", (800, 1000), BLUE)
    img.paste(RED, (0, 0, 800, 500))
    return img


def _camera_jpeg() -> bytes:
    """The portrait as a camera stores it: on its side, with EXIF orientation 6, a camera make and a GPS block."""
    upright = _upright_portrait()
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # turned a quarter to the left
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0)}  # GPS: latitude
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=92, exif=exif)
    data = out.getvalue()
    # The test's own premise: Pillow turns the stored image back upright.
    assert ImageOps.exif_transpose(Image.open(io.BytesIO(data))).size == upright.size
    return data


def _case_png() -> bytes:
    img = Image.new("RGBA", (1200, 800), (20, 120, 60, 255))
    img.paste((0, 0, 0, 0), (0, 0, 100, 100))  # a transparent corner: the fallback must stay PNG
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _add_field(path: Path, before: str, lines: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f"\n{before}:" in text, path
    path.write_text(text.replace(f"\n{before}:", f"\n{lines}\n{before}:", 1), encoding="utf-8")


def photo_content(root: Path) -> Path:
    """The fixture forum with a portrait for anna-virtanen and an image for the Helsinki case."""
    content = write_fixture_site(root)
    (content / PHOTO).parent.mkdir(parents=True)
    (content / PHOTO).write_bytes(_camera_jpeg())
    (content / CASE_IMAGE).parent.mkdir(parents=True)
    (content / CASE_IMAGE).write_bytes(_case_png())
    for lang in ("ko", "en"):
        _add_field(content / "speakers" / f"anna-virtanen.{lang}.md", "Sort", f"Photo: {PHOTO}\nPhoto_alt: {ALT[lang]}")
        _add_field(
            content / "cases" / f"helsinki.{lang}.md", "Session", f"Image: {CASE_IMAGE}\nImage_alt: {CASE_ALT[lang]}"
        )
    return content


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("photos")
    return build(base / "output", PATH=str(photo_content(base)), FORUM=FORUM)


def _page(site: Path, lang: str, rel: str) -> Path:
    return site / ("en/" if lang == "en" else "") / rel / "index.html"


def _file(site: Path, url: str) -> Path:
    path = site / url.lstrip("/")
    assert path.is_file(), f"{url} is not in the build"
    return path


def _srcset(value: str) -> list[tuple[str, int]]:
    return [(url, int(w[:-1])) for url, w in (item.strip().split() for item in value.split(","))]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_speaker_with_a_photo_has_a_responsive_picture(photo_site, lang):
    doc = soup(_page(photo_site, lang, "speakers/anna-virtanen"))
    picture = doc.select_one(".person-head picture")
    assert picture is not None
    types = [s["type"] for s in picture.find_all("source")]
    assert types == (["image/avif", "image/webp"] if features.check("avif") else ["image/webp"])
    for source in picture.find_all("source"):
        assert source["sizes"]
        entries = _srcset(source["srcset"])
        assert [w for _, w in entries] == [160, 320, 640]
        fmt = {"image/avif": "AVIF", "image/webp": "WEBP"}[source["type"]]
        for url, width in entries:
            with Image.open(_file(photo_site, url)) as derived:
                assert derived.format == fmt and derived.size == (width, width)
    img = picture.find("img")
    assert img["alt"] == ALT[lang]
    assert (img["width"], img["height"]) == ("320", "320")
    with Image.open(_file(photo_site, img["src"])) as fallback:
        assert fallback.format == "JPEG" and fallback.size == (320, 320)
    assert [w for _, w in _srcset(img["srcset"])] == [160, 320, 640]
    # The portrait at the head of its own page is in the first screenful: it loads at once.
    assert "loading" not in img.attrs
    assert not doc.select_one(".person-head .monogram")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_portraits_in_lists_load_lazily_and_the_others_need_no_picture(photo_site, lang):
    doc = soup(_page(photo_site, lang, "speakers"))
    cards = {
        a["href"].rstrip("/").rsplit("/", 1)[1]: a.find_parent("li") for a in doc.select(".card-person .card-title a")
    }
    assert len(cards) == 6
    img = cards["anna-virtanen"].select_one("picture img")
    assert img["alt"] == ALT[lang] and img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["width"] and img["height"]
    for slug, card in cards.items():
        if slug != "anna-virtanen":
            # No placeholder initials: a card without a portrait is laid out for text alone.
            assert card.select_one(".portrait") is None and card.find("picture") is None, slug
            assert "has-portrait" not in card["class"], slug
    assert "has-portrait" in cards["anna-virtanen"]["class"]


def test_derived_files_are_upright_and_carry_no_metadata(photo_site):
    doc = soup(_page(photo_site, "en", "speakers/anna-virtanen"))
    urls = [u for s in doc.select(".person-head picture source") for u, _ in _srcset(s["srcset"])]
    urls += [u for u, _ in _srcset(doc.select_one(".person-head picture img")["srcset"])]
    for url in urls:
        with Image.open(_file(photo_site, url)) as derived:
            assert not derived.getexif(), url
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(derived.info), (url, derived.info.keys())
            rgb = derived.convert("RGB")
            top, bottom = rgb.getpixel((rgb.width // 2, 5)), rgb.getpixel((rgb.width // 2, rgb.height - 5))
            assert top[0] > 150 and top[2] < 100, f"{url}: not upright (top {top})"
            assert bottom[2] > 150 and bottom[0] < 100, f"{url}: not upright (bottom {bottom})"
        assert b"TestCam" not in _file(photo_site, url).read_bytes()
    # Only the derived files are published, not the camera's original with its EXIF.
    assert not (photo_site / PHOTO).exists()
    assert not (photo_site / "images" / "people").exists() or not any((photo_site / "images" / "people").iterdir())


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_case_image_keeps_its_aspect_and_transparency(photo_site, lang):
    doc = soup(_page(photo_site, lang, "cases/helsinki"))
    picture = doc.select_one("picture.case-image")
    img = picture.find("img")
    assert img["alt"] == CASE_ALT[lang] and "loading" not in img.attrs
    assert (img["width"], img["height"]) == ("960", "640")
    entries = _srcset(img["srcset"])
    assert [w for _, w in entries] == [480, 960]
    for url, width in entries:
        with Image.open(_file(photo_site, url)) as derived:
            assert derived.format == "PNG" and derived.size == (width, width * 2 // 3)
            assert derived.mode == "RGBA" and derived.getpixel((0, 0))[3] == 0
    assert soup(_page(photo_site, lang, "cases/the-hague")).select_one("picture") is None


def test_the_speakers_json_ld_names_the_photo(photo_site):
    doc = soup(_page(photo_site, "en", "sessions/city-cases"))
    data = [json.loads(s.string) for s in doc.find_all("script", type="application/ld+json")]
    people = {p["name"]: p for d in data for p in d.get("performer", ())}
    image = people["Anna Virtanen"]["image"]
    assert re.fullmatch(r"https://example\.org/forum/images/derived/anna-virtanen-[0-9a-f]{10}-320\.jpg", image)
    assert "/en/" not in image and (photo_site / image.removeprefix("https://example.org/forum/")).is_file()
    assert "image" not in people["Pieter de Vries"]


def test_a_second_build_in_another_process_writes_the_same_bytes(photo_site, tmp_path):
    content = photo_content(tmp_path / "again")
    result = run_pelican(content, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    first = {p.name: p.read_bytes() for p in (photo_site / images.OUTPUT_DIR).iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "out" / images.OUTPUT_DIR).iterdir()}
    assert len(first) >= 10 and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


# --- editors' mistakes ---------------------------------------------------------------------------------


def _huge_png(width: int, height: int) -> bytes:
    """A small file that claims a huge size: a decompression bomb, to be refused before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 9001))
        + chunk(b"IEND", b"")
    )


def _set(content: Path, lang: str, pattern: str, replacement: str, copy_photo_to: str = "") -> None:
    if copy_photo_to:
        (content / "images" / "people" / copy_photo_to).write_bytes((content / PHOTO).read_bytes())
    path = content / "speakers" / f"anna-virtanen.{lang}.md"
    text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")


SPEAKER_EN = "content/speakers/anna-virtanen.en.md"
SPEAKER_KO = "content/speakers/anna-virtanen.ko.md"


def _both(message: str) -> list[str]:
    """A file both twins name is a problem of each: the line every editor of either file sees."""
    return [f"{path}:6: field 'photo': {PHOTO}: {message}" for path in (SPEAKER_EN, SPEAKER_KO)]


MISTAKES = {
    "missing alt": (
        lambda c: _set(c, "en", r"^Photo_alt: .*\n", ""),
        [f"{SPEAKER_EN}:6: field 'photo_alt': is required with Photo ({PHOTO})"],
    ),
    "a file name as alt": (
        lambda c: _set(c, "ko", r"^Photo_alt: .*$", "Photo_alt: anna-virtanen.JPG"),
        [f"{SPEAKER_KO}:7: field 'photo_alt': 'anna-virtanen.JPG' is a file name"],
    ),
    "alt without a photo": (
        lambda c: _set(c, "en", r"^Photo: .*\n", ""),
        [
            f"{SPEAKER_EN}:6: field 'photo_alt': is given but Photo is not",
            f"{SPEAKER_EN}: field 'photo': is not given here but '{PHOTO}' in its twin",
        ],
    ),
    "missing file": (lambda c: (c / PHOTO).unlink(), _both("does not exist")),
    "unreadable file": (lambda c: (c / PHOTO).write_bytes(os.urandom(4096)), _both("is not an image Pillow can read")),
    "truncated file": (lambda c: (c / PHOTO).write_bytes(_camera_jpeg()[:1500]), _both("cannot be read as an image")),
    "path outside content/images": (
        lambda c: _set(c, "en", r"^Photo: .*$", "Photo: images/../../secret.jpg"),
        [f"{SPEAKER_EN}:6: field 'photo': 'images/../../secret.jpg' is not a file under content/images/"],
    ),
    "absolute path": (
        lambda c: _set(c, "en", r"^Photo: .*$", "Photo: /etc/passwd.jpg"),
        [f"{SPEAKER_EN}:6: field 'photo': '/etc/passwd.jpg' is not a file under content/images/"],
    ),
    "not an image type": (
        lambda c: _set(c, "en", r"^Photo: .*$", "Photo: images/people/anna.svg"),
        [f"{SPEAKER_EN}:6: field 'photo': 'images/people/anna.svg' is not a JPEG, PNG or WebP"],
    ),
    # Beyond Pillow's own limit (it refuses from the header) and between ours and Pillow's.
    "huge image": (
        lambda c: (c / PHOTO).write_bytes(_huge_png(30000, 30000)),
        _both("is too large to use (900,000,000 pixels; at most 40,000,000 pixels)"),
    ),
    "large image": (
        lambda c: (c / PHOTO).write_bytes(_huge_png(8000, 6000)),
        _both("is too large to use (48,000,000 pixels; at most 40,000,000 pixels)"),
    ),
    "a folder, not a file": (lambda c: [(c / PHOTO).unlink(), (c / PHOTO).mkdir()], _both("is not a file")),
    "twins name different files": (
        lambda c: _set(c, "en", r"^Photo: .*$", "Photo: images/people/other.jpg", copy_photo_to="other.jpg"),
        [f"{SPEAKER_EN}:6: field 'photo': is 'images/people/other.jpg' here but '{PHOTO}' in its twin"],
    ),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_image_mistakes_are_content_errors_naming_file_and_field(tmp_path, mistake):
    content = photo_content(tmp_path)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    assert check_content(settings) == []
    mutate, expected = MISTAKES[mistake]
    mutate(content)
    found = check_content(settings)
    for line in expected:
        assert any(problem.startswith(line) for problem in found), f"{line!r} not in {found}"
    assert len(found) == len(expected), found


def test_image_mistakes_stop_the_build_at_once_without_a_traceback(tmp_path):
    content = photo_content(tmp_path)
    _set(content, "en", r"^Photo_alt: .*\n", "")
    (content / CASE_IMAGE).write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    output = tmp_path / "output"
    result = run_pelican(content, output)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in log
    assert "3 problem(s) in the content; nothing was written" in log, log
    for line in (
        f"{SPEAKER_EN}:6: field 'photo_alt': is required with Photo",
        f"content/cases/helsinki.en.md:6: field 'image': {CASE_IMAGE}: ",
        f"content/cases/helsinki.ko.md:6: field 'image': {CASE_IMAGE}: ",
    ):
        assert line in log, log
    assert not output.exists() or not any(output.iterdir()), "something was written"


# --- images nobody named: published only as clean copies ------------------------------------------------

STREET = "images/other/street.jpg"
NOTES = "images/other/notes.png"
ANIMATION = "images/other/wave.gif"


def _metadata_png() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 37.5665 N 126.9780 E")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPSLatitude 37,33.99N</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (300, 200), RED).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _animated_gif() -> bytes:
    frames = [Image.new("P", (40, 30), colour) for colour in (0, 1, 2)]
    for frame in frames:
        frame.putpalette([220, 30, 30, 30, 30, 220, 30, 220, 30] + [0] * 759)
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"camera serial 4242",
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def unnamed_images_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The photo site with three images under content/images/ that no field names, full of metadata."""
    base = tmp_path_factory.mktemp("unnamed")
    content = photo_content(base)
    (content / STREET).parent.mkdir(parents=True)
    (content / STREET).write_bytes(_camera_jpeg())
    (content / NOTES).write_bytes(_metadata_png())
    (content / ANIMATION).write_bytes(_animated_gif())
    return build(base / "output", PATH=str(content), FORUM=FORUM)


def test_an_image_nobody_named_is_published_without_its_metadata(unnamed_images_site: Path) -> None:
    street = unnamed_images_site / STREET
    data = street.read_bytes()
    assert b"TestCam" not in data and b"Exif" not in data
    with Image.open(street) as img:
        assert img.format == "JPEG" and not img.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(img.info), img.info.keys()
        assert img.size == (800, 1000), "turned upright before its orientation tag was dropped"
        top = img.convert("RGB").getpixel((400, 5))
        assert top[0] > 150 and top[2] < 100, f"not upright (top {top})"
    notes = (unnamed_images_site / NOTES).read_bytes()
    assert b"37.5665" not in notes and b"xmpmeta" not in notes and b"tEXt" not in notes and b"iTXt" not in notes
    with Image.open(unnamed_images_site / NOTES) as img:
        assert img.format == "PNG" and img.size == (300, 200)
    wave = (unnamed_images_site / ANIMATION).read_bytes()
    assert b"4242" not in wave
    with Image.open(unnamed_images_site / ANIMATION) as img:
        assert img.format == "GIF" and img.n_frames == 3 and "comment" not in img.info
        durations = []
        for number in range(3):
            img.seek(number)
            durations.append(img.info["duration"])
        assert durations == [100, 200, 300]
    # The named photo's source is still not published at all, only its derived files.
    assert not (unnamed_images_site / PHOTO).exists()


def test_clean_copies_are_the_same_bytes_every_time() -> None:
    first = staticimages.clean_static(_camera_jpeg(), ".jpg")
    staticimages._CLEANED.clear()
    assert staticimages.clean_static(_camera_jpeg(), ".jpg") == first
    assert staticimages.clean_static(_metadata_png(), ".PNG") == staticimages.clean_static(_metadata_png(), ".png")


def _static_problems(content: Path) -> list[str]:
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    return check_content(settings)


def test_a_hard_link_or_a_file_that_is_no_image_is_refused(tmp_path: Path) -> None:
    content = photo_content(tmp_path / "site")
    assert _static_problems(content) == []
    # A hard link passes every test of a path (a regular file, inside the tree): it can be any file.
    outside = tmp_path / "private.png"
    outside.write_bytes(_metadata_png())
    (content / "images" / "other").mkdir()
    os.link(outside, content / "images" / "other" / "linked.png")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=abc", encoding="utf-8")
    os.link(secret, content / "images" / "other" / "token.jpg")
    (content / "images" / "other" / "fake.webp").write_text("<svg onload=alert(1)>", encoding="utf-8")
    found = _static_problems(content)
    hard_link = "has 2 names on this disk (a hard link): it could be any file of the machine"
    assert sorted(found) == sorted(
        [
            f"content/images/other/linked.png: {hard_link}; put a copy of the file itself here",
            f"content/images/other/token.jpg: {hard_link}; put a copy of the file itself here",
            "content/images/other/fake.webp: is not an image the site can publish (PNG, JPEG, GIF, WebP or AVIF)",
        ]
    ), found
    # A photo field naming a hard link is refused too (and so is the file itself, as a static file).
    for name in ("linked.png", "token.jpg", "fake.webp"):
        (content / "images" / "other" / name).unlink()
    (content / PHOTO).unlink()
    os.link(outside, content / PHOTO)
    found = _static_problems(content)
    assert (
        f"content/speakers/anna-virtanen.en.md:6: field 'photo': {PHOTO}: {hard_link}; put a copy of the file "
        "itself here" in found
    ), found
    assert f"content/{PHOTO}: {hard_link}; put a copy of the file itself here" in found, found
