"""Run every check over loaded content and hand back either the model or all the problems.

Shape checks run first; cross-file rules run on every document whose shape
is sound, so one run reports everything an Ops editor needs to fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .loader import Document, LocDict, load_content
from .model import Portal, build_portal
from .problems import ContentError, Problem
from .rules import build_catalog, ids, raci, references
from .schema import check_shape

RULES = (ids.check, references.check, raci.check)


def _check_dates(doc: Document) -> list[Problem]:
    value = doc.data.get("reviewed") if isinstance(doc.data, LocDict) else None
    if not isinstance(value, str):
        return []
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [Problem(doc.path, *doc.data.where("reviewed"), "invalid-value", f"'{value}' is not a real date",
                        "write dates as YYYY-MM-DD")]
    return []


def check_documents(documents: list[Document]) -> list[Problem]:
    """All shape and rule problems of the given documents, sorted."""
    problems: list[Problem] = []
    sound = []
    for doc in documents:
        shape = check_shape(doc) + _check_dates(doc)
        problems.extend(shape)
        if isinstance(doc.data, LocDict):
            sound.append(doc)
    catalog = build_catalog(sound)
    for rule in RULES:
        problems.extend(rule(sound, catalog))
    return sorted(set(problems))


def check_project(project: Path) -> tuple[list[Document], list[Problem]]:
    documents, problems = load_content(project)
    return documents, sorted(set(problems + check_documents(documents)))


def load_portal(project: Path) -> Portal:
    """Load, check and model a project's content; raises ContentError listing every problem."""
    documents, problems = check_project(project)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    return build_portal(documents)
