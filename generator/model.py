"""The portal's content as frozen dataclasses, and the domain questions asked of it (who does what, what is due).

Built by model_builder.py only from documents that passed every check.

Renderers, the search index and the reports read this model and nothing else,
so they never deal with raw YAML or half-valid data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import NamedTuple

from .durations import parse_due
from .kinds import DOCUMENT_KINDS, PLAYBOOK_FIELDS, RACI_LETTERS, ROLE_FIELDS
from .portal_time import DEFAULT_ZONE
from .reader_names import role_names

# Fields readers never see: the ways readers ask for an item, which only search reads. Editing them changes
# no page, no step version (`?v=`) and no What's-new line; `csops diff` still lists them for reviewers.
SEARCH_ONLY_FIELDS = frozenset({"asked_as"})


def content_hash(*parts: str) -> str:
    """Short stable hash of an item's content, so readers see when a ticked item changed."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


# An FAQ answer's tags file it, they say nothing of it: retagging told every ticket's old link "this answer changed".
_UNVERSIONED = frozenset({"id", "aliases", "line", "tags"}) | SEARCH_ONLY_FIELDS
ROLE_VALUED = frozenset(ROLE_FIELDS) | {"raci"}  # fields holding role ids, which a role rename rewrites


def item_version(item, portal: Portal) -> str:
    """Short stable hash of what a reader sees of a step (not its id, aliases or source line).

    A renamed step keeps its version, and so does a step whose links `csops mv` rewrote to a renamed target
    (`Portal.field_as_first_named`); an edit to its title, body, owner, RACI, due date,
    checklist, segments or variants gives a new one. Links carry it as `?v=` (the page's Copy link, csops link,
    the search API), and the What's-new history compares it across commits: all use this one definition.
    """
    return content_hash(*(portal.field_as_first_named(f.name, getattr(item, f.name))
                          for f in fields(item) if f.name not in _UNVERSIONED))


def tick_version(portal: Portal, *parts: str) -> str:
    """A checklist item's version, kept with the reader's tick: its words, link and due date, with references
    spelled as `item_version` reads them, so renaming what an item links to does not mark the item changed."""
    return content_hash(*(portal.as_first_named(part) for part in parts))


# A cross-reference wherever it is written (a Markdown link, a reference definition, a `ref:` field).
_REFERENCE = re.compile(r"(?<![a-z0-9-])(?P<scheme>[a-z]+):(?P<id>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9-]+))?")


def as_tuple(value) -> tuple[str, ...]:
    """A role field may be one id or a list of ids."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def tag_key(tag: str) -> str:
    """What makes two tags one: letters and digits of any script, case folded, the rest one hyphen ('x' if none)."""
    return re.sub(r"[^\w]+", "-", tag.casefold()).strip("-_") or "x"


@dataclass(frozen=True)
class Raci:
    R: tuple[str, ...] = ()
    A: tuple[str, ...] = ()
    C: tuple[str, ...] = ()
    I: tuple[str, ...] = ()  # noqa: E741 - the RACI letter

    @classmethod
    def from_data(cls, data) -> "Raci":
        data = data or {}
        return cls(*(as_tuple(data.get(letter)) for letter in RACI_LETTERS))

    def with_roles(self, rename) -> "Raci":
        """This RACI with each role id passed through `rename`."""
        return Raci(*(tuple(rename(role) for role in getattr(self, letter)) for letter in RACI_LETTERS))

    def letters_for(self, role: str) -> str:
        """The RACI letters a role holds here, in R, A, C, I order ('' if none)."""
        return "".join(letter for letter in RACI_LETTERS if role in getattr(self, letter))

    def letters_by_role(self) -> dict[str, str]:
        """Every role here with its letters_for, in order of first mention: one pass instead of one per role."""
        held: dict[str, str] = {}
        for letter in RACI_LETTERS:
            for role in getattr(self, letter):
                so_far = held.get(role, "")
                if not so_far.endswith(letter):  # a role written twice under one letter holds it once
                    held[role] = so_far + letter
        return held

    @property
    def roles(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for letter in RACI_LETTERS:
            for role in getattr(self, letter):
                seen.setdefault(role)
        return tuple(seen)

    def __bool__(self) -> bool:
        return bool(self.R or self.A or self.C or self.I)


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str = ""
    short: str = ""
    aliases: tuple[str, ...] = ()  # former ids: their pages (roles/<alias>/) redirect here
    lang: str = ""  # the language name and short are written in, when the content says (roles.yml's lang)

    @property
    def names(self) -> list[str]:
        """Every name a reader may give it (validate's role fields, search's role filter): see role_names."""
        return role_names(self.name, self.short)

    @property
    def code(self) -> str:
        """What a crowded header shows: `short`, else a short name as is, else an abbreviation in the name.

        Ten full role names side by side made matrices wider than the page (and 8-line header
        stacks in Japanese), so a catalog without `short:` still gets compact headers.
        """
        if self.short:
            return self.short
        inner = re.search(r"^(.*?)\s*[(（]([ -~]{1,12})[)）]\s*$", self.name)
        if inner:
            return inner.group(2)
        head = re.split(r"\s*[(（]", self.name)[0]
        if len(head) <= 10:
            return head
        words = self.name.split()
        if len(words) > 1 and all(w[:1].isascii() and w[:1].isalpha() for w in words):
            return "".join(w if w.isupper() else w[0].upper() for w in words)
        return self.id


@dataclass(frozen=True)
class Segment:
    id: str
    name: str


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    description: str = ""


# Lifecycle order for phases settings.yml does not list (the bundled playbooks' phases, then any other alphabetically).
DEFAULT_PHASE_ORDER = ("onboarding", "adoption", "expansion", "renewal", "risk", "advocacy", "enablement", "operations")


@dataclass(frozen=True)
class Settings:
    review_interval_days: int = 180
    segments: tuple[Segment, ...] = ()
    phases: tuple[Phase, ...] = ()
    codeowners: tuple[tuple[str, str], ...] = ()
    timezone: str = DEFAULT_ZONE  # IANA name: the zone readers' dates and times are shown in (portal_time)


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: str
    definition: str
    synonyms: tuple[str, ...] = ()
    reading: str = ""  # how the term is read: 稟議 as りんぎ, for the glossary page's order
    aliases: tuple[str, ...] = ()  # former ids: glossary/#old links pasted before a rename still land on the term

    @property
    def searched_as(self) -> tuple[str, ...]:
        """Every spelling a reader may search the term by: itself, its synonyms and its reading (ひきつぎ, typed in kana
        when the input method was not asked to convert it, or by a reader unsure of the kanji)."""
        return (self.term, *self.synonyms, *((self.reading,) if self.reading.strip() else ()))

    @property
    def sort_key(self) -> str:
        """Where the term stands on the glossary page: by its reading (or itself), case- and width-blind, katakana
        as hiragana (チャーン beside ちゃ…): the order a Japanese reader looks for it in, where the ids (English)
        gave none."""
        text = unicodedata.normalize("NFKC", self.reading or self.term).casefold()
        return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    body: str = ""
    owner: str = ""
    raci: Raci = field(default_factory=Raci)
    checklist: tuple[str, ...] = ()
    due: str = ""
    segments: tuple[str, ...] = ()
    variants: tuple[tuple[str, str], ...] = ()
    asked_as: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    line: int = 0

    @property
    def label(self) -> str:
        """How the item is named in lists and change summaries."""
        return self.title

    @property
    def due_days(self) -> int | None:
        return parse_due(self.due)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(((self.owner,) if self.owner else ()) + self.raci.roles))


@dataclass(frozen=True)
class ContentDoc:
    """What every document has: identity, source file and review metadata."""

    id: str
    title: str
    source: str
    summary: str = ""
    owner: str = ""
    reviewed: dt.date | None = None
    review_interval_days: int | None = None
    aliases: tuple[str, ...] = ()

    @property
    def anchored_items(self) -> tuple:
        """Everything on the page with its own #anchor (steps, sections and items, entries, activities)."""
        return ()


