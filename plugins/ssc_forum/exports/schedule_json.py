"""`schedule.json`: the frab / pretalx JSON schedule."""

from __future__ import annotations

import json
from typing import Any


def render(data: dict[str, Any]) -> bytes:
    """The schedule data (see `schedule.schedule_data`) as UTF-8 JSON, in a fixed key order."""
    # Keys keep the order in which the data was built (pretalx's order, rooms in
    # programme order), which is fixed: no sort is needed for stable output.
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
