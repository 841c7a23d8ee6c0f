"""A document saved in another kind's folder: a FAQ topic in content/playbooks/ was "missing required field
'steps'" and "unknown field 'entries' (did you mean 'steps'?)", a fix that turns the answers into steps.

The folder decides the kind, so the file's own list field (steps, sections, entries, activities) says where it
belongs when it holds another kind's instead of its folder's.
"""

from __future__ import annotations

from ..kinds import DOCUMENT_KINDS, KINDS
from ..loader import Document
from ..located_yaml import LocDict
from ..problems import Problem


def misplaced(doc: Document) -> Problem | None:
    """The Problem naming the folder `doc` belongs in, when it is another kind's document."""
    kind = KINDS.get(doc.kind)
    if kind is None or not isinstance(doc.data, LocDict) or kind.items in doc.data:
        return None
    others = [other for other in DOCUMENT_KINDS if other is not kind and other.items in doc.data]
    if len(others) != 1:
        return None
    other = others[0]
    target = f"content/{other.folder}/{doc.path.rsplit('/', 1)[-1]}"
    return Problem(doc.path, *doc.data.where_key(other.items), "wrong-folder",
                   f"'{other.items}:' makes this file {_article(other.noun)} {other.noun}, but content/{kind.folder}/ "
                   f"holds {kind.noun}s",
                   f"move it: git mv {doc.path} {target}", root_cause=True)  # links to it are unknown until then


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeio" or noun.startswith("FAQ") else "a"
