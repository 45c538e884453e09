"""The growth table of the scale benchmark (`scale.py`): the forum plugin's in-memory model work for growing programmes.

For a synthetic programme of n sessions, without files or Markdown: the field checks
(`fields.parse_fields`), the checks between files (`crosscheck.check_across`), `model.build` and
`timetable.grids`, each the best of a few runs; `scale_report.print_growth` prints time / (n log2 n).
"""

from __future__ import annotations

import gc
import math
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from scale_child import PLUGINS_DIR
from synthetic import LANGS, Programme, Size, make_programme


def _in_memory_records(prog: Programme) -> Iterator[tuple[Any, str, dict[str, str], str]]:
    """(content type, path, raw metadata, HTML body) for each item: what the Markdown reader would return."""
    from ssc_forum import schema

    for item in prog.items:
        ctype = schema.BY_FOLDER[item.folder]
        # A fixed paragraph: the growth table measures checks and model, not Markdown.
        yield ctype, f"content/{item.folder}/{item.slug}.{item.lang}.md", item.fields, "<p>Body.</p>"


def _best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(repeat):
        gc.collect()  # collect garbage of the previous run outside the timed region
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    return best, value


def growth_row(n: int, shape: Size, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` seconds of each step of the plugin's model work for a programme of n sessions."""
    from zoneinfo import ZoneInfo

    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))
    from ssc_forum import crosscheck, languages, model, timetable
    from ssc_forum.fields import parse_fields
    from ssc_forum.records import Content, DayRecord, Record, RoomRecord

    per_session = shape.speakers / max(shape.n_sessions, 1)
    size = Size(
        days=math.ceil(n / (shape.rooms * shape.slots)),
        rooms=shape.rooms,
        slots=shape.slots,
        speakers=max(1, round(n * per_session)),
        cases=round(n * shape.cases / max(shape.n_sessions, 1)),
        pages=shape.pages,
        sessions=n,
    )
    prog = make_programme(size)
    raw = list(_in_memory_records(prog))

    def fields() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        problems: list[Any] = []
        records = []
        for ctype, path, meta, body in raw:
            values, media = parse_fields(ctype.fields, meta, path, problems)
            records.append(Record(ctype, path, values, body, media))
        days = [
            DayRecord(i, *parse_fields(languages.day_fields(LANGS), d, "programme.toml", problems))
            for i, d in enumerate(prog.days, start=1)
        ]
        rooms = [
            RoomRecord(*parse_fields(languages.room_fields(LANGS), r, "programme.toml", problems)) for r in prog.rooms
        ]
        return records, days, rooms, problems

    t_fields, (records, days, rooms, problems) = _best_of(repeat, fields)

    def across() -> list[Any]:
        found: list[Any] = []
        crosscheck.check_across(records, days, rooms, found, LANGS)
        return found

    t_across, found = _best_of(repeat, across)
    if problems or found:
        raise SystemExit(f"the synthetic programme (n={n}) is not valid: {[str(p) for p in (problems + found)[:5]]}")
    data = Content(records, days, rooms, [])
    tz, now = ZoneInfo("Asia/Seoul"), datetime(2021, 1, 1, tzinfo=ZoneInfo("UTC"))
    t_model, programmes = _best_of(
        repeat, lambda: [model.build(data, lang, tz, now=now, forced_phase="after") for lang in LANGS]
    )
    t_grids, _ = _best_of(repeat, lambda: [timetable.grids(p.days) for p in programmes])
    return {
        "fields": t_fields,
        "across": t_across,
        "model": t_model,
        "grids": t_grids,
        "total": t_fields + t_across + t_model + t_grids,
        "records": len(records),
    }
