"""Tables for people, JSON for scripts (--format=json)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any


def show(result: Any, output_format: str, columns: Sequence[str]) -> None:
    if output_format == "json":
        print(json.dumps(result, indent=2))
        return
    rows = result if isinstance(result, list) else [result]
    if not rows:
        print("Listed 0 items.", file=sys.stderr)
        return
    table = [[_cell(column, row.get(column)) for column in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for cells in table:
        print("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip())


def _cell(column: str, value: Any) -> str:
    if column.endswith("_time") and isinstance(value, str):
        return value[:19].replace("T", " ")  # UTC, to the second: tables stay narrow
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)
