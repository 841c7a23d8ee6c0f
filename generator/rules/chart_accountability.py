"""A role chart and the playbooks it links must agree on who is Accountable.

A chart row says which role answers for a duty (A) and links the playbooks that carry it out. When a linked
playbook's steps make other roles Accountable and never that one, a new CSM reads two answers to "who signs this off" and cannot tell
which page to believe (the bundled chart made Finance A for booking renewals while the renewal playbook's
close-out step made CS Ops A). A playbook whose steps name no A (owners only) says nothing to contradict. A warning:
the fix may be on either page, and only its editor knows which.
"""

from __future__ import annotations

from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem
from . import as_list, doc_id, located_values, sub_items

CODES = ("chart-accountable",)


def check(documents: list[Document], former_roles: dict[str, str] | None = None) -> list[Problem]:
    """One warning per (chart row, linked playbook) where the playbook's steps name Accountable roles and the row's
    A is none of them.
    `former_roles`: a renamed role's old id -> its id, so a page still written with the old id agrees."""
    same = (former_roles or {}).get
    accountable_in: dict[str, set[str]] = {}  # playbook id -> every role Accountable on one of its steps
    files: dict[str, str] = {}  # playbook id -> its file
    for doc in documents:
        if doc.kind == "playbook" and isinstance(doc.data, LocDict):
            files[doc_id(doc)] = doc.path
            roles = accountable_in.setdefault(doc_id(doc), set())
            for step in sub_items(doc):
                raci = step.get("raci")
                if isinstance(raci, LocDict):
                    roles.update(same(r, r) for r in as_list(raci.get("A")) if isinstance(r, str))
    problems = []
    for doc in documents:
        if doc.kind != "chart" or not isinstance(doc.data, LocDict):
            continue
        for activity in sub_items(doc):
            raci = activity.get("raci")
            held = {same(r, r) for r in as_list(raci.get("A")) if isinstance(r, str)} if isinstance(raci, LocDict) else set()
            for playbook, where in located_values(activity, "playbooks") if held else ():
                others = accountable_in.get(playbook)
                if others and not held & others:  # a playbook that names no A on its steps says nothing else
                    role = ", ".join(sorted(held))
                    problems.append(Problem(
                        doc.path, *where, "chart-accountable",
                        f"'{activity.get('id')}' makes {role} Accountable, but the steps of playbook '{playbook}' make "
                        f"{', '.join(sorted(others))} A and never {role}: a reader of both pages gets two answers to "
                        "who signs it off",
                        f"make {role} A on the step of {files[playbook]} that completes this duty, "
                        "or change the row's A, or unlink the playbook if it does not carry out this duty",
                        severity="warning"))
    return problems
