"""`schedule.json`: the frab / pretalx JSON schedule."""

from __future__ import annotations

import io
import json
from typing import Any


def render(data: dict[str, Any]) -> bytes:
    """The schedule data (see `schedule.schedule_data`) as UTF-8 JSON, in a fixed key order."""
    # Keys keep the order in which the data was built (pretalx's order, rooms in
    # programme order), which is fixed: no sort is needed for stable output.
    # Encoded as it is made: `json.dumps` with an indent joins hundreds of thousands of pieces
    # into one text before it is encoded (at 1,600 sessions, three times the file in memory).
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    json.dump(data, text, ensure_ascii=False, indent=2)
    text.write("\n")
    text.flush()
    data_bytes = out.getvalue()
    text.detach()
    return data_bytes
