"""Item versions: a short hash of what a reader sees of an item, which `?v=` links and What's new compare.

A copied link (the page's Copy link, `csops link`, the search API) carries a step's version as `?v=`, a reader's
tick keeps a checklist item's, and What's new and `csops diff` compare them across commits: all read the one
definition here, so they agree on what is a change.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from functools import lru_cache

from .portal import Portal

# Fields readers never see: the ways readers ask for an item, which only search reads. Editing them changes
# no page, no step version (`?v=`) and no What's-new line; `csops diff` still lists them for reviewers.
SEARCH_ONLY_FIELDS = frozenset({"asked_as"})


def content_hash(*parts: str) -> str:
    """Short stable hash of an item's content, so readers see when a ticked item changed."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


# An FAQ answer's tags file it, they say nothing of it: retagging told every ticket's old link "this answer changed".
_UNVERSIONED = frozenset({"id", "aliases", "line", "tags"}) | SEARCH_ONLY_FIELDS


def item_version(item, portal: Portal) -> str:
    """Short stable hash of what a reader sees of a step (not its id, aliases or source line).

    A renamed step keeps its version, and so does a step whose links `csops mv` rewrote to a renamed target
    (`FirstNames.field_as_first_named`); an edit to its title, body, owner, RACI, due date,
    checklist, segments or variants gives a new one. Links carry it as `?v=` (the page's Copy link, csops link,
    the search API), and the What's-new history compares it across commits: all use this one definition.
    """
    return content_hash(*(portal.first_names.field_as_first_named(name, getattr(item, name))
                          for name in _versioned_fields(type(item))))


@lru_cache(maxsize=None)
def _versioned_fields(kind: type) -> tuple[str, ...]:
    """The fields of an item class that item_version reads, in their order: found once per class, not for each of
    the 8,000 steps a build at 1,000 playbooks versions."""
    return tuple(f.name for f in fields(kind) if f.name not in _UNVERSIONED)


def tick_version(portal: Portal, *parts: str) -> str:
    """A checklist item's version, kept with the reader's tick: its words, link and due date, with references
    spelled as `item_version` reads them, so renaming what an item links to does not mark the item changed."""
    return content_hash(*(portal.first_names.as_first_named(part) for part in parts))
