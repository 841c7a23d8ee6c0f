"""The same checklist line twice in one step, or two onboarding items with the same text: a pasted line kept after
a merge or an edit. Readers tick the same box twice, and nothing said so: checklist lines carry no id to clash.
Items with the same text that differ in when (due), for whom (segments) or where they lead (ref) are different
tasks: 'Check in with your manager' at T+7d and T+30d.
"""

from __future__ import annotations

from ..loader import Document
from ..located_values import LocDict, LocList
from ..problems import Problem
from . import sub_items


def check_file(doc: Document) -> list[Problem]:
    if not isinstance(doc.data, LocDict):
        return []
    problems: list[Problem] = []
    for item in sub_items(doc):
        checklist = item.get("checklist")
        if isinstance(checklist, LocList):
            problems += _repeats(doc.path, [(text, checklist.where(n), "") for n, text in enumerate(checklist)],
                                 f"checklist of '{item.get('id')}'")
        items = item.get("items")
        if isinstance(items, LocList):
            problems += _repeats(doc.path, [(i.get("text"), i.where("text"), _told_apart_by(i)) for i in items
                                            if isinstance(i, LocDict)], f"items of section '{item.get('id')}'")
    return problems


def _repeats(path: str, lines: list, where: str) -> list[Problem]:
    first: dict[tuple, int] = {}
    problems = []
    for text, (line, col), apart in lines:
        if not isinstance(text, str) or not text.strip():
            continue
        key = (" ".join(text.split()).casefold(), apart)
        if key in first:
            shown = text if len(text) <= 60 else text[:60] + "…"
            problems.append(Problem(path, line, col, "repeated-checklist-item",
                                    f"'{shown}' is already in the {where}, at line {first[key]}",
                                    "delete one of the two, or reword it if they are different tasks"))
        else:
            first[key] = line
    return problems


def _told_apart_by(item: LocDict) -> str:
    """What a reader sees of an item besides its text: its due, its segments and its ref."""
    return repr((item.get("due"), item.get("segments"), item.get("ref")))
