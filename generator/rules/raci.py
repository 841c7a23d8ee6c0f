"""RACI rules: exactly one Accountable and at least one Responsible per step and chart activity; no role both doing
and consulted, the step's owner included; a chart's table of activities by roles small enough to build."""

from __future__ import annotations

from ..kinds import RACI_LETTERS
from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem
from . import as_list, located_values, sub_items

# A chart's page is a table of a row per activity and a column per role named in it: an 884 kB chart of 1,000
# activities naming 1,000 roles made a table of a million cells, which took its build 47 s of CPU and 1.6 GB of
# memory for a 65 MB page. The bundled charts have at most 100 cells.
MAX_CHART_CELLS = 20_000


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
    if doc.kind == "chart":
        problems.extend(_chart_table_too_large(doc))
    return problems


def _chart_table_too_large(doc: Document) -> list[Problem]:
    """One Problem at the activity whose row takes the chart's table past MAX_CHART_CELLS (a row per activity, a
    column per role the chart names), counted as the page will have it."""
    roles: set[str] = set()
    for rows, activity in enumerate(sub_items(doc), start=1):
        raci = activity.get("raci")
        if isinstance(raci, LocDict):
            roles.update(role for letter in RACI_LETTERS for role, _ in located_values(raci, letter))
        if rows * len(roles) > MAX_CHART_CELLS:
            return [Problem(doc.path, *activity.pos, "chart-too-large",
                            f"this chart's table passes {MAX_CHART_CELLS:,} cells here: {rows:,} activities by "
                            f"{len(roles):,} roles, a row per activity and a column per role",
                            "split it into charts a reader can take in, each naming the roles it concerns; a table "
                            "of a million cells takes the build minutes")]
    return []


def _conflict(path: str, pos, role: str, first: str, letter: str, label: str) -> Problem:
    """A role in two places of one RACI, named as the slip it is: 'both R and R' told nobody anything."""
    if first == letter:
        return Problem(path, *pos, "raci-conflict", f"role '{role}' is listed twice in {letter} of {label}", "remove one")
    if {first, letter} == {"C", "I"}:
        return Problem(path, *pos, "raci-conflict", f"role '{role}' is both C and I in {label}",
                       "a consulted role is kept informed too: keep it in C only")
    return Problem(path, *pos, "raci-conflict", f"role '{role}' is both {first} and {letter} in {label}",
                   "a role is either consulted/informed or doing the work, not both")
