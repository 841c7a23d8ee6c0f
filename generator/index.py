"""The search index: the model as search documents, written into Whoosh incrementally.

Every page is one document, and so is every playbook step, checklist item, FAQ
entry and chart activity, so a hit can deep-link to
`/playbooks/renewal-runway/#confirm-stakeholders`. Only changed documents are
rewritten: a digest per document is kept in the index's meta file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from whoosh import index as whoosh_index

from . import urls
from .document_reuse import DOCUMENTS_FILE
from .durations import parse_due
from .file_writes import copy_folder
from .index_job import SEARCH_KINDS, IndexStats
from .index_writer import index_writer
from .kinds import DOCUMENT_KINDS
from .markdown_text import code_text_words, plain_text
from .portal import Portal
from .search_analysis import PHRASE_GAP, SCHEMA_VERSION, build_schema, facet_value, spelling_words
from .search_words import literal_phrases_in
from .versions import item_version

META_FILE = "csops-meta.json"
# Memory Whoosh may use to sort a build's postings before it spills them to disk in pickled runs and merges
# those back: pickling and merging 3.2 million postings was a third of the index's time at 5,000 playbooks
# (42 s; 27.5 s sorted in memory, its process 0.5 GB larger). 1,000 playbooks never spill.
SORT_MEMORY_MB = 1024


def _kind_aliases(kind: str) -> tuple[str, ...]:
    names = [f"{kind}s", *(("glossary",) if kind == "term" else ())]
    for content in DOCUMENT_KINDS:
        if content.cli_word == kind:
            names += [content.name, content.folder, content.portal_attr, *content.item_cli_words]
    return tuple(name for name in dict.fromkeys(names) if name not in SEARCH_KINDS)


# What else the product calls each search kind, so `--kind onboarding` (the folder) or `kind:entry` (what `csops mv`
# calls a FAQ's items) filter instead of being refused as a typo: each kind's plural, a content kind's name, folder
# and the words for its sub-items (a checklist's items are checklist hits), and the glossary for its terms.
KIND_ALIASES = {kind: _kind_aliases(kind) for kind in SEARCH_KINDS}


@dataclass(frozen=True)
class SearchDoc:
    """One searchable unit: a page or an item on it, with the facets readers filter on."""

    key: str
    kind: str
    title: str
    body: str
    url: str  # site-relative, with #anchor for items
    level: str = "item"  # page | item
    parent: str = ""
    parent_title: str = ""
    phase: str = ""
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    group: str = ""  # the source document: what one content edit re-indexes
    asked_as: tuple[str, ...] = ()  # how readers ask for it (versions.SEARCH_ONLY_FIELDS): searched, never shown
    version: str = ""  # a versioned item's (kinds.Kind.versioned_items) versions.item_version: links from search carry it as ?v=, as the page's Copy link does

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything indexed about this document changes (so the next build re-indexes it)."""
        values = (self.key, self.kind, self.title, self.body, self.url, self.level, self.parent, self.parent_title,
                  self.phase, self.roles, self.tags, self.group, self.asked_as, self.version, SCHEMA_VERSION)
        return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=8).hexdigest()

    @property
    def keywords(self) -> str:
        """What an editor added for findability: tags as words ("time-tracking" -> time tracking), and the ways
        readers ask for the item, each its own phrase. Searched as keywords, not shown: a reader's "client ghosting
        me" finds the entry that says "not responding" (benchmarks/queries_blind.yml EN MRR@10 0.58 -> 0.76)."""
        return PHRASE_GAP.join([" ".join(t.replace("-", " ") for t in self.tags), *self.asked_as])

    def fields(self) -> dict:
        return {
            "key": self.key, "digest": self.digest, "kind": self.kind, "level": self.level, "phase": self.phase,
            # a tag as the tag filter reads one typed (search_filters.filter_id): ＣＲＭ or a decomposed ガイド was
            # found by no tag:ＣＲＭ or tag:ガイド, however typed
            "role": " ".join(self.roles), "tag": ",".join(unicodedata.normalize("NFKC", t) for t in self.tags),
            "title": self.title, "body": self.body,
            "context": self.parent_title, "keywords": self.keywords,
            "url": self.url, "version": self.version, "parent": self.parent,
            "parent_title": self.parent_title, "facets": facet_value(self.kind, self.phase, self.roles, self.level,
                                                    (self.title, self.key.rsplit("#", 1)[-1].split(":")[-1])),
        }


