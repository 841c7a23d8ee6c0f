"""The one table of content kinds: where each lives, what it is called, what it holds.

Loader, URLs, rules, model, diff, scaffold and the CLI's choices are all derived
from these records, so adding a kind means one record here, one model class,
one template and one schema.
"""

from __future__ import annotations

from dataclasses import dataclass

RACI_LETTERS = ("R", "A", "C", "I")
# Fields that hold a role id besides the RACI letters: shape_check.py leaves a malformed one to the unknown-role rule
ROLE_FIELDS = ("owner", "audience")
# Fields that list playbook ids: shape_check.py leaves a malformed one to the unknown-playbook rule, which names the id meant
PLAYBOOK_FIELDS = ("related", "playbooks")


@dataclass(frozen=True)
class Kind:
    """A kind of content document with its own page per file."""

    name: str  # the id used in code, search facets and cross-reference schemes: [x](playbook:id)
    folder: str  # under content/ and in the site's URLs
    cli_word: str  # what `csops new` and `csops search --kind` call it
    noun: str  # in messages: "unknown FAQ topic 'x'"
    heading: str  # in `csops diff` summaries
    items: str  # the list field holding its sub-items (each with its own #anchor)
    item_noun: str  # what one sub-item is called in change summaries ("3 steps")
    portal_attr: str  # the Portal collection holding the model objects
    nested_items: str | None = None  # a second level of anchored sub-items (onboarding sections -> items)
    anchor_noun: str = ""  # what an #anchor on its page may be, in messages (default: item_noun)
    item_cli_words: tuple[str, ...] = ()  # what `csops mv` calls its sub-items, then its nested sub-items
    # The anchors its template gives its own sections (a text may link to them), and those it gives only when the
    # document's field of the same name is filled (a playbook's #related): templates/<kind>.md.j2 must agree
    sections: tuple[str, ...] = ("overview",)
    optional_sections: tuple[str, ...] = ()
    # Its sub-items are what readers paste into tickets (a step, an FAQ answer, a chart's duty): their links carry the item's
    # version (`?v=`), and a page opened from an old one says the item changed since
    versioned_items: bool = False

    @property
    def item_fields(self) -> tuple[str, ...]:
        """The list fields of sub-items, outermost first (item_cli_words names them in the same order)."""
        return (self.items,) + ((self.nested_items,) if self.nested_items else ())

    @property
    def anchor_description(self) -> str:
        return self.anchor_noun or self.item_noun

    def section_anchors(self, data) -> set[str]:
        """The section anchors a page of this kind has for the document `data` (its parsed YAML mapping)."""
        return set(self.sections) | {name for name in self.optional_sections if data.get(name)}


DOCUMENT_KINDS: tuple[Kind, ...] = (
    Kind("playbook", "playbooks", "playbook", "playbook", "Playbooks", "steps", "step", "playbooks",
         item_cli_words=("step",), sections=("overview", "timeline", "steps"), optional_sections=("related",),
         versioned_items=True),
    Kind("onboarding", "onboarding", "checklist", "onboarding checklist", "Onboarding checklists", "sections", "item",
         "checklists", nested_items="items", anchor_noun="section or item", item_cli_words=("section", "item")),
    Kind("faq", "faq", "faq", "FAQ topic", "FAQ topics", "entries", "entry", "faqs", item_cli_words=("entry",),
         versioned_items=True),
    Kind("chart", "charts", "chart", "chart", "Role charts", "activities", "activity", "charts",
         item_cli_words=("activity",), sections=("overview", "raci", "activities"), versioned_items=True),
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in DOCUMENT_KINDS}
KINDS_BY_CLI_WORD: dict[str, Kind] = {kind.cli_word: kind for kind in DOCUMENT_KINDS}
# `csops mv step PLAYBOOK OLD NEW`: item word -> (its document kind, 0 for sub-items or 1 for nested ones).
ITEMS_BY_CLI_WORD: dict[str, tuple[Kind, int]] = {
    word: (kind, level) for kind in DOCUMENT_KINDS for level, word in enumerate(kind.item_cli_words)}
assert all(len(k.item_cli_words) == len(k.item_fields) for k in DOCUMENT_KINDS), "name every level of sub-items"

# Catalog files: one file each under content/, read by every other kind.
CATALOG_FILES = {"roles": "roles.yml", "settings": "settings.yml", "glossary": "glossary.yml"}
# The lists each catalog file defines ids in, and what one entry is called (settings' codeowners only refers to ids)
CATALOG_LISTS = {"roles": (("roles", "role"),), "glossary": (("terms", "glossary term"),),
                 "settings": (("segments", "segment"), ("phases", "phase"))}



@dataclass(frozen=True)
class CatalogEntry:
    """An entry of a catalog file that `csops mv` renames: a role or a glossary term."""

    cli_word: str  # `csops mv role OLD NEW`
    catalog: str  # its file's kind (CATALOG_FILES)
    field: str  # the list in that file holding the entries
    scheme: str  # the cross-reference scheme naming it ([x](role:csm)), also its URLs' kind in the manifest
    noun: str  # in messages
    anchored: bool = False  # its URL is an #anchor of one page (glossary/#nrr), not a page of its own (roles/csm/)


RENAMED_ENTRIES: dict[str, CatalogEntry] = {entry.cli_word: entry for entry in (
    CatalogEntry("role", "roles", "roles", "role", "role"),
    CatalogEntry("term", "glossary", "terms", "glossary", "glossary term", anchored=True),
)}


# What `csops mv` renames: a document, an item in one, or a catalog entry
MV_WORDS = (*KINDS_BY_CLI_WORD, *ITEMS_BY_CLI_WORD, *RENAMED_ENTRIES)


def kind_at(path: str) -> str | None:
    """The kind a project-relative content path holds ('content/playbooks/x.yml' -> 'playbook'), if any."""
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == "content":
        stem = parts[1].rsplit(".", 1)[0]
        return next((kind for kind, name in CATALOG_FILES.items() if name.rsplit(".", 1)[0] == stem), None)
    if len(parts) >= 3 and parts[0] == "content":
        return next((kind.name for kind in DOCUMENT_KINDS if kind.folder == parts[1]), None)
    return None


# Pages that exist for catalog entries and lifecycle phases, beside the document kinds' pages.
DERIVED_PAGE_FOLDERS = {"role": "roles", "phase": "phases"}
PAGE_FOLDERS = {kind.name: kind.folder for kind in DOCUMENT_KINDS} | DERIVED_PAGE_FOLDERS
# The anchors the templates give a role's and a phase's page (templates/role.md.j2, phase.md.j2 must agree). Beside
# them, a role's page has #checklist when a checklist's audience names the role, a phase's page one per playbook in it.
DERIVED_PAGE_SECTIONS = {"role": ("overview", "raci", "steps", "accountable", "responsible", "consulted", "informed",
                                  "related"),
                         "phase": ("overview",)}

# Cross-reference schemes in Markdown: every document kind, plus roles and glossary terms.
REF_SCHEMES = tuple(KINDS) + ("role", "glossary")

# What each referable thing is called in messages.
NOUNS = {kind.name: kind.noun for kind in DOCUMENT_KINDS} | {"role": "role", "glossary": "glossary term"}
ITEM_NOUNS = {kind.name: kind.anchor_description for kind in DOCUMENT_KINDS}
