"""Day counts as content writes them: review intervals (`90d`, `26w`) and due offsets (`T-90d`, `T+2w`).

The schema checks them with these patterns and everything else reads them
with these parsers, so the notation is defined once.
"""

from __future__ import annotations

import re

# At most four digits: 9999w is two centuries already, and a longer span runs past the calendar's year 9999
INTERVAL_PATTERN = r"^[0-9]{1,4}[dw]$"
DUE_PATTERN = r"^T[+-][0-9]{1,4}[dw]$"
# A due offset as prose writes it: 'T-100d', or 'T-120, T-90' with the unit left off (whole_words.py keeps it whole)
DUE_IN_PROSE = r"T[+-][0-9]{1,4}[dw]?"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # a day as content, the CLI (--today) and validate write it
_INTERVAL = re.compile(INTERVAL_PATTERN)
_DUE = re.compile(DUE_PATTERN)


def parse_days(interval: str | None) -> int | None:
    """'90d' -> 90, '2w' -> 14; None for nothing; ValueError for anything else ('5x', '3m')."""
    if not interval:
        return None
    if not _INTERVAL.fullmatch(interval):  # fullmatch: `$` alone lets a final line break through
        raise ValueError(f"'{interval}' is not an interval such as 30d or 4w")
    number, unit = int(interval[:-1]), interval[-1]
    return number * 7 if unit == "w" else number


def parse_due(due: str | None) -> int | None:
    """'T-90d' -> -90, 'T+2w' -> 14 (days from the anchor date); None when absent or not an offset."""
    if not due or not _DUE.fullmatch(due):
        return None
    sign = -1 if due[1] == "-" else 1
    return sign * parse_days(due[2:])
