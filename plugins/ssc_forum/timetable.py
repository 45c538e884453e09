"""The timetable of a day: a grid when its sessions have times, a running order when none has.

A grid has rows of time, rooms as columns and sessions spanning their rows; sessions
whose own times were not published sit in one row for their day's block of time,
listed in their order. A day where no session has its own times has nothing to lay
out in time: it is its block of time once and its sessions in order (an agenda), since
a table of one row and one cell would add nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .model import Day, Room, Session


@dataclass
class Cell:
    """A table cell: the sessions in it and how many rows it spans."""

    sessions: list[Session]
    rowspan: int = 1


@dataclass
class Row:
    """A time row: its start and end and one cell (or None when covered) per room."""

    start: datetime
    end: datetime
    cells: list[Cell | None]
    block: bool = False  # a block of time holding sessions without published times


@dataclass
class Grid:
    """One day's table, or its running order (`agenda`) when no session of the day has its own times."""

    day: Day
    rooms: list[Room]
    rows: list[Row] = field(default_factory=list)
    agenda: list[Session] = field(default_factory=list)

    @property
    def is_agenda(self) -> bool:
        """True when the day is shown as a running order instead of a table."""
        return bool(self.agenda)


def day_grid(day: Day) -> Grid:
    """Lay one day out; O(n log n) in the day's sessions plus the size of the table."""
    rooms = day.rooms
    col = {room.slug: i for i, room in enumerate(rooms)}
    grid = Grid(day, rooms)
    untimed = [s for s in day.sessions if not s.timed]
    timed = sorted((s for s in day.sessions if s.timed), key=lambda s: (s.start, s.order))
    if untimed and not timed:
        grid.agenda = sorted(untimed, key=lambda s: s.order)
        return grid
    block = None
    if untimed:
        cells: list[Cell | None] = [Cell([]) for _ in rooms]
        for s in sorted(untimed, key=lambda s: s.order):
            cells[col[s.room.slug]].sessions.append(s)  # type: ignore[union-attr]
        block = Row(day.start, day.end, cells, block=True)
    # The block row stands where its sessions' order puts it: before the timed rows when they
    # come first in the day, after them otherwise.
    block_first = block is not None and (not timed or min(s.order for s in untimed) < min(s.order for s in timed))
    if block_first:
        grid.rows.append(block)  # type: ignore[arg-type]
    if not timed:
        return grid
    bounds = sorted({t for s in timed for t in (s.start, s.end)})
    index = {t: i for i, t in enumerate(bounds)}
    table: list[list[Cell | None]] = [[Cell([]) for _ in rooms] for _ in bounds[:-1]]
    for s in timed:
        first, last = index[s.start], index[s.end]
        table[first][col[s.room.slug]] = Cell([s], rowspan=last - first)
        for r in range(first + 1, last):
            table[r][col[s.room.slug]] = None  # covered by the spanning cell above
    for i, cells in enumerate(table):
        if all(c is not None and not c.sessions for c in cells):
            continue  # a gap in every room: no row for it
        grid.rows.append(Row(bounds[i], bounds[i + 1], cells))
    if block is not None and not block_first:
        grid.rows.append(block)
    return grid


def grids(days: list[Day]) -> list[Grid]:
    """Tables for the given days."""
    return [day_grid(d) for d in days]
