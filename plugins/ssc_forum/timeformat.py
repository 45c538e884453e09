"""Dates and times for people, formatted with Babel per language.

Never through the machine's locale (no ko_KR locale exists on build machines)
and never through strftime's names: Babel has the CLDR data for both languages.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime

_LOCALES = {"ko": "ko_KR", "en": "en_GB"}
_DAY_PATTERN = {"ko": "y년 M월 d일 (E)", "en": "EEEE d MMMM y"}
_SHORT_DAY_PATTERN = {"ko": "M월 d일 (E)", "en": "EEE d MMM"}


def locale_of(lang: str) -> str:
    """The Babel locale used for a site language."""
    return _LOCALES.get(lang, "en_GB")


@lru_cache(maxsize=4096)  # the same few instants are formatted on every page
def day_label(value: date | datetime, lang: str) -> str:
    """`2020년 9월 22일 (화)` / `Tuesday 22 September 2020`."""
    d = value.date() if isinstance(value, datetime) else value
    return format_date(d, _DAY_PATTERN.get(lang, _DAY_PATTERN["en"]), locale=locale_of(lang))


@lru_cache(maxsize=4096)  # the same few instants are formatted on every page
def short_day_label(value: date | datetime, lang: str) -> str:
    """`9월 22일 (화)` / `Tue 22 Sep`."""
    d = value.date() if isinstance(value, datetime) else value
    return format_date(d, _SHORT_DAY_PATTERN.get(lang, _SHORT_DAY_PATTERN["en"]), locale=locale_of(lang))


@lru_cache(maxsize=4096)  # the same few instants are formatted on every page
def time_label(value: datetime, lang: str) -> str:
    """`16:00` in the value's own zone (24-hour in both languages)."""
    return format_datetime(value, "HH:mm", tzinfo=value.tzinfo, locale=locale_of(lang))


def datetime_label(value: datetime, lang: str) -> str:
    """`2020년 9월 22일 (화) 16:00` / `Tuesday 22 September 2020, 16:00`."""
    sep = " " if lang == "ko" else ", "
    return f"{day_label(value, lang)}{sep}{time_label(value, lang)}"


def zone_abbr(value: datetime) -> str:
    """`KST`: the zone's own abbreviation at that moment (IANA data)."""
    return value.tzname() or "UTC"


@lru_cache(maxsize=4096)  # the same few instants are formatted on every page
def zone_label(value: datetime, lang: str) -> str:
    """`대한민국 표준시 (KST, UTC+09:00)` / `Korean Standard Time (KST, UTC+09:00)`."""
    long_name = format_datetime(value, "zzzz", tzinfo=value.tzinfo, locale=locale_of(lang))
    offset = value.strftime("%z")
    return f"{long_name} ({zone_abbr(value)}, UTC{offset[:3]}:{offset[3:]})"


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
    "time_label": time_label,
    "datetime_label": datetime_label,
    "zone_abbr": zone_abbr,
    "zone_label": zone_label,
    "iso": iso,
}
