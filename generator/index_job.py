"""The search-index job a build hands its worker process, and what the worker gives back.

Kept apart from index.py, which imports Whoosh: the build process only makes the job,
pickles it and reads the answer, so it never loads the search engine (about 45 ms of
its CPU in every build and rebuild); the workers import it while the build loads content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .portal import Portal

# every kind index.collect_documents writes: what `--kind` and `kind:` accept
SEARCH_KINDS = ("playbook", "step", "checklist", "faq", "chart", "role", "term")  # term: search_glossary.py


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    groups: list[str] = field(default_factory=list)  # source documents that were re-indexed
    unreadable_replaced: bool = False  # the live index could not be read, so this one was written afresh


@dataclass(frozen=True)
class IndexJob:
    """What the search-index worker needs to write the next index; picklable, so it runs beside MkDocs.

    It also makes the static search index's entries from the same documents (static_search.py), which
    then cost the build process nothing: 0.3 s of an edit rebuild at 1,000 playbooks.
    """

    current: Path | None  # the live index it starts from (incremental); None: a fresh index
    portal: Portal
    site_url: str
    language: str
    facet_names: dict[str, dict[str, str]]
    glossary_title: str  # the glossary page's entry in the static index
    facet_langs: dict[str, dict[str, str]] = field(default_factory=dict)  # values named in another language: their lang

    def run(self, staged: Path) -> "IndexOutput":
        from .document_reuse import DocumentReuse, shared_key
        from .index import collect_documents, write_index
        from .search_analysis import SCHEMA_VERSION
        from .static_search import material_docs_json, material_entries

        reuse = DocumentReuse(self.current, shared_key(self.language, SCHEMA_VERSION), self.portal.first_names.read_by)
        docs = collect_documents(self.portal, self.language, reuse)
        stats = write_index(staged, self.current, self.portal, docs, self.site_url, self.language, self.facet_names,
                            self.glossary_title, self.facet_langs)
        reuse.save(staged)
        return IndexOutput(stats, material_docs_json(material_entries(docs, self.portal, self.glossary_title)))


class IndexOutput(NamedTuple):
    """What an IndexJob gives back: the Whoosh index's update counts, and the static search index's entries."""

    stats: IndexStats
    static_docs: str  # the static search index's entries, as JSON (static_search.material_docs_json)