@dataclass(frozen=True)
class Playbook(ContentDoc):
    phase: str = ""
    tags: tuple[str, ...] = ()
    trigger: str = ""
    goal: str = ""
    kpis: tuple[str, ...] = ()
    due_anchor: str = ""
    related: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()

    kind = "playbook"

    @property
    def anchored_items(self) -> tuple[Step, ...]:
        return self.steps

    @property
    def roles(self) -> tuple[str, ...]:
        found: dict[str, None] = {self.owner: None} if self.owner else {}
        for step in self.steps:
            for role in step.roles:
                found.setdefault(role)
        return tuple(found)

    @property
    def timeline(self) -> tuple[tuple[int, Step], ...]:
        """(step number, step) in the order they fall due, steps without a due offset last, else in step order: a
        timeline read 'T+14d' before 'T+7d' where a later step starts first (weekly check-ins, during setup)."""
        def when(pair: tuple[int, Step]) -> tuple[bool, int, int]:
            offset = parse_due(pair[1].due)
            return offset is None, offset or 0, pair[0]

        return tuple(sorted(enumerate(self.steps, 1), key=when))


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    ref: str = ""
    due: str = ""
    segments: tuple[str, ...] = ()
    asked_as: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the item is named in lists and change summaries."""
        return self.text

    @property
    def due_days(self) -> int | None:
        return parse_due(self.due)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    summary: str = ""
    items: tuple[ChecklistItem, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the item is named in lists and change summaries."""
        return self.title

    @property
    def items_by_due(self) -> tuple[ChecklistItem, ...]:
        """Items in the order they fall due (undated ones first, as written): readers work top to bottom."""
        return tuple(sorted(self.items, key=lambda item: -10**6 if item.due_days is None else item.due_days))


@dataclass(frozen=True)
class Checklist(ContentDoc):
    audience: tuple[str, ...] = ()
    due_anchor: str = ""
    sections: tuple[Section, ...] = ()

    kind = "onboarding"

    @property
    def anchored_items(self) -> tuple:
        return self.sections + tuple(item for section in self.sections for item in section.items)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    q: str
    a: str
    tags: tuple[str, ...] = ()
    asked_as: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the item is named in lists and change summaries."""
        return self.q


@dataclass(frozen=True)
class FaqTopic(ContentDoc):
    entries: tuple[FaqEntry, ...] = ()

    kind = "faq"

    @property
    def anchored_items(self) -> tuple[FaqEntry, ...]:
        return self.entries


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    raci: Raci
    description: str = ""
    playbooks: tuple[str, ...] = ()
    asked_as: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the item is named in lists and change summaries."""
        return self.name


@dataclass(frozen=True)
class Chart(ContentDoc):
    activities: tuple[Activity, ...] = ()

    kind = "chart"

    @property
    def anchored_items(self) -> tuple[Activity, ...]:
        return self.activities


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
