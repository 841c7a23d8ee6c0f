"""Rules over located documents. Cross-file ones expose `check(documents, catalog)`, returning Problems;
per-file ones `check_file(doc)` (their results are kept per file by the content cache).

They run on located documents (after shape checks) so every Problem lands on the
line of the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kinds import CATALOG_FILES, DERIVED_PAGE_SECTIONS, DOCUMENT_KINDS, KINDS, kind_at
from ..loader import Document
from ..reader_names import add_names, role_names
from ..located_values import LocDict, LocList

# Anchors a generated page uses for itself; sub-item ids may not take them.
RESERVED_ANCHORS = frozenset({"overview", "steps", "related", "checklist", "raci", "timeline", "activities", "history"})
# Ids a page may not take: <folder>/index.md is the folder's own listing page, which a playbook, role or phase
# with id 'index' replaced without a word (its URL still existed, so no link check noticed)
RESERVED_PAGE_IDS = frozenset({"index"})
RESERVED_PAGE_HINT = "'index' is the address of the section's own list page; pick another id"

# kind -> (list field of sub-items, nested list field or None)
SUB_ITEMS = {kind.name: (kind.items, kind.nested_items) for kind in DOCUMENT_KINDS}


def doc_id(doc: Document) -> str:
    """The document's `id:` when it is text, else its file name: an id of another type is the shape check's located
    error, and read as it was (`id: 5`, `id: [x]`) it ended csops validate in a TypeError out of the rules."""
    written = doc.data.get("id")
    return written if isinstance(written, str) and written else doc.stem


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def located_strings(value, field_name: str = "", keys: bool = False):
    """(text, where, field name) of every string in a located value, nested lists and mappings included (and with
    `keys`, every mapping key): where() is the value's position, where(offset) a character's inside a value."""
    if isinstance(value, LocDict):
        for key, item in value.items():
            if keys and isinstance(key, str):
                yield key, lambda offset=None, key=key: value.where_key(key), str(key)
            if isinstance(item, str):
                yield item, (lambda offset=None, key=key: value.where(key) if offset is None
                             else value.where_in_text(key, offset)), str(key)
            else:
                yield from located_strings(item, str(key), keys)
    elif isinstance(value, LocList):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield item, lambda offset=None, index=index: value.where(index), field_name
            else:
                yield from located_strings(item, field_name, keys)


def located_values(container, key, lists_only: bool = False) -> list[tuple[str, tuple[int, int]]]:
    """(value, position) for a field holding one string or a list of strings; `lists_only`: a field that must be a
    list, whose text the shape check reports (related: a, b), is not also looked up as one id."""
    if not isinstance(container, LocDict) or key not in container:
        return []
    value = container[key]
    if isinstance(value, str) and not lists_only:
        return [(value, container.where(key))]
    if isinstance(value, LocList):
        return [(v, value.where(i)) for i, v in enumerate(value) if isinstance(v, str)]
    return []



def sub_items(doc: Document):
    """Yield every sub-item mapping (step, section, item, entry, activity) of a document."""
    for item, _ in placed_sub_items(doc):
        yield item


def placed_sub_items(doc: Document):
    """Yield every sub-item mapping of a document with the list fields it is an entry of, outermost first
    (("sections", "items") for a checklist item): where schema.fields_of finds the fields it may hold."""
    outer, inner = SUB_ITEMS.get(doc.kind, (None, None))
    if outer is None:
        return
    for item in as_list(doc.data.get(outer)):
        if isinstance(item, LocDict):
            yield item, (outer,)
            if inner:
                for nested in as_list(item.get(inner)):
                    if isinstance(nested, LocDict):
                        yield nested, (outer, inner)


@dataclass
class Catalog:
    """What exists, for resolving references: ids and their anchors per kind."""

    roles: dict[str, None] = field(default_factory=dict)
    # a role's name or short name as written for a reader (see name_key) -> its id, None when two roles share it:
    # 'owner: CS Lead' is told the id it means
    role_names: dict[str, str | None] = field(default_factory=dict)
    role_titles: dict[str, str] = field(default_factory=dict)  # id -> its name as roles.yml writes it, for hints
    segments: dict[str, None] = field(default_factory=dict)
    phases: dict[str, None] = field(default_factory=dict)  # empty: phases are free slugs
    # "segments" / "phases" -> a name as settings.yml gives it (see name_key) -> its id, None when two share it:
    # 'phase: 契約更新', the name a Japanese portal shows, is told the id it means
    setting_names: dict[str, dict[str, str | None]] = field(default_factory=dict)
    glossary: dict[str, None] = field(default_factory=dict)
    anchors: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # kind -> id -> anchors
    # kind -> former id (a document's alias) -> its id now: a reference to an old id names the page it became
    former_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    # Files that could not be read: kind -> {id a document there would define: path}, catalog kind -> path.
    # References into them are not "unknown" yet; they are counted until the file parses.
    unread: dict[str, dict[str, str]] = field(default_factory=dict)
    unread_catalogs: dict[str, str] = field(default_factory=dict)
    # kind -> file name -> (the id its `id:` gives instead, path, position of id:), for a file name no page of the
    # kind has as id or alias: a reference to it is to a page its id: renamed in place
    renamed: dict[str, dict[str, tuple[str, str, tuple[int, int]]]] = field(default_factory=dict)
    # "role" / "phase" -> id -> the anchors its page takes from other documents: #checklist, a playbook's id
    derived_anchors: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    # a text -> the ids its headings get on its page (validate._SiteHeadingIds: .known, and called with a text);
    # None: no site to ask
    heading_ids: object = None

    def ids(self, kind: str) -> list[str]:
        return sorted(self.anchors.get(kind, {}))


def build_catalog(documents: list[Document], unreadable: tuple[str, ...] = ()) -> Catalog:
    """What the sound documents define; `unreadable` are project-relative paths of files that did not parse."""
    catalog = Catalog()
    for path in unreadable:
        kind = kind_at(path)
        if kind in CATALOG_FILES:
            catalog.unread_catalogs[kind] = path
        elif kind is not None:
            catalog.unread.setdefault(kind, {})[path.rsplit("/", 1)[-1].rsplit(".", 1)[0]] = path
    for doc in documents:
        if not isinstance(doc.data, LocDict):
            continue
        if doc.kind == "roles":
            for role in as_list(doc.data.get("roles")):
                if isinstance(role, LocDict) and isinstance(role.get("id"), str):
                    catalog.roles.setdefault(role["id"])
                    add_names(catalog.role_names, role["id"], role_names(role.get("name"), role.get("short")))
                    if isinstance(role.get("name"), str):
                        catalog.role_titles.setdefault(role["id"], role["name"])
                    for alias in as_list(role.get("aliases")):
                        if isinstance(alias, str):
                            catalog.former_ids.setdefault("role", {})[alias] = role["id"]
        elif doc.kind == "settings":
            for field_name, known in (("segments", catalog.segments), ("phases", catalog.phases)):
                for entry in as_list(doc.data.get(field_name)):
                    if isinstance(entry, LocDict) and isinstance(entry.get("id"), str):
                        known.setdefault(entry["id"])
                        names = [entry["name"]] if isinstance(entry.get("name"), str) else []
                        add_names(catalog.setting_names.setdefault(field_name, {}), entry["id"], names)
        elif doc.kind == "glossary":
            for term in as_list(doc.data.get("terms")):
                if isinstance(term, LocDict) and isinstance(term.get("id"), str):
                    catalog.glossary.setdefault(term["id"])
                    for alias in as_list(term.get("aliases")):
                        if isinstance(alias, str):
                            catalog.former_ids.setdefault("glossary", {})[alias] = term["id"]
        elif doc.kind in SUB_ITEMS:
            # a page's own sections too: a hint offers chart:<id>#raci, and the built page has that anchor
            anchors = KINDS[doc.kind].section_anchors(doc.data)
            for item in sub_items(doc):
                anchors.update(a for a in [item.get("id")] + as_list(item.get("aliases")) if isinstance(a, str))
            catalog.anchors.setdefault(doc.kind, {})[doc_id(doc)] = anchors
            if doc.kind == "playbook" and isinstance(doc.data.get("phase"), str):
                catalog.derived_anchors.setdefault("phase", {}).setdefault(doc.data["phase"], set()).add(doc_id(doc))
            if doc.kind == "onboarding":
                for role in as_list(doc.data.get("audience")):
                    if isinstance(role, str):
                        catalog.derived_anchors.setdefault("role", {}).setdefault(role, set()).add("checklist")
            for alias in as_list(doc.data.get("aliases")):
                if isinstance(alias, str):
                    catalog.former_ids.setdefault(doc.kind, {})[alias] = doc_id(doc)
    for doc in documents:
        if doc.kind in SUB_ITEMS and isinstance(doc.data, LocDict) and doc_id(doc) != doc.stem \
                and doc.stem not in catalog.anchors.get(doc.kind, {}) and doc.stem not in catalog.former_ids.get(doc.kind, {}):
            catalog.renamed.setdefault(doc.kind, {})[doc.stem] = (doc_id(doc), doc.path, doc.data.where("id"))
    catalog.anchors["role"] = {role: set(DERIVED_PAGE_SECTIONS["role"]) | catalog.derived_anchors.get("role", {}).get(role, set())
                               for role in catalog.roles}
    return catalog
