"""Dates and times for people, formatted with Babel per language.

Never through the machine's locale (no ko_KR locale exists on build machines)
and never through strftime's names: Babel has the CLDR data for both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache, wraps
from typing import TypeVar

from babel.dates import format_date, format_datetime

_F = TypeVar("_F", bound=Callable[..., str])


def _cached(func: _F) -> _F:
    """`lru_cache` for functions of instants, with each argument's zone in the key.

    Aware datetimes compare (and hash) by instant, so 16:00 in Seoul and 08:00 in London are
    one key to a plain `lru_cache`, and the second would be answered with the first's text.
    """

    @lru_cache(maxsize=4096)  # the same few instants are formatted on every page
    def by_zone(zones: tuple, *args: object) -> str:
        return func(*args)

    @wraps(func)
    def wrapper(*args: object) -> str:
        return by_zone(tuple(getattr(a, "tzinfo", None) for a in args), *args)

    return wrapper  # type: ignore[return-value]


_LOCALES = {"ko": "ko_KR", "en": "en_GB"}
# Korean writes the weekday in parentheses straight after the day, without a space: 2020년 9월 22일(화).
_DAY_PATTERN = {"ko": "y년 M월 d일(E)", "en": "EEEE d MMMM y"}
_SHORT_DAY_PATTERN = {"ko": "M월 d일(E)", "en": "EEE d MMM"}
# CLDR calls Asia/Seoul "대한민국 표준시" and "Korean Standard Time"; the site says "한국 표준시", as the city's
# releases do, and "Korea Standard Time", the zone named after the country as its abbreviation KST is.
# One term per language, everywhere.
_ZONE_NAMES = {("ko", "대한민국 표준시"): "한국 표준시", ("en", "Korean Standard Time"): "Korea Standard Time"}


def locale_of(lang: str) -> str:
    """The Babel locale used for a site language.

    An unknown language is an error, not English: a template that loses its `lang`
    (an undefined variable) must fail the build instead of printing English dates on
    the Korean site.
    """
    try:
        return _LOCALES[lang]
    except (KeyError, TypeError):
        raise ValueError(f"no date format for language {lang!r} (expected one of {', '.join(_LOCALES)})") from None


@_cached
def day_label(value: date | datetime, lang: str) -> str:
    """`2020년 9월 22일(화)` / `Tuesday 22 September 2020`."""
    d = value.date() if isinstance(value, datetime) else value
    locale = locale_of(lang)  # first: an unknown language fails here, with its name
    return format_date(d, _DAY_PATTERN[lang], locale=locale)


@_cached
def short_day_label(value: date | datetime, lang: str) -> str:
    """`9월 22일(화)` / `Tue 22 Sep`."""
    d = value.date() if isinstance(value, datetime) else value
    locale = locale_of(lang)
    return format_date(d, _SHORT_DAY_PATTERN[lang], locale=locale)


@_cached
def date_range_label(start: date | datetime, end: date | datetime, lang: str) -> str:
    """A span of days, the shared year and month said once.

    `2020년 9월 22일(화)~23일(수)` / `22–23 September 2020`; across months
    `2020년 9월 30일(수)~10월 1일(목)` / `30 September – 1 October 2020`; one day is `day_label`.
    """
    a = start.date() if isinstance(start, datetime) else start
    b = end.date() if isinstance(end, datetime) else end
    if a == b:
        return day_label(a, lang)
    locale = locale_of(lang)
    if lang == "ko":
        weekday = lambda d: format_date(d, "E", locale=locale)  # noqa: E731 - a one-line helper
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.year}년 {a.month}월 {a.day}일({weekday(a)})~{b.day}일({weekday(b)})"
        tail = format_date(b, "M월 d일" if a.year == b.year else "y년 M월 d일", locale=locale)
        return f"{format_date(a, 'y년 M월 d일', locale=locale)}({weekday(a)})~{tail}({weekday(b)})"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{format_date(b, 'd MMMM y', locale=locale)}"
    head = format_date(a, "d MMMM" if a.year == b.year else "d MMMM y", locale=locale)
    return f"{head} – {format_date(b, 'd MMMM y', locale=locale)}"


@_cached
def time_label(value: datetime, lang: str) -> str:
    """`16:00` in the value's own zone (24-hour in both languages)."""
    return format_datetime(value, "HH:mm", tzinfo=value.tzinfo, locale=locale_of(lang))


def datetime_label(value: datetime, lang: str) -> str:
    """`2020년 9월 22일(화) 16:00` / `Tuesday 22 September 2020, 16:00`."""
    sep = " " if lang == "ko" else ", "
    return f"{day_label(value, lang)}{sep}{time_label(value, lang)}"


def zone_abbr(value: datetime) -> str:
    """`KST`: the zone's own abbreviation at that moment (IANA data)."""
    return value.tzname() or "UTC"


@_cached
def zone_name(value: datetime, lang: str) -> str:
    """`한국 표준시` / `Korea Standard Time`: the zone's name at that moment (summer time included)."""
    name = format_datetime(value, "zzzz", tzinfo=value.tzinfo, locale=locale_of(lang))
    return _ZONE_NAMES.get((lang, name), name)


@_cached
def zone_label(value: datetime, lang: str) -> str:
    """`한국 표준시(KST, UTC+09:00)` / `Korea Standard Time (KST, UTC+09:00)`."""
    offset = value.strftime("%z")
    sep = "" if lang == "ko" else " "  # Korean puts no space before a parenthesis
    return f"{zone_name(value, lang)}{sep}({zone_abbr(value)}, UTC{offset[:3]}:{offset[3:]})"


def iso(value: datetime) -> str:
    """ISO 8601 with the offset, to the minute: what `<time datetime>` and the scripts read."""
    return value.isoformat(timespec="minutes")


def seconds_label(seconds: int) -> str:
    """`1:02:03` (or `2:03`): a position inside a video."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


FILTERS = {
    "seconds_label": seconds_label,
    "day_label": day_label,
    "short_day_label": short_day_label,
    "date_range_label": date_range_label,
    "time_label": time_label,
    "datetime_label": datetime_label,
    "zone_abbr": zone_abbr,
    "zone_name": zone_name,
    "zone_label": zone_label,
    "iso": iso,
}
