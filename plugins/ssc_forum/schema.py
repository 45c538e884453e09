"""The content types of the forum, declared once.

Every content file is one record of one type. Validation, the editors' guide
(`docs/`), the `invoke new` scaffolder and the tests all read these
declarations, so a field is added or changed here and nowhere else.

The site's languages (`Lang:`, `name_*` of days and rooms) are the settings' `LANGUAGES` (`languages.py`),
never named here. The `*_ko`/`*_en` texts (`help_ko`, `label_ko`, …) are the editors' guide and interface,
in the editors' languages, Korean and English (`messages.LANGUAGES`), whatever languages the site is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from . import limits
from .messages import Message, tr

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class FieldError(ValueError):
    """A field value that does not fit its declared kind; `message` says so in the editor's language."""

    def __init__(self, message: Message | str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _parse_text(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise FieldError(tr("is empty"))
    if "\n" in value or "\r" in value:
        raise FieldError(tr("runs onto a second line: write the whole value on one line"))
    return value


def _parse_slug(raw: str) -> str:
    value = raw.strip()
    if not SLUG_RE.match(value):
        raise FieldError(
            tr("{value!r} is not a slug (lower-case ASCII letters, digits and single hyphens)", value=value)
        )
    return value


def _parse_slugs(raw: str) -> tuple[str, ...]:
    parts = [p.strip() for p in raw.split(",")]
    if not any(parts):
        raise FieldError(tr("is empty"))
    for part in parts:
        if not SLUG_RE.match(part):
            raise FieldError(
                tr("{value!r} is not a slug (lower-case ASCII letters, digits and single hyphens)", value=part)
            )
    if len(set(parts)) != len(parts):
        raise FieldError(tr("names the same slug twice"))
    return tuple(parts)


def _parse_lang(raw: str) -> str:
    # Which codes are the site's is the settings' LANGUAGES table: the content check holds the value against it.
    return _parse_text(raw)


def _parse_date(raw: str) -> date:
    value = raw.strip()
    match = DATE_RE.match(value)
    if not match:
        raise FieldError(tr("{value!r} is not a date written YYYY-MM-DD", value=value))
    try:
        parsed = date(*(int(g) for g in match.groups()))
    except ValueError:
        raise FieldError(tr("{value!r} is not a real date: no such day in the calendar", value=value)) from None
    if not limits.EARLIEST_YEAR <= parsed.year <= limits.LATEST_YEAR:
        raise FieldError(
            tr(
                "{value!r} is not a year from {earliest} to {latest}",
                value=value,
                earliest=limits.EARLIEST_YEAR,
                latest=limits.LATEST_YEAR,
            )
        )
    return parsed


def _parse_time(raw: str) -> time:
    value = raw.strip()
    match = TIME_RE.match(value)
    if not match:
        raise FieldError(tr("{value!r} is not a time written HH:MM (24-hour, from 00:00 to 23:59)", value=value))
    return time(int(match.group(1)), int(match.group(2)))


def _parse_int(raw: str) -> int:
    value = raw.strip()
    if not re.fullmatch(r"[1-9]\d{0,3}", value):
        raise FieldError(tr("{value!r} is not a whole number from 1 to 9999", value=value))
    return int(value)


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
"""The image files a photo field may name: what the build can turn into responsive images."""


def _parse_image(raw: str) -> str:
    # Only the path's form is checked here; whether it is a readable image is checked by the
    # images module, which knows the content folder.
    value = raw.strip()
    if not value:
        raise FieldError(tr("is empty"))
    parts = value.split("/")
    if (
        parts[0] != "images"
        or len(parts) < 2
        or "\\" in value
        or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
    ):
        raise FieldError(
            tr(
                "{value!r} is not a file under content/images/: write its path from the content "
                "folder, e.g. images/people/jane-doe.jpg",
                value=value,
            )
        )
    if not value.lower().endswith(IMAGE_SUFFIXES):
        raise FieldError(
            tr(
                "{value!r} is not a JPEG, PNG or WebP file (it must end in {suffixes})",
                value=value,
                suffixes=", ".join(IMAGE_SUFFIXES),
            )
        )
    return value


def _parse_media(raw: str) -> tuple[str, ...]:
    # Provider and id are checked by the streams module, which knows the providers;
    # here the value is only split into its items.
    parts = [p.strip() for p in raw.split(",")]
    if not all(parts):
        raise FieldError(tr("has an empty item"))
    return tuple(parts)


@dataclass(frozen=True)
class Kind:
    """A kind of field value: how editors write it and how it is read."""

    name: str
    help_en: str
    help_ko: str
    example: str
    parse: object  # Callable[[str], Any]; kept loose so the dataclass stays frozen and hashable


TEXT = Kind("text", "plain text on one line", "한 줄의 글", "…", _parse_text)
SLUG = Kind("slug", "ASCII slug: a-z, 0-9, hyphens", "영문 슬러그: a-z, 0-9, 하이픈", "session-1", _parse_slug)
SLUGS = Kind(
    "slugs", "slugs separated by commas", "쉼표로 구분한 슬러그 목록", "jung-hoon-lee, ying-long", _parse_slugs
)
LANG = Kind(
    "lang", "a language code of LANGUAGES (pelicanconf.py)", "LANGUAGES(pelicanconf.py)의 언어 코드", "ko", _parse_lang
)
DATE = Kind("date", "date, YYYY-MM-DD", "날짜, YYYY-MM-DD", "2020-09-23", _parse_date)
TIME = Kind(
    "time", "time in Korea Standard Time, HH:MM (24-hour)", "한국 표준시, HH:MM(24시간제)", "16:00", _parse_time
)
INT = Kind("int", "whole number", "정수", "1", _parse_int)
MEDIA = Kind(
    "media",
    "provider:id items separated by commas (youtube:ID, link:https://…); a recording may add @start, e.g. @1h02m03s",
    "쉼표로 구분한 제공자:아이디(youtube:ID, link:https://…). 다시 보기 영상에는 @시작 위치를 붙일 수 있음"
    "(예: @1h02m03s)",
    "youtube:VIDEO_ID_11",
    _parse_media,
)
IMAGE = Kind(
    "image",
    "path of a JPEG, PNG or WebP file under content/images/",
    "content/images/ 아래의 JPEG, PNG, WebP 파일 경로",
    "images/people/jane-doe.jpg",
    _parse_image,
)


@dataclass(frozen=True)
class Field:
    """One metadata field of a content type."""

    name: str
    kind: Kind
    required: bool
    help_en: str
    help_ko: str
    choices: tuple[str, ...] = ()
    refers_to: str | None = None  # the content type a slug or slugs field points at
    shared: bool = False  # the same in every language: twins must agree on it
    structural: bool = False  # places the record in the programme or links it: the edit loop renders all again
    model: str | None = None  # the attribute of the model item it fills; None: the guide's alone (GUIDE_ONLY)

    @property
    def picture(self) -> bool:
        """Whether the field names an image file, which the build turns into responsive images."""
        return self.kind is IMAGE


@dataclass(frozen=True)
class ContentType:
    """A content type: where its files live, its fields, its page template."""

    name: str
    folder: str
    template: str
    url: str  # relative to the language site, with {slug}
    label_en: str
    label_ko: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    model_class: str = ""  # the class of `model` its records become; "": Pelican's own (news)
    body_help_en: str = ""
    body_help_ko: str = ""

    def field(self, name: str) -> Field | None:
        """The declared field of that name, or None."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required fields."""
        return tuple(f.name for f in self.fields if f.required)


_COMMON = (
    Field("title", TEXT, True, "Title shown on the page and in lists.", "페이지와 목록에 보이는 제목.", model="title"),
    Field(
        "slug",
        SLUG,
        True,
        "Stable ASCII id; the same in both languages; never change it once published.",
        "두 언어에서 같은 영문 고유 이름. 공개한 뒤에는 바꾸지 마세요.",
        structural=True,
        model="slug",
    ),
    Field("lang", LANG, True, "Language of this file.", "이 파일의 언어.", structural=True, model="lang"),
    Field(
        "summary",
        TEXT,
        False,
        "One or two sentences for lists, search results and sharing.",
        "목록, 검색 결과, 공유에 쓰는 한두 문장.",
        model="summary",
    ),
)

SESSION_KIND_LABELS: dict[str, str] = {
    "keynote": "Keynote",
    "session": "Thematic session",
    "case-presentations": "City case presentations",
    "talk-concert": "Talk concert",
}
"""Each kind of session and its label, in English: the message the theme's catalogues translate."""
SESSION_KINDS = tuple(SESSION_KIND_LABELS)

SESSION = ContentType(
    name="session",
    model_class="Session",
    folder="sessions",
    template="session",
    url="sessions/{slug}/",
    label_en="Session",
    label_ko="세션",
    fields=_COMMON
    + (
        Field(
            "day",
            DATE,
            True,
            "Day of the forum this session belongs to (a day in content/programme.toml).",
            "세션이 열린 날(content/programme.toml에 있는 날짜).",
            shared=True,
            structural=True,
            model="day",
        ),
        Field(
            "order",
            INT,
            True,
            "Position within its day, from 1.",
            "그날 안에서의 순서(1부터).",
            shared=True,
            structural=True,
            model="order",
        ),
        Field(
            "kind",
            TEXT,
            True,
            "What sort of session it is.",
            "세션의 종류.",
            choices=SESSION_KINDS,
            shared=True,
            model="kind",
        ),
        Field(
            "part",
            TEXT,
            False,
            "Label of its part of the day, e.g. 'Part 1' or 'Session 2'.",
            "그날 안에서의 구분 이름(예: 1부, 세션 2).",
            model="part",
        ),
        Field(
            "start",
            TIME,
            False,
            "Start time (Korea Standard Time); only if it was published, and always with End.",
            "시작 시각(한국 표준시). 공개된 경우에만 End와 함께 씀.",
            shared=True,
            structural=True,
            model="exact_start",
        ),
        Field(
            "end",
            TIME,
            False,
            "End time (Korea Standard Time); only if it was published, and always with Start.",
            "종료 시각(한국 표준시). 공개된 경우에만 Start와 함께 씀.",
            shared=True,
            structural=True,
            model="exact_end",
        ),
        Field(
            "room",
            SLUG,
            False,
            "Room or track (a room in content/programme.toml); the first room if left out.",
            "방 또는 트랙(content/programme.toml의 방). 없으면 첫 번째 방.",
            refers_to="room",
            shared=True,
            structural=True,
            model="room",
        ),
        Field(
            "speakers",
            SLUGS,
            False,
            "Speakers presenting, in order.",
            "발표자를 순서대로 적음.",
            refers_to="speaker",
            shared=True,
            structural=True,
            model="speakers",
        ),
        Field(
            "hosts",
            SLUGS,
            False,
            "Hosts or moderators.",
            "사회자 또는 좌장.",
            refers_to="speaker",
            shared=True,
            structural=True,
            model="hosts",
        ),
        Field(
            "cases",
            SLUGS,
            False,
            "City case studies presented, in order.",
            "발표된 도시 사례를 순서대로 적음.",
            refers_to="case",
            shared=True,
            structural=True,
            model="cases",
        ),
        Field(
            "streams",
            MEDIA,
            False,
            "Live streams of this session (overrides its day's and room's).",
            "이 세션의 생중계(그날과 방의 생중계보다 우선).",
            shared=True,
            model="own_streams",
        ),
        Field(
            "recording",
            MEDIA,
            False,
            "The published recording, with an optional start offset.",
            "공개된 다시 보기 영상. 시작 위치를 붙일 수 있음.",
            shared=True,
            model="recording",
        ),
    ),
    body_help_en="What the session was about, in Markdown.",
    body_help_ko="세션 내용을 마크다운으로 씁니다.",
)

SPEAKER = ContentType(
    name="speaker",
    model_class="Speaker",
    folder="speakers",
    template="speaker",
    url="speakers/{slug}/",
    label_en="Speaker",
    label_ko="연사",
    fields=(
        Field(
            "title", TEXT, True, "The person's name as written in this language.", "이 언어로 쓴 이름.", model="name"
        ),
        _COMMON[1],
        _COMMON[2],
        _COMMON[3],
        Field("affiliation", TEXT, True, "Organisation, as published.", "공개된 소속.", model="affiliation"),
        Field("position", TEXT, False, "Role or job title, as published.", "공개된 직함.", model="position"),
        Field(
            "talk",
            TEXT,
            False,
            "Title of the person's own talk, only where it was published.",
            "본인 발표의 제목(공개된 경우에만).",
            model="talk",
        ),
        Field(
            "sort",
            TEXT,
            False,
            "Sort key for the speakers list (family name first).",
            "연사 목록 정렬용 이름(성 먼저).",
            model="sort",
        ),
        Field(
            "photo",
            IMAGE,
            False,
            "A portrait, only one the person or the city has published; shown cropped square.",
            "공개된 인물 사진(정사각형으로 잘라 보임).",
            shared=True,
            model="photo",
        ),
        Field(
            "photo_alt",
            TEXT,
            False,
            "Text alternative for the photo in this language, required with Photo, e.g. 'Portrait of Jane Doe'.",
            "이 언어로 쓴 사진의 대체 텍스트(Photo가 있으면 필수). 예: ‘홍길동 교수 사진’.",
            model="photo",
        ),
    ),
    body_help_en="A short biography from published sources, in Markdown.",
    body_help_ko="공개된 자료에 근거한 짧은 소개를 마크다운으로 씁니다.",
)

CITY_CASE = ContentType(
    name="case",
    model_class="CityCase",
    folder="cases",
    template="case",
    url="cases/{slug}/",
    label_en="City case study",
    label_ko="도시 사례",
    fields=_COMMON
    + (
        Field(
            "city",
            TEXT,
            True,
            "City or organisation presenting the case.",
            "사례를 발표한 도시 또는 기관.",
            model="city",
        ),
        Field("country", TEXT, True, "Country.", "나라.", model="country"),
        Field(
            "session",
            SLUG,
            True,
            "The session it was presented in.",
            "발표된 세션.",
            refers_to="session",
            shared=True,
            structural=True,
            model="session",
        ),
        Field(
            "image",
            IMAGE,
            False,
            "An image of the case, only one the city has published.",
            "공개된 사례 이미지.",
            shared=True,
            model="image",
        ),
        Field(
            "image_alt",
            TEXT,
            False,
            "Text alternative for the image in this language, required with Image: what it shows.",
            "이 언어로 쓴 이미지의 대체 텍스트(Image가 있으면 필수): 이미지가 보여 주는 것.",
            model="image",
        ),
    ),
    body_help_en="What the case is about, in Markdown.",
    body_help_ko="사례 내용을 마크다운으로 씁니다.",
)

PAGE = ContentType(
    name="page",
    model_class="Page",
    folder="pages",
    template="page",
    url="{slug}/",
    label_en="Page",
    label_ko="페이지",
    fields=_COMMON
    + (
        Field(
            "order",
            INT,
            False,
            "Position in the site menu; left out, the page is not in the menu.",
            "사이트 메뉴에서의 순서. 없으면 메뉴에 나오지 않음.",
            shared=True,
            structural=True,
            model="order",
        ),
    ),
    body_help_en="The page, in Markdown. Shortcodes, each on a line of its own: `[[timetable]]`, "
    "`[[timetable day=2020-09-22]]`, `[[stream youtube:ID]]`.",
    body_help_ko="페이지 본문을 마크다운으로 씁니다. 단축 코드는 한 줄에 하나씩 씁니다: `[[timetable]]`, "
    "`[[timetable day=2020-09-22]]`, `[[stream youtube:ID]]`.",
)

NEWS = ContentType(
    name="news",
    folder="news",
    template="article",  # written by Pelican's own article generator (and its Atom feed)
    url="news/{slug}/",
    label_en="News item",
    label_ko="소식",
    fields=_COMMON[:3]
    + (
        Field("date", DATE, True, "Date of the news item.", "소식의 날짜.", shared=True),
        Field("category", TEXT, True, "Always news.", "항상 news.", choices=("news",), shared=True),
        Field(
            "summary",
            TEXT,
            True,
            "One or two sentences for the news list and the feed.",
            "소식 목록과 피드에 쓰는 한두 문장.",
        ),
    ),
    body_help_en="The news item, in Markdown.",
    body_help_ko="소식 본문을 마크다운으로 씁니다.",
)

CONTENT_TYPES: tuple[ContentType, ...] = (SESSION, SPEAKER, CITY_CASE, PAGE, NEWS)
BY_NAME = {ct.name: ct for ct in CONTENT_TYPES}
MODEL_TYPES: tuple[ContentType, ...] = tuple(ct for ct in CONTENT_TYPES if ct.model_class)
"""The types the forum builds into its model and writes pages for; the others (news) are Pelican's."""
GUIDE_ONLY: frozenset[tuple[str, str]] = frozenset()
"""(type, field) pairs of MODEL_TYPES that deliberately fill no model attribute: documented for editors only.
Every other field names the attribute it fills (`Field.model`); a test holds the two together."""
BY_FOLDER = {ct.folder: ct for ct in CONTENT_TYPES}

# --- content/programme.toml: the event itself (days, rooms, streams) -------------------------

# Each has a name in every language of the site: `name_*` stands for `name_ko`, `name_en`, … (the settings'
# LANGUAGES), which `languages.day_fields` and `languages.room_fields` put in its place.
DAY_FIELDS = (
    Field("date", DATE, True, "The day.", "날짜."),
    Field(
        "start",
        TIME,
        True,
        "When the day's programme starts (Korea Standard Time).",
        "그날 프로그램 시작 시각(한국 표준시).",
    ),
    Field("end", TIME, True, "When it ends (Korea Standard Time).", "그날 프로그램 종료 시각(한국 표준시)."),
    Field("name_*", TEXT, True, "Name of the day's programme in {language}.", "그날 프로그램의 {language} 이름."),
    Field("streams", MEDIA, False, "Live streams for the whole day.", "그날 전체의 생중계."),
    Field("recording", MEDIA, False, "Recording of the whole day.", "그날 전체의 다시 보기 영상."),
)

ROOM_FIELDS = (
    Field("slug", SLUG, True, "Stable ASCII id of the room.", "방의 영문 고유 이름."),
    Field("name_*", TEXT, True, "Name in {language}.", "{language} 이름."),
    Field("streams", MEDIA, False, "Live streams of this room.", "이 방의 생중계."),
)
