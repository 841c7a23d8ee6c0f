"""The ids renamed targets had first: cross-references, role ids and playbook ids read as they were written
before any rename, so a rename is no change to what names its target.

`csops mv` rewrites every reference to the new id and keeps the former ids as aliases, oldest first. Item versions
(versions.py) and `csops diff` read fields and text through FirstNames, so a step whose link `csops mv` rewrote
keeps its `?v=`, and no ticket's old link says "This step changed".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

from .kinds import PLAYBOOK_FIELDS, ROLE_FIELDS
from .model import ContentDoc, GlossaryTerm, Raci, Role

ROLE_VALUED = frozenset(ROLE_FIELDS) | {"raci"}  # fields holding role ids, which a role rename rewrites

# A cross-reference wherever it is written (a Markdown link, a reference definition, a `ref:` field).
_REFERENCE = re.compile(r"(?<![a-z0-9-])(?P<scheme>[a-z]+):(?P<id>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9-]+))?")
_ID_RUN = re.compile(r"[a-z0-9-]+")  # the characters of an id, as _REFERENCE reads one
_FEW_RENAMED = 16  # renamed ids up to which read_by searches a text for each rather than splitting it into runs


class FirstNames:
    """The first ids of every renamed document, item, glossary term and role of one portal (Portal.first_names)."""

    def __init__(self, documents: Sequence[ContentDoc], glossary: Sequence[GlossaryTerm], roles: Sequence[Role]):
        self._documents = documents
        self._glossary = glossary
        self._roles = roles

    @cached_property
    def _renamed(self) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
        """(scheme, id or alias) -> (the id it had first, {anchor or alias: the item's first id}), for every document
        or glossary term that was renamed or holds a renamed item. Aliases are former ids, oldest first (`csops mv`
        appends), so the first one is the id references were written with before any rename."""
        found = {}
        for doc in self._documents:
            items = {anchor: item.aliases[0] for item in doc.anchored_items if item.aliases
                     for anchor in (item.id, *item.aliases)}
            if doc.aliases or items:
                for ident in (doc.id, *doc.aliases):
                    found.setdefault((doc.kind, ident), (doc.aliases[0] if doc.aliases else doc.id, items))
        for entries, scheme in ((self._glossary, "glossary"), (self._roles, "role")):
            for entry in entries:
                for ident in (entry.id, *entry.aliases) if entry.aliases else ():
                    found.setdefault((scheme, ident), (entry.aliases[0], {}))
        return found

    @cached_property
    def state(self) -> str:
        """Everything as_first_named and field_as_first_named read, as text: a key for values made through them
        (index.collect_documents' item versions, reused by document_reuse.py)."""
        return repr((sorted(self._renamed.items()), self._renamed_roles))

    def read_by(self, text: str) -> str:
        """The part of `state` that values made from a document whose repr() is `text` can read: the renamed
        documents, items, terms and roles whose id or alias it spells. as_first_named and field_as_first_named look
        up only ids a value spells, as a whole run of id characters, so a document naming nothing renamed reads ''
        and a rename leaves it as it was: keyed on `state`, one `csops mv` made every search document of the portal
        again (document_reuse.py: 0.3 s at 1,000 playbooks)."""
        return self.read_of(self._spelled_in(text)) if self._renamed else ""

    def read_of(self, spelled) -> str:
        """The part of `state` for the renamed targets whose id or alias is in `spelled` (a set of ids as whole runs
        of id characters, or a text, any of whose substrings counts): what read_by gives for a text spelling them.
        With a renamed id of other characters a set of runs may miss it, so the whole state."""
        if isinstance(spelled, (set, frozenset)) and not self._renamed_ids_are_slugs:
            return self.state
        read = [(key, value) for key, value in self._renamed.items() if key[1] in spelled]
        return repr(sorted(read)) if read else ""

    @staticmethod
    def ids_spelled(text: str) -> set[str]:
        """Every whole run of id characters in `text`: what an id spelled in it is (read_of takes them)."""
        return set(_ID_RUN.findall(text))

    def _spelled_in(self, text: str) -> str | set[str]:
        """What of `text` an id could be, for `in`: the text itself, any substring (few renamed ids, or one of other
        characters), or every whole run of id characters, what _REFERENCE takes as an id and a bare id is in a repr
        (many: one set made, instead of a search of the text for each)."""
        if len(self._renamed) <= _FEW_RENAMED or not self._renamed_ids_are_slugs:
            return text
        return self.ids_spelled(text)

    @cached_property
    def _renamed_ids_are_slugs(self) -> bool:
        return all(_ID_RUN.fullmatch(ident) for _, ident in self._renamed)

    def first_role_id(self, role_id: str) -> str:
        """The id a role had first (`csops mv role` keeps former ids as aliases, oldest first), else `role_id`."""
        found = self._renamed.get(("role", role_id))
        return found[0] if found else role_id

    def field_as_first_named(self, name: str, value) -> str:
        """Field `name`'s value as text, with every role, playbook and cross-reference in it spelled by its target's
        first id: how item versions read a field, so a rename `csops mv` rewrote into it is no change. A duty's
        `playbooks:` list holds bare ids, not `playbook:` references, and renaming a playbook it lists gave the duty
        a new version: every ticket's link to it said 'This duty changed'."""
        if name in ROLE_VALUED:
            value = self.with_first_role_ids(value)
        elif name in PLAYBOOK_FIELDS and isinstance(value, tuple):
            value = tuple(self._renamed.get(("playbook", ident), (ident,))[0] for ident in value)
        return self.as_first_named(repr(value))

    def with_first_role_ids(self, value):
        """A ROLE_VALUED field's value (an owner, an audience, a Raci) with each role spelled by its first id:
        renaming a role is no change to what names it (step versions, `csops diff`)."""
        if not self._renamed_roles:
            return value
        if isinstance(value, Raci):
            return value.with_roles(self.first_role_id)
        if isinstance(value, tuple):
            return tuple(self.first_role_id(role) for role in value)
        return self.first_role_id(value) if isinstance(value, str) else value

    @cached_property
    def _renamed_roles(self) -> bool:
        return any(role.aliases for role in self._roles)

    @cached_property
    def _renamed_schemes(self) -> tuple[str, ...]:
        """'playbook:' and the like, for each kind something was renamed in: what a reference to it starts with."""
        return tuple(sorted({f"{scheme}:" for scheme, _ in self._renamed}))

    def may_rename(self, data: bytes) -> bool:
        """Whether as_first_named could change a text whose UTF-8 bytes `data` holds (a pickle holds its strings so):
        asked without writing a document out as text, which most builds, renaming nothing, need not."""
        return any(marker.encode("utf-8") in data for marker in self._renamed_schemes)

    def as_first_named(self, text: str) -> str:
        """`text` with each cross-reference to a renamed document or item spelled with the ids it had first.

        `csops mv` rewrites every reference to the new id; read this way, the text of a step or checklist item
        that links to what was renamed is what it was before, so its version (a copied link's ?v=, a tick) stays.
        """
        # every build asks this of every playbook (its render key) and every step (its version): the regex runs
        # only on text naming a scheme something was renamed in (86 ms a build at 1,000 playbooks, one rename)
        schemes = self._renamed_schemes
        if not schemes or not any(marker in text for marker in schemes):  # most portals renamed nothing
            return text

        def first(match: re.Match) -> str:
            found = self._renamed.get((match["scheme"], match["id"]))
            if found is None:
                return match[0]
            anchor = match["anchor"]
            return f"{match['scheme']}:{found[0]}" + (f"#{found[1].get(anchor, anchor)}" if anchor else "")

        return _REFERENCE.sub(first, text)
