"""Review freshness: when each document is due for review, and which are past it (`csops stale`).

Due date = `reviewed` + the document's `review_interval` (or settings.yml's).
Content that was never reviewed counts as expired, so a team that makes
freshness a merge gate cannot slip unreviewed pages through.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .model import KIND_NOUNS, ContentDoc, Settings, build_portal, parse_days
from .problems import ContentError
from .report import github_escape, resolve_format

def review_interval(doc: ContentDoc, settings: Settings) -> int:
    return doc.review_interval_days or settings.review_interval_days


def review_due(doc: ContentDoc, settings: Settings) -> dt.date | None:
    """The date a document should be reviewed again; None if it never was."""
    if doc.reviewed is None:
        return None
    return doc.reviewed + dt.timedelta(days=review_interval(doc, settings))


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
        due = review_due(doc, portal.settings)
        if due is None or due < today:
            status = "expired"
        elif (due - today).days <= within_days:
            status = "due-soon"
        else:
            status = "fresh"
        line, col = positions.get(doc.source, (1, 1))
        items.append(Freshness(doc.kind, doc.id, doc.title, doc.source, line, col, doc.owner, doc.reviewed,
                               review_interval(doc, portal.settings), due, status))
    return sorted(items, key=lambda i: (i.due or dt.date.min, i.path))


def assess_project(project: Path, today: dt.date, within_days: int) -> list[Freshness]:
    from .validate import check_project

    documents, problems = check_project(project)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    positions = {}
    for doc in documents:
        if isinstance(doc.data, dict):
            positions[doc.path] = doc.data.where("reviewed") if "reviewed" in doc.data else doc.data.pos
    return assess(build_portal(documents), positions, today, within_days)


def parse_within(text: str) -> int:
    import click

    try:
        return parse_days(text) or 0
    except (ValueError, IndexError):
        raise click.BadParameter(f"'{text}' is not an interval; write e.g. 30d or 4w", param_hint="--within") from None


def _message(item: Freshness, today: dt.date) -> str:
    who = f"; owner {item.owner}" if item.owner else ""
    noun = KIND_NOUNS.get(item.kind, item.kind)
    if item.reviewed is None:
        return f"{noun} '{item.id}' was never reviewed (add reviewed: YYYY-MM-DD after reviewing it){who}"
    left = item.days_left(today)
    timing = f"review overdue by {-left} days" if left < 0 else f"review due in {left} days"
    return (f"{noun} '{item.id}': {timing} (reviewed {item.reviewed.isoformat()}, every {item.interval_days}d, "
            f"due {item.due.isoformat()}){who}")


def _summary(items: list[Freshness]) -> str:
    counts = {s: sum(1 for i in items if i.status == s) for s in ("expired", "due-soon", "fresh")}
    return f"{counts['expired']} expired, {counts['due-soon']} due soon, {counts['fresh']} up to date"


def format_freshness(items: list[Freshness], fmt: str, fail_on_expired: bool, today: dt.date) -> str:
    listed = [i for i in items if i.status != "fresh"]
    fmt = resolve_format(fmt)
    if fmt == "json":
        payload = {"today": today.isoformat(), "summary": _summary(items), "items": [
            {"kind": i.kind, "id": i.id, "title": i.title, "path": i.path, "line": i.line, "col": i.col,
             "owner": i.owner, "reviewed": i.reviewed.isoformat() if i.reviewed else None,
             "review_interval_days": i.interval_days, "due": i.due.isoformat() if i.due else None,
             "days_left": i.days_left(today), "status": i.status} for i in items]}
        return json.dumps(payload, ensure_ascii=False, indent=2)
    lines = []
    for i in listed:
        code = "review-expired" if i.status == "expired" else "review-due-soon"
        if fmt == "github":
            level = ("error" if fail_on_expired else "warning") if i.status == "expired" else "notice"
            lines.append(f"::{level} file={github_escape(i.path, True)},line={i.line},col={i.col},title={code}::"
                         f"{github_escape(_message(i, today))}")
        else:
            lines.append(f"{i.path}:{i.line}:{i.col}: {i.status}: {_message(i, today)} [{code}]")
    return "\n".join(lines + [_summary(items)])
