"""RACI rules: exactly one Accountable and at least one Responsible per step and chart activity; no role both doing
and consulted, the step's owner included."""

from __future__ import annotations

from ..kinds import RACI_LETTERS
from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem
from . import as_list, located_values, sub_items


def check_file(doc: Document) -> list[Problem]:
    """RACI problems of one file: they depend on nothing else, so the content cache keeps them per file."""
    problems: list[Problem] = []
    if not isinstance(doc.data, LocDict):
        return problems
    for item in sub_items(doc):
        raci = item.get("raci")
        if not isinstance(raci, LocDict):
            continue
        label = f"'{item.get('id')}'"
        if any(key not in RACI_LETTERS for key in raci):
            continue  # the shape check names each other key (or rewrites a RACI written by role): presence waits
        if any(not isinstance(raci.get(k), (str, list, type(None))) for k in ("R", "A")):
            continue  # wrong types are reported by the shape checks
        accountable = as_list(raci.get("A"))
        if len(accountable) != 1:
            line, col = raci.where("A") if "A" in raci else raci.pos
            found = ", ".join(accountable) or "none"
            problems.append(Problem(doc.path, line, col, "raci-one-accountable",
                                    f"{label} must have exactly one Accountable role (A), found {found}",
                                    "keep one role in A and move the others to R or C" if accountable else
                                    "add the one role that answers for the outcome, e.g. A: cs-lead"))
        if not as_list(raci.get("R")):
            line, col = raci.where("R") if "R" in raci else raci.pos
            problems.append(Problem(doc.path, line, col, "raci-needs-responsible",
                                    f"{label} has no Responsible role (R)", "name who does the work, e.g. R: csm"))
        seen: dict[str, str] = {}
        for letter in RACI_LETTERS:
            for role, pos in located_values(raci, letter):
                if role in seen and {seen[role], letter} != {"R", "A"}:
                    problems.append(_conflict(doc.path, pos, role, seen[role], letter, label))
                seen.setdefault(role, letter)
        owner = item.get("owner")
        if isinstance(owner, str) and seen.get(owner) in ("C", "I"):
            # the role page listed the step's owner under C or I only, and the step page said it does the step
            problems.append(Problem(doc.path, *item.where("owner"), "raci-conflict",
                                    f"owner '{owner}' of {label} is {seen[owner]} in its raci, not doing the step",
                                    f"the owner does the step: move '{owner}' to R in the raci, or make the role "
                                    "that does it the owner"))
    return problems


def _conflict(path: str, pos, role: str, first: str, letter: str, label: str) -> Problem:
    """A role in two places of one RACI, named as the slip it is: 'both R and R' told nobody anything."""
    if first == letter:
        return Problem(path, *pos, "raci-conflict", f"role '{role}' is listed twice in {letter} of {label}", "remove one")
    if {first, letter} == {"C", "I"}:
        return Problem(path, *pos, "raci-conflict", f"role '{role}' is both C and I in {label}",
                       "a consulted role is kept informed too: keep it in C only")
    return Problem(path, *pos, "raci-conflict", f"role '{role}' is both {first} and {letter} in {label}",
                   "a role is either consulted/informed or doing the work, not both")