def _join(*parts) -> str:
    return "\n".join(plain_text(p) for p in parts if p)


def due_text(due: str, language: str) -> str:
    """'T-60d' -> '60 days before' / '60日前': what readers type when they ask what is due when."""
    offset = parse_due(due)
    if offset is None:
        return ""
    days, before = abs(offset), due[1] == "-"
    if language.startswith("ja"):
        return f"{days}日{'前' if before else '後'}"
    return f"{days} day{'' if days == 1 else 's'} {'before' if before else 'after'}"  # "1 days after" showed in snippets


def _asked_with_due(asked_as: tuple[str, ...], due: str, language: str) -> tuple[str, ...]:
    """An item's asked_as and its due as readers type it ("60 days before"): a label like the ways it is asked, not
    a sentence of its body. In the body, among a hundred other words, "what do I do when a renewal is 60 days out"
    put the FAQ asked as "is 60 days enough lead time" above the step due at T-60d."""
    due = due_text(due, language)
    return (*asked_as, due) if due else tuple(asked_as)


def collect_documents(portal: Portal, language: str = "en", reuse=None) -> list[SearchDoc]:
    """Every page and every deep-linkable item of the portal, in a stable order.

    `reuse` (document_reuse.DocumentReuse): takes each content document's documents from the last build when
    nothing they are made from changed."""
    def each(group: str, source, collect) -> list[SearchDoc]:
        return reuse.documents(group, source, collect) if reuse is not None else collect()

    docs: list[SearchDoc] = []
    for p in portal.playbooks:
        docs += each(f"playbook:{p.id}", p, lambda: _playbook_documents(p, portal, language))
    for c in portal.checklists:
        docs += each(f"onboarding:{c.id}", c, lambda: _checklist_documents(c, language))
    for f in portal.faqs:
        docs += each(f"faq:{f.id}", f, lambda: _faq_documents(f, portal))
    for c in portal.charts:
        docs += each(f"chart:{c.id}", c, lambda: _chart_documents(c, portal))
    for r in portal.roles:
        page = urls.page_url(urls.page_source("role", r.id))
        docs.append(SearchDoc(f"role:{r.id}", "role", r.name, _join(r.description), page, "page", roles=(r.id,),
                              group=f"role:{r.id}"))
    return docs


def _playbook_documents(p, portal: Portal, language: str) -> list[SearchDoc]:
    page = urls.page_url(urls.page_source("playbook", p.id))
    group = f"playbook:{p.id}"
    docs = [SearchDoc(group, "playbook", p.title, _join(p.summary, p.trigger, p.goal, *p.kpis), page, "page",
                      phase=p.phase, roles=p.roles, tags=p.tags, group=group)]
    for s in p.steps:
        docs.append(SearchDoc(f"{group}#{s.id}", "step", s.title,
                              _join(s.body, *s.checklist, *(text for _, text in s.variants)),
                              f"{page}#{s.id}", parent=page, parent_title=p.title, phase=p.phase,
                              roles=s.roles or ((p.owner,) if p.owner else ()), tags=p.tags, group=group,
                              asked_as=_asked_with_due(s.asked_as, s.due, language), version=item_version(s, portal)))
    return docs


def _checklist_documents(c, language: str) -> list[SearchDoc]:
    page = urls.page_url(urls.page_source("onboarding", c.id))
    group = f"onboarding:{c.id}"
    roles = tuple(dict.fromkeys(c.audience + ((c.owner,) if c.owner else ())))
    docs = [SearchDoc(group, "checklist", c.title, _join(c.summary, *(s.title for s in c.sections)), page,
                      "page", roles=roles, group=group)]
    for section in c.sections:
        for item in section.items:
            docs.append(SearchDoc(f"{group}#{item.id}", "checklist", plain_text(item.text),
                                  _join(section.title, section.summary), f"{page}#{item.id}", parent=page,
                                  parent_title=c.title, roles=roles, group=group,
                                  asked_as=_asked_with_due(item.asked_as, item.due, language)))
    return docs


