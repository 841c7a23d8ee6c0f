"""A role chart and the playbooks it links must agree on who is Accountable.

A chart row says which role answers for a duty (A) and links the playbooks that carry it out. When that role is
Accountable on no step of a linked playbook, a new CSM reads two answers to "who signs this off" and cannot tell
which page to believe (the bundled chart made Finance A for booking renewals while the renewal playbook's
close-out step made CS Ops A). A warning: the fix may be on either page, and only its editor knows which.
"""

from __future__ import annotations

from ..loader import Document
from ..located_yaml import LocDict
from ..problems import Problem
from . import as_list, doc_id, located_values, sub_items

CODES = ("chart-accountable",)


def check(documents: list[Document], former_roles: dict[str, str] | None = None) -> list[Problem]:
    """One warning per (chart row, linked playbook) where the row's A holds no step of the playbook.
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
                if playbook in accountable_in and not held & accountable_in[playbook]:
                    role = ", ".join(sorted(held))
                    problems.append(Problem(
                        doc.path, *where, "chart-accountable",
                        f"'{activity.get('id')}' makes {role} Accountable, but no step of playbook '{playbook}' has "
                        f"{role} as A: a reader of both pages gets two answers to who signs it off",
                        f"make {role} A on the step of {files[playbook]} that completes this duty, "
                        "or change the row's A, or unlink the playbook if it does not carry out this duty",
                        severity="warning"))
    return problems
