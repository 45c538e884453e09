"""Exports of the programme: calendars, frab schedule.xml/json and schema.org JSON-LD."""

from __future__ import annotations

from typing import Any


FILTERS: dict[str, Any] = {}


def write_all(programme: Any, generator: Any) -> None:
    """Write every export file of one language into the generator's output path."""
