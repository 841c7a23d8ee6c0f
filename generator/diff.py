"""`csops diff`: what a pull request changes in the content, as the Markdown a reviewer wants in a PR comment.

Both sides are read from git (`git archive` of content/ into temp folders) and
loaded with the normal loader and model, so the summary speaks in playbooks,
steps, owners, RACI and URLs rather than YAML lines.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .diff_sides import Side, load_side
from .escaping import literal_markdown, printable_json, visible
from .git_revisions import export_content, git
from .manifest import MANIFEST, live_urls, page_base, published_urls, resolve_url
from .kinds import DOCUMENT_KINDS, RACI_LETTERS, Kind
from .model import SEARCH_ONLY_FIELDS, Portal, Section, item_version
from .site_diff import SITE_PATHS, SiteChange, site_changes

IGNORED_FIELDS = {"id", "source", "line", "aliases", "steps", "sections", "entries", "activities", "items"}


@dataclass
class Pairing:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    renamed: list = field(default_factory=list)  # (old, new)
    kept: list = field(default_factory=list)  # (old, new) same id


def pair(old_items, new_items) -> Pairing:
    """Match items by id, then by aliases (a renamed item lists its old id)."""
    old_by_id = {i.id: i for i in old_items}
    new_by_id = {i.id: i for i in new_items}
    result = Pairing()
    matched_old = set()
    for item in new_items:
        if item.id in old_by_id:
            result.kept.append((old_by_id[item.id], item))
            matched_old.add(item.id)
            continue
        former = next((a for a in item.aliases if a in old_by_id and a not in new_by_id), None)
        if former:
            result.renamed.append((old_by_id[former], item))
            matched_old.add(former)
        else:
            result.added.append(item)
    result.removed = [i for i in old_items if i.id not in matched_old]
    return result


def _changed_fields(old, new, portal: Portal) -> list[str]:
    """The fields that differ, a reference `csops mv` rewrote to a renamed target not counted: it leads where it
    did (a playbook rename listed every page linking to it as edited, 'step decide-action: body')."""
    if type(old) is not type(new):
        return ["kind of item"]
    return [f.name for f in fields(old) if f.name not in IGNORED_FIELDS and f.name != "raci" and f.name != "owner"
            and getattr(old, f.name) != getattr(new, f.name)
            and not same_target(portal, f.name, getattr(old, f.name), getattr(new, f.name))]


def same_target(portal: Portal, name: str, old, new) -> bool:
    """Whether two values of field `name` differ only in how they spell what `portal` renamed (roles, playbooks,
    cross-references): read with each target's first id, as item versions read them (Portal.field_as_first_named)."""
    return portal.field_as_first_named(name, old) == portal.field_as_first_named(name, new)


def _raci_changes(where: str, old, new, first) -> list[tuple[str, str]]:
    """Rows for the letters whose roles changed; `first` spells a role by its first id, so a role renamed in the same
    pull request is no change to a letter ('A cs-lead → team-lead' read as a new Accountable)."""
    rows = []
    for letter in RACI_LETTERS:
        before, after = getattr(old, letter), getattr(new, letter)
        was, now = [first(r) for r in before], [first(r) for r in after]
        if was == now:
            continue
        if len(before) <= 1 and len(after) <= 1 and letter == "A":
            rows.append((f"{where} · {letter}", f"{before[0] if before else '—'} → {after[0] if after else '—'}"))
            continue
        parts = [f"+{r}" for r in after if first(r) not in was] + [f"−{r}" for r in before if first(r) not in now]
        rows.append((f"{where} · {letter}", " ".join(parts) or f"{', '.join(before)} → {', '.join(after)}"))
    return rows


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else _plural(noun)}"


def _size(kind: str, doc, noun: str) -> str:
    if kind == "onboarding":
        return f"{_count(len(doc.sections), 'section')}, {_count(sum(len(s.items) for s in doc.sections), 'item')}"
    return _count(len(doc.anchored_items), noun)


def _code(value: str) -> str:
    """An id, path or revision in a code span, as it is (_literal_code): a template named with a backtick or a
    line break ended a plain `…` span, and its name put a link, a heading or an @mention into the comment."""
    return _literal_code(value)


def _cell(text: str) -> str:
    """Content text in the comment: literal, whatever it holds (escaping.literal_markdown)."""
    return literal_markdown(text)