def _faq_documents(f, portal: Portal) -> list[SearchDoc]:
    page = urls.page_url(urls.page_source("faq", f.id))
    group = f"faq:{f.id}"
    roles = (f.owner,) if f.owner else ()
    docs = [SearchDoc(group, "faq", f.title, _join(f.summary), page, "page", roles=roles, group=group)]
    for e in f.entries:
        docs.append(SearchDoc(f"{group}#{e.id}", "faq", code_text_words(e.q), _join(e.a), f"{page}#{e.id}",
                              parent=page, parent_title=f.title, roles=roles, tags=e.tags, group=group,
                              asked_as=e.asked_as, version=item_version(e, portal)))
    return docs


def _chart_documents(c, portal: Portal) -> list[SearchDoc]:
    page = urls.page_url(urls.page_source("chart", c.id))
    group = f"chart:{c.id}"
    docs = [SearchDoc(group, "chart", c.title, _join(c.summary, *(a.name for a in c.activities)), page, "page",
                      roles=tuple(dict.fromkeys(r for a in c.activities for r in a.raci.roles)), group=group)]
    for a in c.activities:
        docs.append(SearchDoc(f"{group}#{a.id}", "chart", a.name, _join(a.description), f"{page}#{a.id}",
                              parent=page, parent_title=c.title, roles=a.raci.roles, group=group, asked_as=a.asked_as,
                              version=item_version(a, portal)))
    return docs


# ---------------------------------------------------------------------------------------------
# Writing: incremental and atomic


def read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def open_index(index_dir: Path):
    return whoosh_index.open_dir(str(index_dir))


def update_index(index_dir: Path, docs: list[SearchDoc], meta: dict | None = None) -> IndexStats:
    """Bring the index in `index_dir` in line with `docs`, touching only documents whose content changed.

    An index that cannot be read is no starting point: a segment truncated by a full disk, a power cut or a
    careless hand made every later build fail with a traceback (or Click's bare "Aborted!" for an EOFError)
    until build/ was deleted by hand (red-team run, 2026-12-04). It is written afresh instead."""
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = read_meta(index_dir)
    if previous.get("schema_version") == SCHEMA_VERSION:
        try:
            if whoosh_index.exists_in(str(index_dir)):
                return _update_index(index_dir, docs, previous, meta, fresh=False)
        except OSError:  # a full disk or a folder it may not write: the build says so, rewriting would fail as well
            raise
        except Exception:  # noqa: BLE001 - Whoosh reports a damaged file as struct, pickle, EOF or type errors
            stats = _update_index(index_dir, docs, {}, meta, fresh=True)
            stats.unreadable_replaced = True
            return stats
    return _update_index(index_dir, docs, {}, meta, fresh=True)


def _update_index(index_dir: Path, docs: list[SearchDoc], previous: dict, meta: dict | None, fresh: bool) -> IndexStats:
    meta = {**previous, **(meta or {})}
    if fresh:
        for child in index_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        ix = whoosh_index.create_in(str(index_dir), build_schema())
        existing: dict[str, str] = {}
    else:
        ix = open_index(index_dir)
        with ix.reader() as reader:  # opens every segment: a truncated one fails here, before anything is written
            reader.doc_count()
        existing = previous.get("digests", {})
    stats = IndexStats()
    wanted = {d.key: d for d in docs}
    changed = [doc for doc in docs if existing.get(doc.key) != doc.digest]
    deleted = existing.keys() - wanted.keys()
    vocabulary = Counter(previous.get("vocabulary", {})) if not fresh else Counter()
    vocabulary.subtract(_stored_words(ix, [*deleted, *(d.key for d in changed if d.key in existing)]))
    vocabulary.update(spelling_words(text for doc in changed for text in (doc.title, doc.body)))
    changed_groups: set[str] = set()
    writer = index_writer(ix, limitmb=SORT_MEMORY_MB)
    try:
        for key in deleted:
            writer.delete_by_term("key", key)
            stats.deleted += 1
            changed_groups.add(key.split("#")[0])
        for doc in changed:
            if doc.key not in existing:
                writer.add_document(**doc.fields())
                stats.added += 1
            else:
                writer.update_document(**doc.fields())
                stats.updated += 1
            changed_groups.add(doc.group)
        stats.unchanged = len(docs) - len(changed)
        writer.commit(optimize=fresh)
    except BaseException:
        writer.cancel()
        raise
    meta["schema_version"] = SCHEMA_VERSION
    meta["documents"] = len(wanted)
    tags: dict[str, int] = {}
    for doc in docs:
        for tag in doc.tags:
            tags[tag] = tags.get(tag, 0) + 1
    meta["top_tags"] = sorted(tags, key=lambda t: (-tags[t], t))[:10]
    meta["vocabulary"] = {word: count for word, count in sorted(vocabulary.items()) if count > 0}
    # what the next build compares against, so it never reads every stored document
    meta["digests"] = {d.key: d.digest for d in docs}
    _write_meta(index_dir, meta)
    stats.groups = sorted(changed_groups)
    return stats


