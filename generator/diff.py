"""What changed between two sides of the content, in a reviewer's terms: the ContentDiff.

Pages and items are paired by id, then by alias (a rename), and compared field by field, so a change is told in
playbooks, steps, owners, RACI, catalog entries and URLs rather than YAML lines. `csops diff` reports it
(diff_report.py) and What's new reads it for every commit it lists (history.py): what only the comment shows is
worked out there, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .diff_sides import Side
from .manifest import live_urls, page_base, published_urls, resolve_url
from .kinds import DOCUMENT_KINDS, RACI_LETTERS, Kind
from .model import Section
from .portal import Portal
from .site_diff import SiteChange, site_changes
from .versions import SEARCH_ONLY_FIELDS

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
    did (a playbook rename listed every page linking to it as edited, 'step decide-action: body'). The very same
    object (an unchanged file's model, which What's new keeps from one commit to the next) has none."""
    if old is new:
        return []
    if type(old) is not type(new):
        return ["kind of item"]
    return [f.name for f in fields(old) if f.name not in IGNORED_FIELDS and f.name != "raci" and f.name != "owner"
            and getattr(old, f.name) != getattr(new, f.name)
            and not same_target(portal, f.name, getattr(old, f.name), getattr(new, f.name))]


def same_target(portal: Portal, name: str, old, new) -> bool:
    """Whether two values of field `name` differ only in how they spell what `portal` renamed (roles, playbooks,
    cross-references): read with each target's first id, as item versions read them (FirstNames.field_as_first_named)."""
    as_first_named = portal.first_names.field_as_first_named
    return as_first_named(name, old) == as_first_named(name, new)


@dataclass(frozen=True)
class OwnershipChange:
    """A change of who holds a page or an item: its owner, one RACI letter, or who holds an item new to the page."""

    page: str  # the page's id
    item: str  # the item's id; "" for the page itself
    what: str  # "owner", "RACI · A", "(new)"
    change: str  # "csm → cs-lead", "+cs-ops −csm", "owner csm · A cs-lead"


def _raci_changes(page: str, item: str, old, new, first) -> list[OwnershipChange]:
    """Rows for the letters whose roles changed; `first` spells a role by its first id, so a role renamed in the same
    pull request is no change to a letter ('A cs-lead → team-lead' read as a new Accountable)."""
    rows = []
    for letter in RACI_LETTERS:
        before, after = getattr(old, letter), getattr(new, letter)
        was, now = [first(r) for r in before], [first(r) for r in after]
        if was == now:
            continue
        if len(before) <= 1 and len(after) <= 1 and letter == "A":
            rows.append(OwnershipChange(page, item, f"RACI · {letter}",
                                        f"{before[0] if before else '—'} → {after[0] if after else '—'}"))
            continue
        parts = [f"+{r}" for r in after if first(r) not in was] + [f"−{r}" for r in before if first(r) not in now]
        rows.append(OwnershipChange(page, item, f"RACI · {letter}",
                                    " ".join(parts) or f"{', '.join(before)} → {', '.join(after)}"))
    return rows


@dataclass
class DocumentChange:
    """One page present on both sides: what changed in it, in a reviewer's terms."""

    old: object
    new: object
    items: Pairing  # its steps, entries, items, activities
    fields: list[str] = field(default_factory=list)  # changed fields of the page itself
    item_fields: list[tuple[object, list[str]]] = field(default_factory=list)  # (new item, changed fields)
    ownership: list[OwnershipChange] = field(default_factory=list)
    # item id -> (asked_as phrases added, removed): no page shows them, so the review is where they are read
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # item id -> (label before, after): a retitled step or reworded question, said in words, not as "title"
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
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
        """Changed only in what search reads and no page shows (versions.SEARCH_ONLY_FIELDS): the page stays the same."""
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
    def ownership(self) -> list[OwnershipChange]:
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
    same = portal.first_names.with_first_role_ids  # a role renamed with its old id kept is no change of owner or RACI
    if same(old.owner) != same(new.owner):
        change.ownership.append(OwnershipChange(new.id, "", "owner", f"{old.owner or '—'} → {new.owner or '—'}"))
    for o, n in change.items.kept + change.items.renamed:
        if o is n:  # an unchanged file's item: nothing of it changed
            continue
        if same(getattr(o, "owner", "")) != same(getattr(n, "owner", "")):
            change.ownership.append(OwnershipChange(new.id, n.id, "owner",
                                                    f"{o.owner or '—'} → {n.owner or '—'}"))
        if hasattr(o, "raci") and same(o.raci) != same(n.raci):
            change.ownership.extend(_raci_changes(new.id, n.id, o.raci, n.raci, portal.first_names.first_role_id))
        item_fields = _changed_fields(o, n, portal)
        if item_fields:
            change.item_fields.append((n, item_fields))
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
CATALOG_FILES = tuple(dict.fromkeys(source for _, source, _, _ in _CATALOGS))  # without suffix: .yml or .yaml


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
               for stem in CATALOG_FILES if stem in broken]
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
    if "content/settings" not in broken:
        # the timezone re-dates every What's-new entry and change notice, and moves what "today" is for reviews
        for setting, shown in (("review_interval", lambda s: f"{s.review_interval_days}d"),
                               ("timezone", lambda s: s.timezone)):
            before, after = shown(base.portal.settings), shown(head.portal.settings)
            if before != after:
                changes.append(CatalogChange("setting", "changed", setting, f"{before} → {after}"))
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


def _new_item_assignments(change: DocumentChange) -> list[OwnershipChange]:
    """Who holds each item added to a page: a new chart activity or step is a RACI decision for the review, and was
    listed by its name alone ("0 owner/RACI changes"). Items that came from another page keep theirs (moved_in)."""
    rows = []
    for item in change.items.added:
        held = [f"owner {item.owner}"] if getattr(item, "owner", "") else []
        raci = getattr(item, "raci", None)
        held += [f"{letter} {', '.join(getattr(raci, letter))}" for letter in RACI_LETTERS if raci and getattr(raci, letter)]
        if held:
            rows.append(OwnershipChange(change.new.id, item.id, "(new)", " · ".join(held)))
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
                    f"{page_base(changes.kind.name, doc.new.id)}#{item.id}", item_noun(changes.kind, item))
    return moved


def item_noun(kind: Kind, item) -> str:
    """What the summary calls one sub-item: a checklist's sections are not its items (a renamed section was listed as
    'items: 🔀 `days-61-90` → `last-30-days`')."""
    return kind.item_cli_words[0] if kind.nested_items and isinstance(item, Section) else kind.item_noun


@dataclass(frozen=True)
class UrlChange:
    """A published URL this range moves or breaks, with the anchors of its page that go where it goes."""

    url: str
    fate: str  # redirect | retired | breaks
    landing: str | None = None  # redirect: where it lands now
    anchors: int = 0  # the page's anchors that follow it (counted in its row)
    page_gone: bool = False  # breaks: an anchor whose page went, not only its item
    moved_to: tuple[str, str] | None = None  # breaks: its item moved to another page: (its new URL, its noun)


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
        page_gone, moved_to = False, None
        if fate == "breaks":
            page, _, anchor = url.partition("#")
            page_gone = bool(anchor) and page not in alive  # the page went, not the item
            moved_to = None if page_gone else moved.get(url)
        changes.append(UrlChange(url, fate, landing, followers.get(url, 0), page_gone, moved_to))
    return changes, uncovered, retired
