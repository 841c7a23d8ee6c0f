"""The query log and its report: no user data, only what was searched, when, and how many hits / which click.

Kept apart from searching: the API writes it, `csops report searches` reads it, and the searcher never needs it.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .paths import query_log_file

MAX_QUERY_CHARS = 500  # the longest query searched (search.py reads it from here) and logged
FILTERS = ("kind", "role", "phase", "tag")  # logged beside a search's words when the request set them
# Past this size the log becomes the previous one (replacing the one before), and a new one starts: every request
# any client sends adds a line, so an API open to a network could otherwise fill the disk. The report reads both.
MAX_LOG_BYTES = 20 * 2**20


_LOG_LOCK = threading.Lock()
_UNWRITABLE_REPORTED: set[Path] = set()
log = logging.getLogger("csops.api")


def log_event(project: Path, event: str, query: str, **fields) -> None:
    """Append one search or click event; the text is normalised and nothing about the reader is kept.

    A log that cannot be written (a read-only deployment, a build/ the server's user may not write, a full
    disk) is reported once per process and the request is answered anyway: every logged search was a 500."""
    record = {"t": int(time.time()), "event": event, "q": normalise(query)[:MAX_QUERY_CHARS], **fields}
    path = query_log_file(project)
    with _LOG_LOCK:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # a link committed in build/ (search-log/ or the file itself) is not followed: readers' words were
            # appended to whatever file it named, ~/.bashrc or another project's, as the server's user
            if path.parent.is_symlink():
                raise OSError(errno.ELOOP, "a link")
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            # backslashreplace: a lone surrogate that slipped through must not fail the request that logs it
            with open(descriptor, "a", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                full = handle.tell() > MAX_LOG_BYTES
            if full:  # (workers of other processes may write a line or two into it as it goes: nothing is lost)
                os.replace(path, _previous(path))
        except OSError as error:
            if path not in _UNWRITABLE_REPORTED:
                _UNWRITABLE_REPORTED.add(path)
                fix = ("delete the link: csops makes none there, so it came with the repository"
                       if error.errno == errno.ELOOP else "let the server's user write that folder")
                log.warning("cannot write the search log %s (%s): searches are answered but not logged for "
                            "`csops report searches`; %s", path, "a link" if error.errno == errno.ELOOP
                            else error.strerror or error, fix)


def _previous(path: Path) -> Path:
    return path.with_name("previous-" + path.name)


def normalise(query: str) -> str:
    return re.sub(r"\s+", " ", (query or "").strip().lower())


@dataclass
class SearchReport:
    zero_results: list[tuple[str, int]]
    low_click: list[tuple[str, int, int]]  # query, searches, clicks
    searches: int = 0


def report_searches(project: Path, top: int = 20, min_searches: int = 2) -> SearchReport:
    """Top queries that found nothing, and queries that found hits nobody clicked: what to write next."""
    zero, searched, clicks = Counter(), Counter(), Counter()
    total = 0
    current = query_log_file(project)
    for path in (_previous(current), current):
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not _is_event(record):  # a line another tool appended, or edited by hand
                continue
            q = record.get("q", "")
            if record.get("event") == "search":
                total += 1
                if record.get("count", 0) == 0:
                    # with the filters the page sent, as a reader would type them: it found nothing with them
                    zero[" ".join([q, *(f"{name}:{normalise(str(record[name]))}" for name in FILTERS if record.get(name))])] += 1
                else:
                    searched[q] += 1
            elif record.get("event") == "click":
                clicks[q] += 1
    low = sorted(((q, n, clicks[q]) for q, n in searched.items() if n >= min_searches and clicks[q] / n < 0.5),
                 key=lambda row: (row[2] / row[1], -row[1], row[0]))
    return SearchReport(sorted(zero.items(), key=lambda kv: (-kv[1], kv[0]))[:top], low[:top], total)


def _is_event(record) -> bool:
    """A line as log_event writes it: its text a string, a search's hit count a number, its filters text. A line with
    {"q": 5} or {"kind": {...}} stopped `csops report searches` with a traceback, and a search line without its
    count ({"hits": "many"}) was listed as a query that found nothing."""
    if isinstance(record, dict) and record.get("event") == "search" and "count" not in record:
        return False
    return (isinstance(record, dict) and isinstance(record.get("q", ""), str)
            and isinstance(record.get("count", 0), int) and not isinstance(record.get("count", 0), bool)
            and all(isinstance(record.get(name) or "", str) for name in FILTERS))