def _stored_words(ix, keys: list[str]) -> Counter:
    """The spelling words of documents as the index holds them now: what their replacement or removal takes away."""
    words = Counter()
    if keys:
        with ix.searcher() as searcher:
            for key in keys:
                stored = searcher.document(key=key) or {}
                words.update(spelling_words((stored.get("title", ""), stored.get("body", ""))))
    return words


def _write_meta(index_dir: Path, meta: dict) -> None:
    """Written last and by rename: searchers reopen when this file changes."""
    temporary = index_dir / (META_FILE + ".tmp")
    temporary.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    temporary.replace(index_dir / META_FILE)


def write_index(staged: Path, current: Path | None, portal: Portal, docs: list[SearchDoc], site_url: str, language: str,
                facet_names: dict[str, dict[str, str]] | None = None, glossary_title: str = "",
                facet_langs: dict[str, dict[str, str]] | None = None) -> IndexStats:
    """Write the portal's search documents (`docs`, collect_documents) into `staged`, starting from a copy of the
    live index in `current` (so it is incremental).

    The caller swaps `staged` in only when the whole build succeeded, so a
    failed build leaves the old index serving. `facet_names` maps kinds, roles and
    phases to the names the pages show, for the portal's search filters.
    """
    if current is not None and current.is_dir() and read_meta(current).get("schema_version") == SCHEMA_VERSION:
        copy_folder(current, staged, ignore=shutil.ignore_patterns("*.lock", "*_LOCK", DOCUMENTS_FILE))  # written anew
    groups = [[g.term, *g.synonyms] for g in portal.glossary if g.synonyms]
    meta = {"site_url": site_url, "language": language, "facet_names": facet_names or {},
            "facet_langs": facet_langs or {},  # a role named in English on a Japanese portal: en (search_filters)
            "former_ids": {"role": portal.former_role_ids},  # a filter by a renamed role's old id (search_filters.filter_id)
            "other_names": {"role": {role.id: role.names for role in portal.roles}},  # --role "CS Lead" (its short name)
            "synonyms": groups,  # query expansion
            "readings": {g.reading: g.term for g in portal.glossary if g.reading.strip()},  # search_words.written_out
            # glossary phrases of stop words the content holds word for word (search_words.phrase_in_content)
            "literal_phrases": literal_phrases_in((text for doc in docs for text in (doc.title, doc.body)), groups),
            # the entries a query may name (search_glossary.py): kept out of the documents, whose statistics they moved
            "glossary": glossary_entries(portal), "glossary_title": glossary_title}
    return update_index(staged, docs, meta)


def glossary_entries(portal: Portal) -> list[dict]:
    """The glossary as search shows it: its fields are plain text, as on the glossary page (not Markdown, whose
    stripping left a term written like a tag with no title at all)."""
    page = urls.page_url(urls.GLOSSARY_PAGE)
    return [{"id": t.id, "term": _one_line(t.term), "definition": _one_line(t.definition),
             "synonyms": [_one_line(s) for s in t.searched_as[1:]], "url": f"{page}#{t.id}"} for t in portal.glossary]


def _one_line(text: str) -> str:
    return " ".join(text.split())
