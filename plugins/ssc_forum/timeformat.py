"""Dates and times for people, formatted with Babel per language.

Never through the machine's locale (no ko_KR locale exists on build machines) and never through
strftime's names: Babel has the CLDR data of every language. Each language's Babel locale is the
settings' `LANGUAGES` table's; its date patterns, separators and the site's name for the event's zone
are messages of the theme's catalogues (written in English, CLDR pattern syntax), so a language is
a row of the table and a catalogue, not code here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache, wraps
from typing import TypeVar

from babel.dates import format_date, format_datetime, split_interval_pattern

from . import translations
from .translations import N_

_F = TypeVar("_F", bound=Callable[..., str])


def _cached(func: _F) -> _F:
    """`lru_cache` for functions of instants, with each argument's zone in the key.

    Aware datetimes compare (and hash) by instant, so 16:00 in Seoul and 08:00 in London are
    one key to a plain `lru_cache`, and the second would be answered with the first's text.
    The catalogues' generation is in the key too: another site's catalogues give other text.
    """

    @lru_cache(maxsize=4096)  # the same few instants are formatted on every page
    def by_zone(zones: tuple, generation: int, *args: object) -> str:
        return func(*args)

    @wraps(func)
    def wrapper(*args: object) -> str:
        return by_zone(tuple(getattr(a, "tzinfo", None) for a in args), translations.generation(), *args)

    return wrapper  # type: ignore[return-value]


# The patterns, in CLDR's syntax (https://unicode.org/reports/tr35/tr35-dates.html); each language's
# catalogue translates them. Korean writes the weekday in parentheses straight after the day: 2020년 9월 22일(화).
# Translators: a day with its weekday, in CLDR's date pattern syntax (y year, M month, d day, E weekday).
DAY = N_("EEEE d MMMM y")
# Translators: a day without its year, in CLDR's date pattern syntax.
SHORT_DAY = N_("EEE d MMM")
# Translators: a time of day, in CLDR's pattern syntax (HH hours 00–23, mm minutes).
TIME = N_("HH:mm")
# Spans of days as CLDR interval patterns: the first field repeated starts the end's part (Babel splits them).
# Translators: two days of one month, a CLDR interval pattern: the second "d" begins the last day.
SPAN_IN_MONTH = N_("d–d MMMM y")
# Translators: two days of one year, a CLDR interval pattern: the second "d" begins the last day.
SPAN_IN_YEAR = N_("d MMMM – d MMMM y")
# Translators: two days of different years, a CLDR interval pattern: the second "d" begins the last day.
SPAN_OF_YEARS = N_("d MMMM y – d MMMM y")
# Translators: a day and a time of it.
DATETIME = N_("%(day)s, %(time)s")
# Translators: a time on another day than the event's, as the browser writes it after switching zones.
OTHER_DAY = N_("%(day)s %(time)s")
# Translators: a time zone's name, its abbreviation and its offset: Korea Standard Time (KST, UTC+09:00).
ZONE_LABEL = N_("%(name)s (%(abbr)s, %(offset)s)")
# CLDR calls Asia/Seoul "Korean Standard Time" (in Korean "대한민국 표준시"); the site says "Korea Standard Time",
# the zone named after the country as its abbreviation KST is, and in Korean "한국 표준시", as the city's
# releases do. Keyed by CLDR's English name; a language whose catalogue lacks the message keeps CLDR's name.
_ZONE_NAMES = {
    # Translators: the event's time zone (Asia/Seoul), as the site names it everywhere.
    "Korean Standard Time": N_("Korea Standard Time"),
}


def locale_of(lang: str) -> str:
    """The Babel locale of a site language (the settings' table); ValueError for a language not in it."""
    return translations.locale_of(lang)


def _pattern(message: str, lang: str) -> str:
    """The language's pattern; an unknown language fails here, with its name."""
    return translations.translate(lang, message)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@_cached
def day_label(value: date | datetime, lang: str) -> str:
    """`2020년 9월 22일(화)` / `Tuesday 22 September 2020`."""
    pattern = _pattern(DAY, lang)
    return format_date(_as_date(value), pattern, locale=locale_of(lang))


@_cached
def short_day_label(value: date | datetime, lang: str) -> str:
    """`9월 22일(화)` / `Tue 22 Sep`."""
    pattern = _pattern(SHORT_DAY, lang)
    return format_date(_as_date(value), pattern, locale=locale_of(lang))


@_cached
def date_range_label(start: date | datetime, end: date | datetime, lang: str) -> str:
    """A span of days, the shared year and month said once.

    `2020년 9월 22일(화)~23일(수)` / `22–23 September 2020`; across months
    `2020년 9월 30일(수)~10월 1일(목)` / `30 September – 1 October 2020`; one day is `day_label`.
    """
    a, b = _as_date(start), _as_date(end)
    if a == b:
        return day_label(a, lang)
    if (a.year, a.month) == (b.year, b.month):
        message = SPAN_IN_MONTH
    else:
        message = SPAN_IN_YEAR if a.year == b.year else SPAN_OF_YEARS
    locale = locale_of(lang)
    head, tail = split_interval_pattern(_pattern(message, lang))
    return format_date(a, head, locale=locale) + format_date(b, tail, locale=locale)


@_cached
def time_label(value: datetime, lang: str) -> str:
    """`16:00` in the value's own zone (24-hour in both languages)."""
    return format_datetime(value, _pattern(TIME, lang), tzinfo=value.tzinfo, locale=locale_of(lang))


def datetime_label(value: datetime, lang: str) -> str:
    """`2020년 9월 22일(화) 16:00` / `Tuesday 22 September 2020, 16:00`."""
    return _pattern(DATETIME, lang) % {"day": day_label(value, lang), "time": time_label(value, lang)}


def zone_abbr(value: datetime) -> str:
    """`KST`: the zone's own abbreviation at that moment (IANA data)."""
    return value.tzname() or "UTC"


@_cached
def zone_name(value: datetime, lang: str) -> str:
    """`한국 표준시` / `Korea Standard Time`: the zone's name at that moment (summer time included)."""
    name = format_datetime(value, "zzzz", tzinfo=value.tzinfo, locale=locale_of(lang))
    ours = _ZONE_NAMES.get(format_datetime(value, "zzzz", tzinfo=value.tzinfo, locale="en"))
    return (ours and translations.translated(lang, ours)) or name


@_cached
def zone_label(value: datetime, lang: str) -> str:
    """`한국 표준시(KST, UTC+09:00)` / `Korea Standard Time (KST, UTC+09:00)`."""
    offset = value.strftime("%z")
    return _pattern(ZONE_LABEL, lang) % {
        "name": zone_name(value, lang),
        "abbr": zone_abbr(value),
        "offset": f"UTC{offset[:3]}:{offset[3:]}",
    }


def iso(value: datetime) -> str:
    """ISO 8601 with the offset, to the minute: what `<time datetime>` and the scripts read."""
    return value.isoformat(timespec="minutes")


def seconds_label(seconds: int) -> str:
    """`1:02:03` (or `2:03`): a position inside a video."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def script_formats(lang: str) -> dict[str, str]:
    """How forum.js writes dates in `lang`, for the `data-*` attributes of a page's time-zone switch.

    The browser's locale (BCP 47, from the table's Babel locale) and the catalogue's patterns, their
    places written `{day}` as the scripts substitute them: the script itself holds no language.
    """
    return {
        "locale": locale_of(lang).replace("_", "-"),
        "day": _pattern(DAY, lang),
        "short-day": _pattern(SHORT_DAY, lang),
        "time": _pattern(TIME, lang),
        "datetime": _pattern(DATETIME, lang) % {"day": "{day}", "time": "{time}"},
        "other-day": _pattern(OTHER_DAY, lang) % {"day": "{day}", "time": "{time}"},
        "zone-label": _pattern(ZONE_LABEL, lang) % {"name": "{name}", "abbr": "{abbr}", "offset": "{offset}"},
    }


FILTERS = {
    "script_formats": script_formats,
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
