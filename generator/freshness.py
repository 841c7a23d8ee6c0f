"""Review freshness: when each document is due for review, and which are past it (`csops stale`).

Due date = `reviewed` + the document's `review_interval` (or settings.yml's).
Content that was never reviewed counts as expired, so a team that makes
freshness a merge gate cannot slip unreviewed pages through; so does a review dated
after tomorrow (a mistyped year would otherwise silence reminders for years).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .escaping import printable_json
from .kinds import NOUNS
from .problems import Problem


@dataclass(frozen=True)
class Freshness:
    kind: str
    id: str
    title: str
    path: str
    line: int
    col: int
    owner: str
    reviewed: dt.date | None
    interval_days: int
    due: dt.date | None
    status: str  # expired, due-soon, fresh

    def days_left(self, today: dt.date) -> int | None:
        return (self.due - today).days if self.due else None


def assess(portal, positions: dict[str, tuple[int, int]], today: dt.date, within_days: int) -> list[Freshness]:
    """Every document with its review status, most overdue first."""
    items = []
    for doc in portal.documents:
        due = None if dated_ahead(doc.reviewed, today) else portal.review_due(doc)  # a due date from it means nothing
        if due is None or due < today:
            status = "expired"
        elif (due - today).days <= within_days:
            status = "due-soon"
        else:
            status = "fresh"
        line, col = positions.get(doc.source, (1, 1))
        items.append(Freshness(doc.kind, doc.id, doc.title, doc.source, line, col, doc.owner, doc.reviewed,
                               portal.review_interval(doc), due, status))
    return sorted(items, key=lambda i: (i.due or dt.date.min, i.path))


def _message(item: Freshness, today: dt.date) -> str:
    who = f"; owner {item.owner}" if item.owner else ""
    noun = NOUNS.get(item.kind, item.kind)
    if item.reviewed is None:
        return f"{noun} '{item.id}' was never reviewed (add reviewed: YYYY-MM-DD after reviewing it){who}"
    if dated_ahead(item.reviewed, today):
        return f"{noun} '{item.id}': {future_review(item.reviewed, today)}{who}"
    left = item.days_left(today)
    timing = f"review overdue by {-left} days" if left < 0 else f"review due in {left} days"
    return (f"{noun} '{item.id}': {timing} (reviewed {item.reviewed.isoformat()}, every {item.interval_days}d, "
            f"due {item.due.isoformat()}){who}")


def dated_ahead(reviewed: dt.date | None, today: dt.date) -> bool:
    """A review dated after today, with a day's grace: today is the portal's (settings.yml `timezone:`, UTC when
    absent), and an editor east of it is already on the next day (Tokyo's, on a UTC or Berlin portal)."""
    return reviewed is not None and (reviewed - today).days > 1  # not today + 1 day: past 9999-12-31 is no date


def future_review(reviewed: dt.date, today: dt.date) -> str:
    """Why a review dated after today is refused, by `csops stale` and `csops validate` alike."""
    return (f"reviewed {reviewed.isoformat()} is after today ({today.isoformat()}); a review cannot be dated ahead "
            f"(write the day the review happened)")


def stale_problems(items: list[Freshness], today: dt.date, fail_on_expired: bool) -> list[Problem]:
    """Expired and soon-due content as Problems, most overdue first; expired is an error only for a merge gate."""
    problems = []
    for item in items:
        if item.status == "fresh":
            continue
        expired = item.status == "expired"
        severity = ("error" if fail_on_expired else "warning") if expired else "notice"
        problems.append(Problem(item.path, item.line, item.col, "review-expired" if expired else "review-due-soon",
                                _message(item, today), severity=severity, status=item.status))
    return problems


def freshness_summary(items: list[Freshness]) -> str:
    counts = {s: sum(1 for i in items if i.status == s) for s in ("expired", "due-soon", "fresh")}
    return f"{counts['expired']} expired, {counts['due-soon']} due soon, {counts['fresh']} up to date"


def freshness_json(items: list[Freshness], today: dt.date) -> str:
    """Every document's review state, fresh ones included, for tools and dashboards."""
    payload = {"today": today.isoformat(), "summary": freshness_summary(items), "items": [
        {"kind": i.kind, "id": i.id, "title": i.title, "path": i.path, "line": i.line, "col": i.col,
         "owner": i.owner, "reviewed": i.reviewed.isoformat() if i.reviewed else None,
         "review_interval_days": i.interval_days, "due": i.due.isoformat() if i.due else None,
         "days_left": i.days_left(today), "status": i.status} for i in items]}
    return printable_json(payload)
