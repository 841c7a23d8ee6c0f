"""What readers call a role, and how a name someone typed finds the id it means.

One rule for every place a person writes a name instead of an id: validate's role fields
(`owner: CS Lead`), search's role and phase filters (`--role "CS Lead"`, `--phase 契約更新`),
and the model's Role.names.
"""

from __future__ import annotations

import re
import unicodedata


def role_names(name, short) -> list[str]:
    """What a reader calls a role: its name, its short name, and a name with its short one in brackets written
    without them ('カスタマーサクセスマネージャー(CSM)' is also 'カスタマーサクセスマネージャー')."""
    names = [value for value in (name, short) if isinstance(value, str) and value.strip()]
    name = name.rstrip() if isinstance(name, str) else ""
    if names and name.endswith((")", "）")):
        # no '\s*' before the bracket: tried at every space of a run, it took 1.9 s for a name of 19,000 spaces
        bare = re.sub(r"[(（][^()（）]*[)）]$", "", name).rstrip()
        if bare.strip() and bare != name:
            names.append(bare)
    return names


def name_key(text: str) -> str:
    """A name as compared with what someone typed: width (ＣＳＭ), case and spaces around it aside."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def add_names(found: dict[str, str | None], ident: str, names) -> None:
    """Record in `found` (name_key -> id) that `names` name `ident`; a name two ids share names neither (None)."""
    for name in names:
        key = name_key(name)
        found[key] = ident if found.get(key, ident) == ident else None
