"""The portal's content as frozen dataclasses: roles, settings, glossary terms, playbooks and their steps,
onboarding checklists, FAQ topics and RACI charts.

Built by model_builder.py only from documents that passed every check; portal.py holds them together
and answers the domain questions asked of them (who does what, what is due).

Renderers, the search index and the reports read this model and nothing else,
so they never deal with raw YAML or half-valid data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .durations import parse_due
from .kinds import RACI_LETTERS
from .portal_time import DEFAULT_ZONE
from .reader_names import role_names

def as_tuple(value) -> tuple[str, ...]:
    """A role field may be one id or a list of ids."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


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
    def other_names(self) -> tuple[str, ...]:
        """The synonyms the glossary page lists as "Also called": the others are the term or a name already listed in
        another case or with a plural -s/-es, there for hovers and searches ("Also called: Customer Success Manager,
        CSMs" under CSM told a new reader nothing). Looked up in a set: compared with each name kept, a term of 10,000
        synonyms took its build 23 s, one of 80,000 (841 kB) over five minutes."""
        kept: list[str] = []
        seen = {self.term.casefold()}
        for name in self.synonyms:
            key = name.casefold()
            if not (key in seen or key.endswith("s") and key[:-1] in seen or key.endswith("es") and key[:-2] in seen):
                kept.append(name)
                seen.add(key)
        return tuple(kept)

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
