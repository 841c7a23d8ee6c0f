"""The portal's clock: settings.yml's `timezone:` (an IANA name), what names it may take, and a moment (a commit's
timestamp) as the portal's readers read it, their day and their time of day.

Git records instants; a Tokyo team's 08:00 commit is 23:00 UTC the day before, and What's new listed it under
that day. Every date or time shown to readers is turned into the portal's zone here, and only here; machine
values (Atom's <updated>, <time datetime>) stay instants in UTC.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_ZONE = "UTC"
# Names zoneinfo can read that are no place: the machine's own setting and tzdata's "no zone" placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory"})
# Where a name names the zone's region, what readers call a city's zone: Asia/Tokyo, not Japan or Etc/GMT-9.
_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
_OFFSET = re.compile(r"(?i)(utc|gmt)?\s*[+\-−]\s*\d{1,2}(:?\d\d)?")


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA name this Python knows (from the tzdata package where the system has none)."""
    return frozenset(available_timezones()) - _NOT_PLACES


def is_zone(name: str) -> bool:
    """Exactly an IANA name, case and all: a file system that ignores case would read 'asia/tokyo' on one machine only."""
    return name in zone_names()


def local_moment(timestamp: int, zone: str = DEFAULT_ZONE) -> dt.datetime:
    """The one place an instant becomes the portal's wall clock (ZoneInfo keeps each zone it has read)."""
    try:
        return dt.datetime.fromtimestamp(timestamp, ZoneInfo(zone))
    except OverflowError:  # history dates a far-off clock 9999-12-31T23:59:59Z, already year 10000 east of UTC
        return dt.datetime.max.replace(microsecond=0, tzinfo=ZoneInfo(zone))


def utc_instant(timestamp: int) -> str:
    """A moment for machines, unambiguous in any zone: 2026-12-05T23:30:00Z."""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(timestamp: int, zone: str = DEFAULT_ZONE) -> str:
    """The portal's day of a moment, as YYYY-MM-DD: a commit at 23:30 UTC is the next day in Tokyo."""
    return local_moment(timestamp, zone).date().isoformat()


def local_time(timestamp: int, zone: str = DEFAULT_ZONE) -> str:
    """The time of day with the zone as readers know it: '08:30 JST', '00:30 CET', '23:30 UTC'. A zone whose
    abbreviation is only its offset (America/Sao_Paulo's '-03') shows as 'UTC-03:00'."""
    moment = local_moment(timestamp, zone)
    name = moment.strftime("%Z")
    if not name or name[0] in "+-":
        name = "UTC" + _offset(moment.utcoffset() or dt.timedelta())
    return f"{moment:%H:%M} {name}"


def local_today(zone: str = DEFAULT_ZONE) -> dt.date:
    """Today in the portal's zone, whatever the machine's: at 08:00 in Tokyo a CI runner on UTC is still on the day
    before, and a review due that day was 'due tomorrow' there and 'due today' on the editor's laptop."""
    return _now().astimezone(ZoneInfo(zone)).date()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def suggested_zones(written: str) -> tuple[str, ...]:
    """The IANA names someone who wrote `written` most likely meant: the name in another case ('asia/tokyo'), a
    city alone ('tokyo', 'New York'), a near miss ('Asia/Tokio'), or an abbreviation's zones, best known first
    (at most three: 'IST' is India's, Israel's and Ireland's)."""
    text = written.strip()
    names = sorted(zone_names())
    folded = {name.casefold(): name for name in names}
    as_name = text.replace(" ", "_").casefold()
    if as_name in folded:
        return (folded[as_name],)
    cities = {}
    for name in names:
        if name.startswith(_REGIONS):
            cities.setdefault(name.rsplit("/", 1)[1].casefold(), name)
    if as_name in cities:
        return (cities[as_name],)
    by_abbreviation = _abbreviations().get(text.upper(), ())
    if by_abbreviation:
        return by_abbreviation[:3]
    close = difflib.get_close_matches(as_name, list(folded), n=1, cutoff=0.8)
    if close:
        return (folded[close[0]],)
    return tuple(cities[c] for c in difflib.get_close_matches(as_name, list(cities), n=1, cutoff=0.75))


def is_offset(written: str) -> bool:
    """'+09:00', 'UTC+9', 'GMT-5': an offset, which daylight saving makes wrong half the year."""
    return bool(_OFFSET.fullmatch(written.strip()))


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, tuple[str, ...]]:
    """Abbreviation -> region/city zones that use it in winter or summer: JST -> Asia/Tokyo. A zone's own
    abbreviation in January and July (of a fixed year: the same hint on every run), from the installed tz data;
    of zones keeping the same clock that year (Asia/Kolkata and its old name Asia/Calcutta) only the first."""
    found: dict[str, dict[tuple, str]] = {}
    for name in sorted(zone_names(), key=_commonness):
        if not name.startswith(_REGIONS):
            continue
        moments = [dt.datetime(2025, month, 15, 12, tzinfo=ZoneInfo(name)) for month in (1, 7)]
        clock = tuple(moment.utcoffset() for moment in moments)
        for moment in moments:
            abbreviation = moment.strftime("%Z").upper()
            if abbreviation and abbreviation[0] not in "+-":
                found.setdefault(abbreviation, {}).setdefault(clock, name)
    return {key: tuple(value.values()) for key, value in found.items()}


# A few zones first among those sharing an abbreviation: the ones most readers mean by it.
_BEST_KNOWN = ("Asia/Tokyo", "Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago", "America/Denver",
               "America/Los_Angeles", "Asia/Kolkata", "Asia/Seoul", "Asia/Shanghai", "Australia/Sydney", "Europe/Paris",
               "Europe/Moscow")


def _commonness(name: str) -> tuple[int, str]:
    return (_BEST_KNOWN.index(name) if name in _BEST_KNOWN else len(_BEST_KNOWN), name)