@dataclass
class DocumentChange:
    """One page present on both sides: what changed in it, in a reviewer's terms."""

    old: object
    new: object
    items: Pairing  # its steps, entries, items, activities
    fields: list[str] = field(default_factory=list)  # changed fields of the page itself
    item_fields: list[tuple[object, list[str]]] = field(default_factory=list)  # (new item, changed fields)
    ownership: list[tuple[str, str]] = field(default_factory=list)  # (where, "before → after")
    # item id -> (asked_as phrases added, removed): no page shows them, so the review is where they are read
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # item id -> (label before, after): a retitled step or reworded question, said in words, not as "title"
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    # item id ("" for the page) -> {field: (before, after)} for values short enough to show ('due T-30d → T-45d')
    values: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # the ids of the items on both sides, in their new order, when that order is not the old one (steps are numbered)
    order: tuple[str, ...] = ()
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # (item id, old section id, new section id)
    # items that came from or went to another page of the kind, under the same id: (item, that page's id). Not in
    # items.added or items.removed, which said 'removed' on one page and 'added' on the other
    moved_in: list[tuple[object, str]] = field(default_factory=list)
    moved_out: list[tuple[object, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.item_fields) or self._page_level_change

    @property
    def search_only(self) -> bool:
        """Changed only in what search reads and no page shows (model.SEARCH_ONLY_FIELDS): the page stays the same."""
        return (bool(self.item_fields) and not self._page_level_change
                and all(set(names) <= SEARCH_ONLY_FIELDS for _, names in self.item_fields))

    @property
    def _page_level_change(self) -> bool:
        """A change beyond its items' own fields: the page's fields, owners, or which items it holds and in what order."""
        return bool(self.fields or self.ownership or self.items.added or self.items.renamed or self.items.removed
                    or self.order or self.moved or self.moved_in or self.moved_out)


@dataclass
class KindChanges:
    """Pages of one kind added, renamed, removed and changed."""

    kind: Kind
    pages: Pairing
    documents: list[DocumentChange]  # every page on both sides, renamed ones first


@dataclass
class ContentDiff:
    """What a pull request changes in the content: the value behind the PR comment (and anything else that reports changes)."""

    base: Side
    head: Side
    kinds: list[KindChanges]
    urls: list["UrlChange"]
    uncovered_urls: int
    catalogs: list["CatalogChange"] = field(default_factory=list)
    retired_urls: list[str] = field(default_factory=list)  # taken off published-urls.txt in the range: gone on purpose
    site: list[SiteChange] = field(default_factory=list)  # mkdocs.yml and templates/: every page is made with them

    @property
    def ownership(self) -> list[tuple[str, str]]:
        return [row for k in self.kinds for d in k.documents for row in d.ownership]

    def page_count(self, what: str) -> int:
        return sum(len(getattr(k.pages, what)) for k in self.kinds)

    def item_count(self, what: str) -> int:
        if what == "moved":  # to another page
            return sum(len(d.moved_in) for k in self.kinds for d in k.documents)
        return sum(len(getattr(d.items, what)) for k in self.kinds for d in k.documents)

    @property
    def changed_pages(self) -> int:
        """Pages readers will see changed."""
        return sum(1 for k in self.kinds for d in k.documents if d.changed and not d.search_only)

    @property
    def search_only_pages(self) -> int:
        return sum(1 for k in self.kinds for d in k.documents if d.search_only)


def _document_change(old, new, portal: Portal) -> DocumentChange:
    """`portal`: the head side's, whose aliases say what was renamed."""
    change = DocumentChange(old, new, pair(old.anchored_items, new.anchored_items), _changed_fields(old, new, portal))
    change.values[""] = _short_values(old, new, change.fields)
    same = portal.with_first_role_ids  # a role renamed with its old id kept is no change of owner or RACI
    if same(old.owner) != same(new.owner):
        change.ownership.append((f"{_code(new.id)} owner", f"{old.owner or '—'} → {new.owner or '—'}"))
    for o, n in change.items.kept + change.items.renamed:
        item_where = f"{_code(new.id)} › {_code(n.id)}"
        if same(getattr(o, "owner", "")) != same(getattr(n, "owner", "")):
            change.ownership.append((f"{item_where} owner", f"{o.owner or '—'} → {n.owner or '—'}"))
        if hasattr(o, "raci") and same(o.raci) != same(n.raci):
            change.ownership.extend(_raci_changes(item_where + " RACI", o.raci, n.raci, portal.first_role_id))
        item_fields = _changed_fields(o, n, portal)
        if item_fields:
            change.item_fields.append((n, item_fields))
            change.values[n.id] = _short_values(o, n, item_fields)
        if o.label != n.label:
            change.labels[n.id] = (o.label, n.label)
        if "asked_as" in item_fields:
            change.phrases[n.id] = (tuple(p for p in n.asked_as if p not in o.asked_as),
                                    tuple(p for p in o.asked_as if p not in n.asked_as))
    _order_changes(change)
    return change


def _order_changes(change: DocumentChange) -> None:
    """Steps swapped, or an item moved to another section: readers follow steps by number and checklists by
    section, and a pull request that only did this was summarised as 'No content changes'."""
    new_id = {o.id: n.id for o, n in change.items.kept + change.items.renamed}  # old id -> new id, both sides
    # sections and their items, by new ids: an item in a renamed section has not moved
    old_section = {new_id[i.id]: new_id.get(s.id, s.id) for s in getattr(change.old, "sections", ()) for i in s.items
                   if i.id in new_id}
    change.moved = [(i.id, old_section[i.id], s.id) for s in getattr(change.new, "sections", ()) for i in s.items
                    if old_section.get(i.id, s.id) != s.id]
    both = set(new_id.values()) - {item for item, _, _ in change.moved}  # a moved item is reported as moved
    before = [new_id[item.id] for item in change.old.anchored_items if new_id.get(item.id) in both]
    after = [item.id for item in change.new.anchored_items if item.id in both]
    if before != after:
        change.order = tuple(after)


_LABEL_FIELDS = ("title", "q", "name", "text")  # the field an item's or page's label comes from (model .label)


_SHORT_VALUE = 60  # a changed value up to this long shows before → after; a body or answer is only named


def _short_values(old, new, names: list[str]) -> dict[str, tuple[str, str]]:
    """The changed fields whose values are one short line on both sides (a phase, a due offset, segments, tags),
    as the comment shows them: 'phase' and 'due' alone told a reviewer something moved, not where to."""
    def text(value) -> str | None:  # words in quotes; a slug, an offset (T-45d) or a list of them as they are
        if isinstance(value, tuple) and all(isinstance(v, str) and " " not in v for v in value):
            joined = ", ".join(value)
            return f"[{_cell(joined)}]" if len(joined) <= _SHORT_VALUE else None
        if isinstance(value, str) and "\n" not in value.strip() and len(value) <= _SHORT_VALUE:
            value = value.strip()
            return f"“{_cell(value)}”" if " " in value else _cell(value) or "—"
        if isinstance(value, (dt.date, int)) and not isinstance(value, bool):  # a review date, a review interval
            return str(value)
        if value is None:
            return "—"
        return None

    found = {}
    for name in names:
        before, after = text(getattr(old, name, None)), text(getattr(new, name, None))
        if before is not None and after is not None:
            found[name] = (before, after)
    return found


def _field_names(names: list[str], phrases: tuple[tuple[str, ...], tuple[str, ...]] | None,
                 label: tuple[str, str] | None = None, values: dict[str, tuple[str, str]] | None = None) -> str:
    """An item's changed fields, asked_as with the phrases added (+) and removed (−), its label and short values
    before → after."""
    added, removed = phrases or ((), ())
    shown = [f"+ “{_cell(p)}”" for p in added] + [f"− “{_cell(p)}”" for p in removed]

    def named(name: str) -> str:
        if name == "asked_as" and shown:
            return f"asked_as ({'; '.join(shown)})"
        if name in _LABEL_FIELDS and label is not None:
            return f"{name} “{_cell(label[0])}” → “{_cell(label[1])}”"
        if name in (values or {}):
            return f"{name} {values[name][0]} → {values[name][1]}"
        return name

    return ", ".join(named(name) for name in names)


def _item_json(item_id: str, names: list[str], phrases: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict:
    found = {"id": item_id, "fields": names}
    if phrases is not None:
        found["asked_as"] = {"added": list(phrases[0]), "removed": list(phrases[1])}
    return found


@dataclass
class CatalogChange:
    """A glossary term, role, segment or phase added, removed or edited: shared entries every page may show."""

    noun: str
    action: str  # added, removed, renamed, changed
    id: str
    name: str
    fields: list[str] = field(default_factory=list)
    old_id: str = ""  # renamed: the former id (kept in the entry's aliases)


# What each catalog holds, and how an entry is named: (noun, its file without suffix, entries, name of an entry)
_CATALOGS = (("glossary term", "content/glossary", lambda p: p.glossary, lambda e: e.term),
             ("role", "content/roles", lambda p: p.roles, lambda e: e.name),
             ("segment", "content/settings", lambda p: p.settings.segments, lambda e: e.name),
             ("phase", "content/settings", lambda p: p.settings.phases, lambda e: e.name))


_ALIASED = ("glossary term", "role")  # catalog entries with aliases: a renamed one is paired with its former id


def _pair_by_id(old_entries, new_entries) -> Pairing:
    """Segments and phases have no aliases: an entry is the same one when its id is."""
    old = {e.id: e for e in old_entries}
    new = {e.id: e for e in new_entries}
    return Pairing(added=[e for i, e in new.items() if i not in old],
                   removed=[e for i, e in old.items() if i not in new],
                   kept=[(old[i], e) for i, e in new.items() if i in old])


def _named(before: str, after: str) -> str:
    return after if before == after else f"{before} → {after}"


def _entry_fields(old, new, *also_ignored: str) -> list[str]:
    return [f.name for f in fields(new) if f.name not in ("id", *also_ignored)
            and getattr(old, f.name) != getattr(new, f.name)]


def _catalog_changes(base: Side, head: Side) -> list[CatalogChange]:
    """Shared entries that changed: a glossary edit changes hovers and searches on every page, and csops diff
    said 'No content changes' for it. A catalog file broken on either side is named, not read as emptied."""
    # by stem: the loader takes glossary.yaml as well as glossary.yml
    broken = {path.rsplit(".", 1)[0]: path for path in (*base.broken_files, *head.broken_files)}
    changes = [CatalogChange("file", "unreadable", broken[stem], "has errors on one side: its entries are not compared")
               for stem in dict.fromkeys(source for _, source, _, _ in _CATALOGS) if stem in broken]
    for noun, source, entries, name in _CATALOGS:
        if source in broken:
            continue
        # paired by id, then by aliases: a glossary term renamed with its old id kept showed as one added, one removed
        entries_of = pair(*(tuple(entries(side.portal)) for side in (base, head))) if noun in _ALIASED else \
            _pair_by_id(entries(base.portal), entries(head.portal))
        changes += [CatalogChange(noun, "added", e.id, name(e)) for e in entries_of.added]
        changes += [CatalogChange(noun, "removed", e.id, name(e)) for e in entries_of.removed]
        changes += [CatalogChange(noun, "renamed", e.id, _named(name(o), name(e)), _entry_fields(o, e, "aliases"), o.id)
                    for o, e in entries_of.renamed]
        changes += [CatalogChange(noun, "changed", e.id, _named(name(o), name(e)), _entry_fields(o, e))
                    for o, e in entries_of.kept if o != e]
    before, after = base.portal.settings.review_interval_days, head.portal.settings.review_interval_days
    if "content/settings" not in broken and before != after:
        changes.append(CatalogChange("setting", "changed", "review_interval", f"{before}d → {after}d"))
    return changes


def _as_before(side: Side, other: Side) -> Side:
    """`side` with each page whose file has errors here read as `other` has it: the page is unknown on this side,
    not removed or added (a slip in qbr.yml made the PR comment say 'qbr removed' and every one of its URLs broke)."""
    broken = set(side.broken_files)
    if not broken:
        return side
    changes = {}
    for kind in DOCUMENT_KINDS:
        own = getattr(side.portal, kind.portal_attr)
        stand_ins = tuple(doc for doc in getattr(other.portal, kind.portal_attr) if doc.source in broken)
        if stand_ins:
            changes[kind.portal_attr] = own + stand_ins
    return replace(side, portal=replace(side.portal, **changes)) if changes else side


def compare(base: Side, head: Side) -> ContentDiff:
    """Pair every page and item of the two sides by id and alias; a page whose file has errors on one side is not
    compared (the comment names the file)."""
    base, head = _as_before(base, head), _as_before(head, base)
    kinds = []
    for kind in DOCUMENT_KINDS:
        pages = pair(getattr(base.portal, kind.portal_attr), getattr(head.portal, kind.portal_attr))
        documents = [_document_change(o, n, head.portal) for o, n in pages.renamed + pages.kept]
        _page_moves(documents)
        for change in documents:
            change.ownership += _new_item_assignments(change)
        kinds.append(KindChanges(kind, pages, documents))
    url_changes, uncovered, retired = _url_changes(base, head, _moved_urls(kinds))
    return ContentDiff(base, head, kinds, url_changes, uncovered, _catalog_changes(base, head), retired,
                       site_changes(base.site, head.site))


def _new_item_assignments(change: DocumentChange) -> list[tuple[str, str]]:
    """Who holds each item added to a page: a new chart activity or step is a RACI decision for the review, and was
    listed by its name alone ("0 owner/RACI changes"). Items that came from another page keep theirs (moved_in)."""
    rows = []
    for item in change.items.added:
        held = [f"owner {item.owner}"] if getattr(item, "owner", "") else []
        raci = getattr(item, "raci", None)
        held += [f"{letter} {', '.join(getattr(raci, letter))}" for letter in RACI_LETTERS if raci and getattr(raci, letter)]
        if held:
            rows.append((f"{_code(change.new.id)} › {_code(item.id)} (new)", " · ".join(held)))
    return rows


def _page_moves(documents: list[DocumentChange]) -> None:
    """An item removed from one page and added to another under the same id (one of each) moved between them."""
    left: dict[str, list[tuple[DocumentChange, object]]] = {}
    came: dict[str, list[tuple[DocumentChange, object]]] = {}
    for doc in documents:
        for item in doc.items.removed:
            left.setdefault(item.id, []).append((doc, item))
        for item in doc.items.added:
            came.setdefault(item.id, []).append((doc, item))
    for item_id, sources in left.items():
        targets = came.get(item_id, [])
        if len(sources) != 1 or len(targets) != 1 or type(sources[0][1]) is not type(targets[0][1]):
            continue  # a step and a section of one id, or several: no one move to name
        (source, old), (target, new) = sources[0], targets[0]
        source.items.removed.remove(old)
        target.items.added.remove(new)
        source.moved_out.append((old, target.new.id))
        target.moved_in.append((new, source.new.id))


def _moved_urls(kinds: list[KindChanges]) -> dict[str, tuple[str, str]]:
    """Old URL of each item moved to another page -> (its new URL, its noun): a link cannot follow it there."""
    moved = {}
    for changes in kinds:
        by_new_id = {doc.new.id: doc for doc in changes.documents}
        for doc in changes.documents:
            for item, source in doc.moved_in:
                old_page = by_new_id[source].old.id
                moved[f"{page_base(changes.kind.name, old_page)}#{item.id}"] = (
                    f"{page_base(changes.kind.name, doc.new.id)}#{item.id}", _item_noun(changes.kind, item))
    return moved


def _item_noun(kind: Kind, item) -> str:
    """What the summary calls one sub-item: a checklist's sections are not its items (a renamed section was listed as
    'items: 🔀 `days-61-90` → `last-30-days`')."""
    return kind.item_cli_words[0] if kind.nested_items and isinstance(item, Section) else kind.item_noun


def _kind_section(changes: KindChanges) -> tuple[list[str], list[str]]:
    """The kind's Markdown section, and its pages' 'Edited' lines."""
    kind, noun = changes.kind, changes.kind.item_noun
    nouns = " and ".join(_plural(word) for word in kind.item_cli_words)  # "steps"; "sections and items"

    def named(item) -> str:  # an item's id, with its noun where the page holds two kinds of them
        return f"{_item_noun(kind, item)} {_code(item.id)}" if kind.nested_items else _code(item.id)
    rows = [f"| ➕ added | {_code(doc.id)} | {_cell(doc.title)} — {_size(kind.name, doc, noun)}"
            + (f", owner {_code(doc.owner)}" if doc.owner else "") + " |" for doc in changes.pages.added]
    rows += [f"| 🔀 renamed | {_code(old.id)} → {_code(new.id)} | {_cell(new.title)} (old id kept in `aliases`) |"
             for old, new in changes.pages.renamed]
    rows += [f"| ➖ removed | {_code(doc.id)} | {_cell(doc.title)} |" for doc in changes.pages.removed]
    item_lines, edited = [], []
    for doc in changes.documents:
        sub = doc.items
        listed = ([f"➕ {named(i)} {_cell(i.label)}" for i in sub.added]
                  + [f"🔀 {named(o)} → {_code(n.id)}" for o, n in sub.renamed]
                  + [f"🚚 {named(i)} {_cell(i.label)} moved from {_code(source)} to {_code(doc.new.id)}"
                     for i, source in doc.moved_in]
                  + [f"➖ {named(i)} {_cell(i.label)}" for i in sub.removed])
        if listed:
            item_lines.append(f"- {_code(doc.new.id)} {nouns}: " + "; ".join(listed))
        title = (doc.old.title, doc.new.title) if doc.old.title != doc.new.title else None
        touched = [_field_names(doc.fields, None, title, doc.values.get(""))] if doc.fields else []
        touched += [f"{_item_noun(kind, item)} {_code(item.id)}: "
                    f"{_field_names(names, doc.phrases.get(item.id), doc.labels.get(item.id), doc.values.get(item.id))}"
                    for item, names in doc.item_fields]
        touched += [f"{noun} {_code(item)} moved from section {_code(before)} to {_code(after)}"
                    for item, before, after in doc.moved]
        if doc.order:
            touched.append(f"{nouns} in a new order: " + ", ".join(_code(item) for item in doc.order))
        if touched:
            edited.append(f"- {_code(doc.new.id)} ({kind.name}): " + "; ".join(touched))
    section = []
    if rows or item_lines:
        section += [f"### {kind.heading}", ""]
        if rows:
            section += ["| Change | Id | Details |", "| --- | --- | --- |", *rows, ""]
        if item_lines:
            section += [f"**{nouns.capitalize()}**", "", *item_lines, ""]
    return section, edited


def diff_markdown(diff: ContentDiff) -> str:
    """The Markdown PR comment."""
    base, head = diff.base, diff.head
    out: list[str] = [f"## Portal content changes: {_code(base.label)} → {_code(head.label)}", ""]
    sections: list[str] = []
    edited: list[str] = []
    for changes in diff.kinds:
        section, edited_lines = _kind_section(changes)
        sections += section
        edited += edited_lines
    ownership = diff.ownership
    changes_word = "change" if len(ownership) == 1 else "changes"
    uncovered, retired = diff.uncovered_urls, len(diff.retired_urls)
    shared = sum(1 for c in diff.catalogs if c.action != "unreadable")
    site = len(diff.site)
    out.append(f"**Pages: {diff.page_count('added')} added · {diff.page_count('renamed')} renamed · "
               f"{diff.page_count('removed')} removed · {diff.changed_pages} changed"
               + (f" · {diff.search_only_pages} with only search phrases changed" if diff.search_only_pages else "")
               + f" — Items: {diff.item_count('added')} "
               f"added · {diff.item_count('renamed')} renamed · {diff.item_count('removed')} removed"
               + (f" · {diff.item_count('moved')} moved to another page" if diff.item_count("moved") else "") + " — "
               f"{len(ownership)} owner/RACI {changes_word} — "
               + (f"{shared} glossary/role/setting change{'s' if shared != 1 else ''} — " if shared else "")
               + (f"{site} site setting/template change{'s' if site != 1 else ''}" + (
                   f" (⚠️ {', '.join(dict.fromkeys(c.setting or c.file for c in diff.site if c.warning))})"
                   if any(c.warning for c in diff.site) else "") + " — " if site else "")
               + (f"⚠️ {uncovered} old URL{'s' if uncovered != 1 else ''} not covered by aliases" if uncovered
                  else "all old URLs still resolve" if not retired else "every other old URL still resolves")
               + (f" · {retired} URL{'s' if retired != 1 else ''} retired on purpose" if retired else "") + "**")
    out.append("")
    for side in (base, head):
        if side.errors:
            out += [f"> ⚠️ {_code(side.label)} has {side.errors} validation error{'s' if side.errors != 1 else ''}; "
                    "run `csops validate`. Broken files are left out of this summary.", ""]
            catalogs = {source for _, source, _, _ in _CATALOGS}  # named below, under glossary, roles and settings
            pages = [path for path in side.broken_files if path.rsplit(".", 1)[0] not in catalogs]
            if pages:
                out += [f"> Not compared, as they have errors in {_code(side.label)}: "
                        + ", ".join(_code(path) for path in pages), ""]
    if not (sections or ownership or edited or diff.urls or diff.catalogs or diff.site):
        return "\n".join(out + ["No content changes.", ""])
    out += sections
    if diff.catalogs:
        marks = {"added": "➕", "removed": "➖", "renamed": "🔀", "changed": "✏️", "unreadable": "⚠️"}
        out += ["### Glossary, roles and settings (shown on every page)", "",
                *[f"- {marks[c.action]} {c.noun} " + (f"{_code(c.old_id)} → " if c.old_id else "")
                  + f"{_code(c.id)} {_cell(c.name)}"
                  + (f": {', '.join(c.fields)}" if c.fields else "") for c in diff.catalogs], ""]
    if diff.site:
        out += ["### Site settings and templates (every page)", "",
                *[_site_line(c) for c in diff.site], ""]
    if ownership:
        out += ["### Owners and RACI", "", "| Where | Change |", "| --- | --- |",
                *[f"| {where} | {_cell(change)} |" for where, change in ownership], ""]
    if diff.urls:
        out += ["### Changed URLs", "", "| Old URL | Now | Status |", "| --- | --- | --- |",
                *[_url_row(change) for change in diff.urls], ""]
    changed_links = [f"- {_code(_ticket_url(changes, doc, old))} {_cell(new.label)}"
                     for changes in diff.kinds for doc in changes.documents
                     for old, new in _new_versions(doc, changes.kind, diff.head.portal)]
    if changed_links:
        out += ["### Ticket links that will say “changed”", "",
                "Links to these already copied into tickets will open with “This … changed on …, after this link "
                "was copied”:", "", *changed_links, ""]
    if edited:
        out += ["### Edited", "", *edited, ""]
    return _within_comment_limit(out)


def _site_line(change: SiteChange) -> str:
    """`mkdocs.yml` `site_url`: `https://old/` → `https://new/`: what it means (values verbatim, in code spans)."""
    where = _code(change.file) + (f" {_literal_code(change.setting)}" if change.setting else "")
    values = (f"{_literal_code(change.before) if change.before is not None else '—'} → "
              f"{_literal_code(change.after) if change.after is not None else '—'}"
              if change.before is not None or change.after is not None else "")
    said = ": ".join(filter(None, (values, _cell(change.note))))
    return f"- {'⚠️' if change.warning else '✏️'} {where}" + (f": {said}" if said else "")


def _literal_code(text: str) -> str:
    """A code span showing `text` as it is, backticks included (CommonMark: a longer fence, padded), and line
    breaks and other control or direction characters written out (escaping.visible): a blank line in a span ends it
    and the paragraph, and what followed it was Markdown (a setting's key "k\\n\\n[click](…)" made a link)."""
    text = visible(text)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# GitHub refuses a comment over 65,536 characters ("Body is too long"), and the PR then got no summary at all.
# The budget leaves room for the note, and for characters GitHub may count twice (UTF-16 pairs such as 🔀).
COMMENT_BUDGET = 60_000


def _within_comment_limit(lines: list[str]) -> str:
    """The comment's lines, cut at a line before COMMENT_BUDGET characters with a note saying how much is left out:
    the headline with every count comes first, so what is cut is only detail."""
    if sum(len(line) + 1 for line in lines) <= COMMENT_BUDGET:
        return "\n".join(lines)
    kept, size = [], 0
    for line in lines:
        if size + len(line) + 1 > COMMENT_BUDGET:
            break
        kept.append(line)
        size += len(line) + 1
    left_out = len(lines) - len(kept)
    return "\n".join(kept + ["", f"> ⚠️ {left_out:,} more lines are not shown: a GitHub comment holds at most 65,536 "
                                  "characters. `csops diff --format json` lists every change.", ""])


@dataclass(frozen=True)
class UrlChange:
    """A published URL this range moves or breaks, with the anchors of its page that go where it goes."""

    url: str
    fate: str  # redirect | retired | breaks
    landing: str | None = None  # redirect: where it lands now
    anchors: int = 0  # the page's anchors that follow it (counted in its row)
    fix: str = ""  # breaks: how to keep it landing


def _url_changes(base: Side, head: Side, moved: dict[str, tuple[str, str]]) -> tuple[list[UrlChange], int, list[str]]:
    """The URLs this range moves or breaks: one served at base that head serves only through an alias,
    or one no longer served at all. A URL that was an alias before and still is has not changed: listing every
    recorded alias filled each PR comment with renames made long before it. A page's anchors that go where the
    page goes (to the same anchor of its new page, or away with it) are counted in the page's row: one row each
    made a renamed checklist 25 rows of ✅ around the one that needed reading. `moved`: the old URL of an item moved
    to another page -> (its new URL, noun), which the old one does not reach."""
    published = set(published_urls(base.portal))
    before = published | set(base.manifest)
    after = set(published_urls(head.portal))
    alive = live_urls(head.portal)
    already_aliases = live_urls(base.portal) - published
    fates: dict[str, tuple[str, str | None]] = {}  # url -> (what happens to it, where it lands)
    uncovered, retired = 0, []
    for url in sorted(before - after):
        if url in alive:
            landing = resolve_url(head.portal, url)
            if url not in already_aliases or resolve_url(base.portal, url) != landing:
                fates[url] = ("redirect", landing)
        elif url in base.manifest and head.manifest and url not in head.manifest:
            # `csops urls --update` in the range took it off the published list: an intended removal, as build sees it
            fates[url] = ("retired", None)
            retired.append(url)
        else:
            uncovered += 1
            fates[url] = ("breaks", None)
    followers: dict[str, int] = {}
    for url, (fate, landing) in fates.items():
        page, _, anchor = url.partition("#")
        if anchor and page in fates and fates[page][0] == fate and (
                fate != "redirect" or landing == f"{fates[page][1]}#{anchor}"):
            followers[page] = followers.get(page, 0) + 1
            fates[url] = ("follows", None)
    changes = []
    for url, (fate, landing) in fates.items():
        if fate == "follows":
            continue
        fix = ""
        if fate == "breaks":
            page, _, anchor = url.partition("#")
            page_id = page.strip("/").split("/")[-1]
            if anchor and page not in alive:  # the page went, not the item: every anchor row said "renamed item"
                fix = f"its page is gone: add `aliases: [{page_id}]` to the page that replaces it"
            elif url in moved:  # an alias on another item of this page would land old links on the wrong one
                now, noun = moved[url]
                fix = (f"the {noun} moved to another page, {_code(now)}, and a link cannot follow it there: keep a "
                       f"short {noun} {_code(anchor)} in {_code(page_id)} that links to its new place")
            elif anchor:
                fix = f"add `aliases: [{anchor}]` to the renamed item"
            else:
                fix = f"add `aliases: [{page_id}]` to the renamed page"
        changes.append(UrlChange(url, fate, landing, followers.get(url, 0), fix))
    return changes, uncovered, retired


def _new_versions(document: DocumentChange, kind: Kind, portal: Portal) -> list[tuple[object, object]]:
    """(old, new) items whose version (`?v=`, Kind.versioned_items) the change makes new: a link to one already
    copied into a ticket will open with 'This … changed on …'. A retag or a role rename is not among them. Read for
    the comment and the JSON only: What's new compares every commit (history.py), by today's portal, and reading
    them in compare() as well took a third of its time."""
    if not kind.versioned_items:
        return []
    return [(o, n) for o, n in document.items.kept + document.items.renamed
            if item_version(o, portal) != item_version(n, portal)]


def _ticket_url(changes: KindChanges, document: DocumentChange, old_item) -> str:
    """An item's URL as tickets hold it: the one published before the change, before any rename."""
    return f"{page_base(changes.kind.name, document.old.id)}#{old_item.id}"


def _url_row(change: UrlChange) -> str:
    also = f" and its {_count(change.anchors, 'anchor')}" if change.anchors else ""
    if change.fate == "redirect":
        return f"| {_code(change.url)}{also} | {_code(change.landing or '?')}{also} | ✅ redirect / alias anchor |"
    if change.fate == "retired":
        return f"| {_code(change.url)}{also} | — | ➖ retired: removed from `{MANIFEST}` in this change |"
    return f"| {_code(change.url)}{also} | — | ❌ breaks: {change.fix}, or `csops urls --update` if intended |"


def diff_json(diff: ContentDiff) -> str:
    """The same comparison for tools: ids per change, changed fields, ownership and URL changes."""
    def ids(items):
        return [item.id for item in items]

    kinds = {}
    for changes in diff.kinds:
        pages = changes.pages
        kinds[changes.kind.name] = {
            "added": ids(pages.added), "removed": ids(pages.removed),
            "renamed": [{"from": old.id, "to": new.id} for old, new in pages.renamed],
            "changed": [{"id": d.new.id, "fields": d.fields, "search_only": d.search_only,
                         "items": {"added": ids(d.items.added), "removed": ids(d.items.removed),
                                   "renamed": [{"from": o.id, "to": n.id} for o, n in d.items.renamed],
                                   "changed": [_item_json(item.id, names, d.phrases.get(item.id)) for item, names in d.item_fields],
                                   "order": list(d.order),
                                   "moved": [{"id": i, "from_section": a, "to_section": b} for i, a, b in d.moved],
                                   "moved_in": [{"id": i.id, "from": page} for i, page in d.moved_in],
                                   "moved_out": [{"id": i.id, "to": page} for i, page in d.moved_out],
                                   "new_versions": [{"id": n.id, "url": _ticket_url(changes, d, o)}
                                                    for o, n in _new_versions(d, changes.kind, diff.head.portal)]},
                         "ownership": [{"where": where.replace("`", ""), "change": change} for where, change in d.ownership]}
                        for d in changes.documents if d.changed]}
    payload = {"base": diff.base.label, "head": diff.head.label,
               "errors": {"base": diff.base.errors, "head": diff.head.errors},
               "kinds": kinds, "uncovered_urls": diff.uncovered_urls, "retired_urls": diff.retired_urls,
               # each URL the range moves or breaks, as the comment's Changed URLs table: tools read which, not how many
               "urls": [{"url": c.url, "fate": c.fate, "to": c.landing, "anchors": c.anchors}
                        | ({"fix": c.fix} if c.fix else {}) for c in diff.urls],
               "catalogs": [{"noun": c.noun, "action": c.action, "id": c.id, "name": c.name, "fields": c.fields}
                            | ({"from": c.old_id} if c.old_id else {}) for c in diff.catalogs],
               "site": [{"file": c.file, "setting": c.setting, "before": c.before, "after": c.after, "note": c.note,
                         "warning": c.warning} for c in diff.site]}
    return printable_json(payload) + "\n"


def diff_revisions(project: Path, base: str, head: str | None = None, fmt: str = "markdown") -> str:
    """Compare content/ at git revision `base` with `head` (default: the working tree), as Markdown or JSON."""
    with tempfile.TemporaryDirectory(prefix="csops-diff-") as tmp:
        base_side = load_side(export_content(project, base, Path(tmp) / "base"), base)
        if head is None:  # the site files a commit would hold: an editor's swap file in templates/ is no change
            listed = git(project, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *SITE_PATHS)
            head_side = load_side(project, "working tree", [n for n in os.fsdecode(listed).split("\0") if n])
        else:
            head_side = load_side(export_content(project, head, Path(tmp) / "head"), head)
    diff = compare(base_side, head_side)
    return diff_json(diff) if fmt == "json" else diff_markdown(diff)
