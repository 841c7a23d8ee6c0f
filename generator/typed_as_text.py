"""Structure an editor typed as text, the way a spreadsheet or a chat message writes it: a list as commas
(`related: qbr, renewal-runway`), a RACI by role (`csm: RA`). Read here so the shape check can name what was meant;
shape checks (shape_check.py) and content rules (rules/) both use it, so it depends on neither."""

from __future__ import annotations

import re
import unicodedata

from .kinds import RACI_LETTERS
from .problems import shown


def listed_in_text(text: str) -> list[str]:
    """The entries of a list written as one text ('csm, support', 'smb、enterprise'): what its commas separate."""
    return [part.strip() for part in re.split(r"[,、，]", text) if part.strip()]


# A letter spelt out, as a RACI grid's header or the legend says it (English, and the Japanese the portal shows)
_SPELT_LETTERS = {"responsible": "R", "accountable": "A", "consulted": "C", "informed": "I",
                  "実行責任": "R", "実行責任者": "R", "説明責任": "A", "説明責任者": "A", "協議": "C", "協議先": "C",
                  "報告": "I", "報告先": "I"}


def _letters(text) -> str | None:
    """'RA', 'r', 'R/A', 'Ｒ', 'Informed', '協議先', '報告先（I）' as the RACI letters they name ('RA', 'R', 'RA', 'R', 'I',
    'C', 'I'), or None when `text` is not only letters, each once, or one letter spelt out (with that letter after it
    in brackets, as the Japanese legend shows it)."""
    if not isinstance(text, str):
        return None
    word = unicodedata.normalize("NFKC", text).strip()
    bracketed = re.fullmatch(r"(.+?)\s*\(([A-Za-z])\)", word)
    spelt = _SPELT_LETTERS.get((bracketed[1] if bracketed else word).lower())
    if spelt and (bracketed is None or bracketed[2].upper() == spelt):
        return spelt
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
