"""RACI rules: exactly one Accountable and at least one Responsible per step and chart activity; no role both doing and consulted."""

from __future__ import annotations

import re
import unicodedata

from ..kinds import RACI_LETTERS
from ..loader import Document
from ..located_yaml import LocDict
from ..problems import Problem, shown
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
                    problems.append(Problem(doc.path, *pos, "raci-conflict",
                                            f"role '{role}' is both {seen[role]} and {letter} in {label}",
                                            "a role is either consulted/informed or doing the work, not both"))
                seen.setdefault(role, letter)
    return problems


def _letters(text) -> str | None:
    """'RA', 'r', 'R/A', 'Ｒ' as the RACI letters they name ('RA', 'R', 'RA', 'R'), or None when `text` is not only
    letters, each once."""
    if not isinstance(text, str):
        return None
    letters = re.sub(r"[\s,/&+・、]", "", unicodedata.normalize("NFKC", text).upper())
    if not letters or any(letter not in RACI_LETTERS for letter in letters) or len(set(letters)) != len(letters):
        return None
    return letters


def rewritten(raci: dict) -> tuple[str, str] | None:
    """The RACI an editor meant, written as csops reads it ('{R: csm, A: [csm, cs-lead]}'), when its keys are not
    the four capital letters but say which they mean: a grid's row turned around (csm: RA, cs-lead: A), letters
    joined or in lower case or full width (RA: csm, a: cs-lead, Ｉ: support), and how the first odd key was
    written. None when a key says no letter."""
    roles: dict[str, list[str]] = {letter: [] for letter in RACI_LETTERS}
    how = ""
    for key, value in raci.items():
        values = value if isinstance(value, list) else [value]
        by_role = [_letters(v) for v in values]
        if isinstance(key, str) and values and all(by_role):  # csm: RA, or csm: [R, A]
            for letter in "".join(by_role):
                roles[letter].append(key)
            how = how or f"by role ('{shown(key)}: {shown(', '.join(map(str, values)))}')"
        elif _letters(key) and all(isinstance(v, str) for v in values):  # RA: csm, or a: [cs-lead]
            for letter in _letters(key):
                roles[letter].extend(values)
            if key not in RACI_LETTERS:
                how = how or (f"with letters joined ('{shown(key)}')" if len(_letters(key)) > 1
                              else f"with '{shown(key)}' for '{_letters(key)}'")
        else:
            return None
    written = []
    for letter, named in roles.items():
        named = list(dict.fromkeys(named))
        if named:
            written.append(f"{letter}: {named[0]}" if len(named) == 1 else f"{letter}: [{', '.join(named)}]")
    return "{" + ", ".join(written) + "}", how
