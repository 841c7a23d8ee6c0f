"""Id rules: file names that stand in for ids are ids, unique ids (aliases included) per kind and per page, no reserved anchors."""

from __future__ import annotations

import re

from ..kinds import CATALOG_LISTS
from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem, shown
from ..schema import MAX_ID_LENGTH, SLUG, suggested_slug
from . import (RESERVED_ANCHORS, RESERVED_PAGE_HINT, RESERVED_PAGE_IDS, SUB_ITEMS, Catalog, as_list, doc_id,
               located_values, sub_items)


PUBLISHED_HINT = "ids must be unique: rename one, and list the old id in its aliases if it was ever published"
CATALOG_HINT = "ids must be unique: rename or remove one"


def _claim(seen: dict, key: str, path: str, position, what: str, problems: list, code: str, hint: str = PUBLISHED_HINT):
    if key in seen:
        first_path, first_line = seen[key]
        where = f"line {first_line}" if first_path == path else f"{first_path}:{first_line}"
        problems.append(Problem(path, *position, code, f"duplicate {what} '{key}', already used at {where}", hint))
    else:
        seen[key] = (path, position[0])


def _check_stem(doc: Document) -> list[Problem]:
    """A file without `id:` is published under its file name, which must then be a valid id too."""
    stem = doc.stem
    if re.match(SLUG, stem) and len(stem) <= MAX_ID_LENGTH:
        return []
    slug = suggested_slug(stem) or "my-page"
    why = f"is longer than {MAX_ID_LENGTH} characters" if re.match(SLUG, stem) else "is not a valid id"
    return [Problem(doc.path, 1, 1, "invalid-id", f"file name '{shown(stem)}' {why}",
                    f"rename the file to e.g. '{slug}.yml' or set id: to a lowercase slug")]


PAGED_CATALOGS = ("role", "phase")  # catalog entries that get a page of their own (roles/<id>/, phases/<id>/)


def _alias_hint(what: str, alias: str, own_id) -> str:
    """For an alias another entry already holds. Which of the two came first is not known here: an alias typed by
    mistake, or a new page given a published old id, where removing the alias would silently send the old links
    to the new page. Unless the alias is the entry's own id: then there is no other entry, nothing to choose."""
    if alias == own_id:
        return f"it is this {what}'s own id, which needs no alias: remove it from aliases"
    return (f"aliases hold this {what}'s former ids, whose links land here: if the other {what} is new, give it "
            "another id; if this alias was added by mistake, remove it here")


def check(documents: list[Document], catalog: Catalog):
    problems: list[Problem] = []
    documents_by_kind: dict[str, dict] = {}
    catalogs: dict[str, dict] = {"role": {}, "glossary term": {}, "segment": {}, "phase": {}}
    pages = [doc for doc in documents if isinstance(doc.data, LocDict) and doc.kind in SUB_ITEMS]
    # every page's own id first, then the aliases: an alias naming another page's id was blamed on that page
    # (its file came later in the alphabet), with advice to rename the playbook nobody had touched
    for doc in pages:
        position = doc.data.where("id") if "id" in doc.data else (1, 1)
        if "id" not in doc.data:
            problems.extend(_check_stem(doc))
        _claim(documents_by_kind.setdefault(doc.kind, {}), doc_id(doc), doc.path, position, f"{doc.kind} id", problems,
               "duplicate-id")
        if doc_id(doc) in RESERVED_PAGE_IDS:
            problems.append(Problem(doc.path, *position, "reserved-id", f"{doc.kind} id '{doc_id(doc)}' is reserved",
                                    RESERVED_PAGE_HINT))
    for doc in pages:
        for alias, pos in located_values(doc.data, "aliases"):
            if alias in RESERVED_PAGE_IDS:
                problems.append(Problem(doc.path, *pos, "reserved-id", f"alias '{alias}' is reserved", RESERVED_PAGE_HINT))
            _claim(documents_by_kind[doc.kind], alias, doc.path, pos, f"{doc.kind} id", problems, "duplicate-id",
                   _alias_hint("page", alias, doc_id(doc)))
    for doc in documents:
        data = doc.data
        if not isinstance(data, LocDict):
            continue
        if doc.kind in SUB_ITEMS:
            anchors: dict = {}
            for item in sub_items(doc):
                for anchor, pos in located_values(item, "id") + located_values(item, "aliases"):
                    if anchor in RESERVED_ANCHORS:
                        problems.append(Problem(doc.path, *pos, "reserved-id", f"'{anchor}' is reserved for the page's own sections",
                                                "pick another id, e.g. '" + anchor + "-review'"))
                    _claim(anchors, anchor, doc.path, pos, "id on this page", problems, "duplicate-id")
        else:
            for field_name, what in CATALOG_LISTS.get(doc.kind, ()):
                entries = [entry for entry in as_list(data.get(field_name)) if isinstance(entry, LocDict)]
                for entry in entries:
                    for value, pos in located_values(entry, "id"):
                        _claim(catalogs[what], value, doc.path, pos, f"{what} id", problems, "duplicate-id", CATALOG_HINT)
                        if what in PAGED_CATALOGS and value in RESERVED_PAGE_IDS:
                            problems.append(Problem(doc.path, *pos, "reserved-id", f"{what} id '{value}' is reserved",
                                                    RESERVED_PAGE_HINT))
                for entry in entries:  # roles' and glossary terms' former ids, after every id: the alias is the one blamed
                    for value, pos in located_values(entry, "aliases"):
                        if what in PAGED_CATALOGS and value in RESERVED_PAGE_IDS:
                            problems.append(Problem(doc.path, *pos, "reserved-id", f"alias '{value}' is reserved",
                                                    RESERVED_PAGE_HINT))
                        _claim(catalogs[what], value, doc.path, pos, f"{what} id", problems, "duplicate-id",
                               _alias_hint(what.split()[-1], value, entry.get("id")))
    return problems
