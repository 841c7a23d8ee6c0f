"""settings.yml's `timezone:` must be an IANA name zoneinfo knows, exactly: the zone every date and time on the
pages is shown in. A near miss ('Asia/Tokio', 'tokyo', 'JST') is told the name it most likely meant."""

from __future__ import annotations

import re

from ..loader import Document
from ..located_values import LocDict
from ..portal_time import is_offset, is_zone, suggested_zones
from ..problems import Problem
from ..schema import TIMEZONE_WRITING

CODES = ("unknown-timezone",)
_EXAMPLES = "an IANA name, Region/City as in the tz database: Asia/Tokyo, Europe/Berlin, America/New_York, or UTC"


def check_file(doc: Document) -> list[Problem]:
    if doc.kind != "settings" or not isinstance(doc.data, LocDict):
        return []
    value = doc.data.get("timezone")
    if not isinstance(value, str) or not re.fullmatch(TIMEZONE_WRITING, value) or is_zone(value):
        return []  # not text at all, empty, or letters no zone name holds: the shape check says so
    return [Problem(doc.path, *doc.data.where("timezone"), "unknown-timezone", f"unknown timezone '{value}'",
                    _hint(value))]


def _hint(value: str) -> str:
    suggested = suggested_zones(value)
    if len(suggested) == 1:
        return f"did you mean '{suggested[0]}'? write timezone: {suggested[0]}"
    if suggested:
        return "did you mean one of " + ", ".join(f"'{name}'" for name in suggested) + "? write the one your team is in"
    if is_offset(value):
        return f"write the zone's name, not an offset, which daylight saving makes wrong half the year: {_EXAMPLES}"
    return f"write {_EXAMPLES}"
