"""The Portal: all content of one portal, and the domain questions asked of it: who does what (a role's duties,
a chart's roles), what is due for review, which phases and tags there are, what a cross-reference names, and
the ids renamed targets had first (first_names.py).

Built by model_builder.py from the content dataclasses (model.py). Renderers, the search index and the
reports ask these questions here, so no template or report works an answer out for itself.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from .first_names import FirstNames
from .kinds import DOCUMENT_KINDS
from .model import Chart, Checklist, ContentDoc, FaqTopic, GlossaryTerm, Playbook, Role, Settings


@lru_cache(maxsize=4096)
def tag_key(tag: str) -> str:
    """What makes two tags one: letters, digits and their marks of any script, width and case folded (NFKC), the rest
    one hyphen ('x' if none). A tag pasted decomposed (ガ as カ and a combining ゛, as macOS file names hold it) had
    its marks made hyphens, and was filed under another word (ガイド under カ イト); ＣＲＭ, typed with a Japanese
    input method on, was a tag apart from crm."""
    text = unicodedata.normalize("NFKC", tag).casefold()
    kept = "".join(c if c.isalnum() or c == "_" or unicodedata.category(c)[0] == "M" else " " for c in text)
    return "-".join(kept.split()).strip("-_") or "x"


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
    def first_names(self) -> FirstNames:
        """The ids renamed targets had first: how item versions and `csops diff` read references and role ids."""
        return FirstNames(self.documents, self.glossary, self.roles)

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
