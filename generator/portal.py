"""The Portal: all content of one portal, and the domain questions asked of it: who does what (a role's duties,
a chart's roles), what is due for review, which phases and tags there are, what a cross-reference names, and
how a renamed target was first named.

Built by model_builder.py from the content dataclasses (model.py). Renderers, the search index and the
reports ask these questions here, so no template or report works an answer out for itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .kinds import DOCUMENT_KINDS, PLAYBOOK_FIELDS, ROLE_FIELDS
from .model import Chart, Checklist, ContentDoc, FaqTopic, GlossaryTerm, Playbook, Raci, Role, Settings

ROLE_VALUED = frozenset(ROLE_FIELDS) | {"raci"}  # fields holding role ids, which a role rename rewrites

# A cross-reference wherever it is written (a Markdown link, a reference definition, a `ref:` field).
_REFERENCE = re.compile(r"(?<![a-z0-9-])(?P<scheme>[a-z]+):(?P<id>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9-]+))?")


def tag_key(tag: str) -> str:
    """What makes two tags one: letters and digits of any script, case folded, the rest one hyphen ('x' if none)."""
    return re.sub(r"[^\w]+", "-", tag.casefold()).strip("-_") or "x"


# Lifecycle order for phases settings.yml does not list (the bundled playbooks' phases, then any other alphabetically).
DEFAULT_PHASE_ORDER = ("onboarding", "adoption", "expansion", "renewal", "risk", "advocacy", "enablement", "operations")


class Duty(NamedTuple):
    """One thing a role holds a RACI letter for: a chart activity or a playbook step. A tuple, not a frozen
    dataclass: a portal of 1,000 playbooks makes 32,000 of them, and a frozen dataclass is slow to create."""

    letters: str
    kind: str  # "chart" or "playbook"
    doc_id: str
    doc_title: str
    anchor: str
    name: str
    group: str  # chart title, or playbook phase


@dataclass(frozen=True)
class Portal:
    """All content of one portal, every collection sorted by id."""

    roles: tuple[Role, ...] = ()
    playbooks: tuple[Playbook, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    faqs: tuple[FaqTopic, ...] = ()
    charts: tuple[Chart, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def roles_by_id(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}

    @cached_property
    def playbooks_by_id(self) -> dict[str, Playbook]:
        return {p.id: p for p in self.playbooks}

    def role(self, role_id: str) -> Role:
        return self.roles_by_id[role_id]

    @cached_property
    def former_role_ids(self) -> dict[str, str]:
        """A renamed role's former ids (its aliases) -> its id: the role a reader chose before the rename, which
        their browser remembers by the old id (csops.js), is still theirs."""
        return {alias: role.id for role in self.roles for alias in role.aliases}

    def playbook(self, playbook_id: str) -> Playbook:
        return self.playbooks_by_id[playbook_id]

    @cached_property
    def _titles(self) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
        """(scheme, id or alias) -> (title, {item anchor or alias: the item's title}), for every document."""
        found = {}
        for doc in self.documents:
            items = {}
            for item in doc.anchored_items:
                for anchor in (item.id, *item.aliases):
                    items.setdefault(anchor, item.label)
            for ident in (doc.id, *doc.aliases):
                found.setdefault((doc.kind, ident), (doc.title, items))
        return found

    def title_of(self, scheme: str, ident: str, anchor: str = "") -> str:
        """What a cross-reference (playbook:id#step, role:id, glossary:term) names, in the content's words; "" if
        nothing (validation reports that)."""
        if scheme == "role":
            return self.roles_by_id[ident].name if ident in self.roles_by_id else ""
        if scheme == "glossary":
            return next((t.term for t in self.glossary if t.id == ident), "")
        title, items = self._titles.get((scheme, ident), ("", {}))
        return items.get(anchor, title) if anchor else title

    @cached_property
    def _first_names(self) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
        """(scheme, id or alias) -> (the id it had first, {anchor or alias: the item's first id}), for every document
        or glossary term that was renamed or holds a renamed item. Aliases are former ids, oldest first (`csops mv`
        appends), so the first one is the id references were written with before any rename."""
        found = {}
        for doc in self.documents:
            items = {anchor: item.aliases[0] for item in doc.anchored_items if item.aliases
                     for anchor in (item.id, *item.aliases)}
            if doc.aliases or items:
                for ident in (doc.id, *doc.aliases):
                    found.setdefault((doc.kind, ident), (doc.aliases[0] if doc.aliases else doc.id, items))
        for entries, scheme in ((self.glossary, "glossary"), (self.roles, "role")):
            for entry in entries:
                for ident in (entry.id, *entry.aliases) if entry.aliases else ():
                    found.setdefault((scheme, ident), (entry.aliases[0], {}))
        return found

    def first_role_id(self, role_id: str) -> str:
        """The id a role had first (`csops mv role` keeps former ids as aliases, oldest first), else `role_id`."""
        found = self._first_names.get(("role", role_id))
        return found[0] if found else role_id

    def field_as_first_named(self, name: str, value) -> str:
        """Field `name`'s value as text, with every role, playbook and cross-reference in it spelled by its target's
        first id: how item versions read a field, so a rename `csops mv` rewrote into it is no change. A duty's
        `playbooks:` list holds bare ids, not `playbook:` references, and renaming a playbook it lists gave the duty
        a new version: every ticket's link to it said 'This duty changed'."""
        if name in ROLE_VALUED:
            value = self.with_first_role_ids(value)
        elif name in PLAYBOOK_FIELDS and isinstance(value, tuple):
            value = tuple(self._first_names.get(("playbook", ident), (ident,))[0] for ident in value)
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
        return any(role.aliases for role in self.roles)

    @cached_property
    def _renamed_schemes(self) -> tuple[str, ...]:
        """'playbook:' and the like, for each kind something was renamed in: what a reference to it starts with."""
        return tuple(sorted({f"{scheme}:" for scheme, _ in self._first_names}))

    def as_first_named(self, text: str) -> str:
        """`text` with each cross-reference to a renamed document or item spelled with the ids it had first.

        `csops mv` rewrites every reference to the new id; read this way, the text of a step or checklist item
        that links to what was renamed is what it was before, so its version (a copied link's ?v=, a tick) stays.
        """
        # every build asks this of every playbook (its render key) and every step (its version): the regex runs
        # only on text naming a scheme something was renamed in (86 ms a build at 1,000 playbooks, one rename)
        if not any(marker in text for marker in self._renamed_schemes):
            return text

        def first(match: re.Match) -> str:
            found = self._first_names.get((match["scheme"], match["id"]))
            if found is None:
                return match[0]
            anchor = match["anchor"]
            return f"{match['scheme']}:{found[0]}" + (f"#{found[1].get(anchor, anchor)}" if anchor else "")

        return _REFERENCE.sub(first, text)

    @cached_property
    def documents(self) -> tuple[ContentDoc, ...]:
        """Every document with a page, kind by kind in kinds.py's order."""
        return tuple(doc for kind in DOCUMENT_KINDS for doc in getattr(self, kind.portal_attr))

    def playbooks_in_phase(self, phase: str) -> list[Playbook]:
        return self._playbooks_by_phase.get(phase, [])

    @cached_property
    def _playbooks_by_phase(self) -> dict[str, list[Playbook]]:
        groups: dict[str, list[Playbook]] = {}
        for playbook in self.playbooks:
            groups.setdefault(playbook.phase, []).append(playbook)
        return groups

    def review_interval(self, doc: ContentDoc) -> int:
        return doc.review_interval_days or self.settings.review_interval_days

    def review_due(self, doc: ContentDoc) -> dt.date | None:
        """The date a document should be reviewed again; None if it never was."""
        if doc.reviewed is None:
            return None
        try:
            return doc.reviewed + dt.timedelta(days=self.review_interval(doc))
        except OverflowError:  # reviewed late in year 9999: due after the calendar ends
            return dt.date.max

    def chart_roles(self, chart: "Chart") -> list[str]:
        """Roles that appear in a chart, in role-catalog order."""
        used = {role for activity in chart.activities for role in activity.raci.roles}
        return [r.id for r in self.roles if r.id in used]

    def role_duties(self, role_id: str) -> list[Duty]:
        """Everything a role is R/A/C/I for, across charts and playbook steps (owner counts as R)."""
        return list(self._duties_by_role.get(role_id, ()))

    @cached_property
    def _duties_by_role(self) -> dict[str, list[Duty]]:
        """Every role's duties, charts first, in one pass: role pages ask for each role, and a pass per
        role read every step of every playbook once per role."""
        duties: dict[str, list[Duty]] = {}
        for chart in self.charts:
            for activity in chart.activities:
                for role_id, letters in activity.raci.letters_by_role().items():
                    duties.setdefault(role_id, []).append(Duty(letters, "chart", chart.id, chart.title, activity.id,
                                                               activity.name, chart.title))
        for playbook in self.playbooks:
            for step in playbook.steps:
                held = step.raci.letters_by_role()
                if step.owner and step.owner not in held:
                    held[step.owner] = "R"  # the owner does the step
                for role_id, letters in held.items():
                    duties.setdefault(role_id, []).append(Duty(letters, "playbook", playbook.id, playbook.title, step.id,
                                                               step.title, playbook.phase))
        return duties

    def role_duties_by_letter(self, role_id: str) -> list[tuple[str, list[Duty]]]:
        """A role's duties under the strongest letter each holds (A, then R, C, I), so none is listed twice."""
        groups: dict[str, list[Duty]] = {letter: [] for letter in ("A", "R", "C", "I")}
        for duty in self.role_duties(role_id):
            strongest = next(letter for letter in groups if letter in duty.letters)
            groups[strongest].append(duty)
        return list(groups.items())

    def role_code(self, role_id: str) -> str:
        role = self.roles_by_id.get(role_id)
        return role.code if role else role_id

    @cached_property
    def reader_checklists(self) -> tuple["Checklist", ...]:
        """Onboarding checklists in role-catalog order of their audience (the first role's first), then by id."""
        rank = {role.id: index for index, role in enumerate(self.roles)}
        return tuple(sorted(self.checklists, key=lambda c: (min((rank.get(r, len(rank)) for r in c.audience),
                                                              default=len(rank)), c.id)))

    @cached_property
    def tags(self) -> tuple[tuple[str, tuple], ...]:
        """Every tag with what carries it, as (tag, ((document, entry-or-None), …)), tags sorted. Spellings of one
        tag key ('Renewal' and 'renewal', 'a b' and 'a-b') are one tag, shown as its most used spelling: they share
        one anchor on the tags page, so two sections would give it twice and every link would land on the first."""
        found: dict[str, dict[tuple[int, int], tuple]] = {}  # key -> carriers by identity, in order
        spellings: dict[str, Counter] = defaultdict(Counter)
        carriers = [((p, None), p.tags) for p in self.playbooks] + [
            ((topic, entry), entry.tags) for topic in self.faqs for entry in topic.entries]
        for carrier, tags in carriers:
            for tag in tags:
                key = tag_key(tag)
                found.setdefault(key, {}).setdefault((id(carrier[0]), id(carrier[1])), carrier)
                spellings[key][tag] += 1
        shown = {key: max(sorted(counts), key=counts.__getitem__) for key, counts in spellings.items()}
        order = sorted(found, key=lambda key: (shown[key].casefold(), key))
        return tuple((shown[key], tuple(found[key].values())) for key in order)

    @cached_property
    def phases(self) -> tuple[str, ...]:
        """Phases that have playbooks, in settings.yml's order, else lifecycle order, else alphabetical."""
        rank: dict[str, int] = {}
        for phase in [p.id for p in self.settings.phases] + list(DEFAULT_PHASE_ORDER):
            rank.setdefault(phase, len(rank))
        return tuple(sorted({p.phase for p in self.playbooks if p.phase}, key=lambda ph: (rank.get(ph, len(rank)), ph)))
