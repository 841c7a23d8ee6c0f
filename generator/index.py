"""The search index: Whoosh schema and analyzers, and writing the index from the model.

This is the only module that imports whoosh for writing (search.py reads through
the helpers here), so the choice of Whoosh fork and its pickled schema stay in
one place. Every page is one document, and so is every playbook step, checklist
item, FAQ entry and chart activity, so a hit can deep-link to
`/playbooks/renewal-runway/#confirm-stakeholders`.

Japanese has no spaces: CJK runs are cut where the script changes (kanji and
katakana vs. hiragana) and indexed as overlapping bigrams, and short hiragana
runs (particles, okurigana) are dropped. Measured in benchmarks/search_quality.py
against a morphological analyzer's published figures, bigrams need no 200 MiB
dictionary and can be pickled into the index, which Whoosh requires.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.analysis import Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from . import urls
from .model import Portal

INDEX_DIR = "index"  # under <project>/build
META_FILE = "csops-meta.json"
SCHEMA_VERSION = 5  # bump when the schema or analysis changes: forces a full re-index

# Latin words (with digits), runs of kanji/katakana, runs of hiragana.
_TOKEN_RUNS = re.compile(
    r"(?P<latin>[0-9A-Za-z\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:['’][A-Za-z]+)?)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u30a0-\u30ff\uff66-\uff9f々〆ヵヶー]+)"
    r"|(?P<kana>[\u3040-\u309f]+)")
_MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[*_`#>|\[\]]+|^\s*[-+]\s+|<[^>]+>", re.MULTILINE)


class MixedTokenizer(Tokenizer):
    """English words as words; Japanese as script-boundary bigrams. Picklable (a plain module-level class)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in _TOKEN_RUNS.finditer(value):
            run, start = match.group(), match.start()
            if match.lastgroup == "latin":
                pieces = [(unicodedata.normalize("NFKC", run), start, match.end())]
            elif match.lastgroup == "kana" and len(run) <= 2:
                continue  # particles and okurigana: noise for ranking
            elif len(run) == 1:
                pieces = [(run, start, start + 1)]
            else:
                pieces = [(run[i:i + 2], start + i, start + i + 2) for i in range(len(run) - 1)]
            for text, begin, end in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar, token.endchar = start_char + begin, start_char + end
                yield token


class AsciiStemFilter(Filter):
    """Porter-stem English words only; CJK bigrams pass through untouched."""

    def __init__(self):
        self.stemmer = StemFilter()

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        stem = self.stemmer.stemfn
        for token in tokens:
            if token.text.isascii():
                token.text = stem(token.text)
            yield token


# Whoosh's stop list plus the question words readers type ("what do I do when…"): they match everywhere.
STOP_WORDS = frozenset("""
a about after again all also am an and any are as at be because been before being but by can could did do does
doing done for from get gets got had has have having he her here him his how i if in into is it its just me might
more most much my need needs no nor not now of off on once one only or other our out over own same she should so
some still such than that the their them then there these they this those through to too under until up us very
was we were what when where which while who whom why will with would yet you your tbd should
""".split())


def mixed_analyzer():
    """Analyzer for title and body: works on English, Japanese and both mixed in one field."""
    return MixedTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | AsciiStemFilter()


def spelling_analyzer():
    """Unstemmed lowercase English words: what did-you-mean proposes must be real words."""
    return MixedTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=3)


def build_schema() -> Schema:
    text = dict(analyzer=mixed_analyzer(), stored=True, multitoken_query="or")
    return Schema(
        key=ID(unique=True, stored=True),
        digest=STORED(),
        kind=ID(stored=True),
        level=ID(stored=True),
        phase=ID(stored=True),
        role=KEYWORD(stored=True, lowercase=True, scorable=False),
        tag=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
        title=TEXT(field_boost=3.0, **text),
        body=TEXT(**text),
        words=TEXT(analyzer=spelling_analyzer(), stored=False, phrase=False),
        url=STORED(),
        parent=ID(stored=True),
        parent_title=STORED(),
    )


def query_parser(schema: Schema):
    """Words OR-grouped over title and body (AND finds nothing for a natural-language question); `role:csm` works."""
    return MultifieldParser(["title", "body"], schema, group=OrGroup.factory(0.9))


def filtered_query(q, filters: dict[str, str]):
    """`q` restricted to documents whose facet fields hold the given values (empty values ignored)."""
    terms = [whoosh_query.Term(name, value) for name, value in filters.items() if value]
    return whoosh_query.And([q] + terms) if terms else q


def match_all():
    return whoosh_query.Every()


def terms_query(terms: list[str], field_boosts: dict[str, float]):
    """An OR of already-analyzed terms over several fields."""
    return whoosh_query.Or([whoosh_query.Term(f, t, boost=b) for t in terms for f, b in field_boosts.items()])


# ---------------------------------------------------------------------------------------------
# Model -> search documents


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

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]

    def fields(self) -> dict:
        return {
            "key": self.key, "digest": self.digest, "kind": self.kind, "level": self.level, "phase": self.phase,
            "role": " ".join(self.roles), "tag": ",".join(self.tags), "title": self.title, "body": self.body,
            "words": f"{self.title}\n{self.body}", "url": self.url, "parent": self.parent,
            "parent_title": self.parent_title,
        }


def plain_text(markdown: str) -> str:
    """Markdown source without markup, for indexing and snippets."""
    return re.sub(r"[ \t]+", " ", _MARKDOWN_NOISE.sub(" ", markdown or "")).strip()


def _join(*parts) -> str:
    return "\n".join(plain_text(p) for p in parts if p)


def due_text(due: str, language: str) -> str:
    """'T-60d' -> '60 days before' / '60日前': what readers type when they ask what is due when."""
    if not due or len(due) < 3:
        return ""
    amount, unit = due[2:-1], due[-1]
    days = int(amount) * (7 if unit == "w" else 1) if amount.isdigit() else None
    if days is None:
        return ""
    before = due[1] == "-"
    if language.startswith("ja"):
        return f"{days}日{'前' if before else '後'}"
    return f"{days} days {'before' if before else 'after'}"


def collect_documents(portal: Portal, language: str = "en") -> list[SearchDoc]:
    """Every page and every deep-linkable item of the portal, in a stable order."""
    docs: list[SearchDoc] = []
    for p in portal.playbooks:
        page = urls.page_url(urls.page_source("playbook", p.id))
        group = f"playbook:{p.id}"
        docs.append(SearchDoc(group, "playbook", p.title, _join(p.summary, p.trigger, p.goal, *p.kpis), page, "page",
                              phase=p.phase, roles=p.roles, tags=p.tags, group=group))
        for s in p.steps:
            docs.append(SearchDoc(f"{group}#{s.id}", "step", s.title,
                                  _join(s.body, *s.checklist, *(text for _, text in s.variants), due_text(s.due, language)),
                                  f"{page}#{s.id}", parent=page, parent_title=p.title, phase=p.phase,
                                  roles=s.roles or ((p.owner,) if p.owner else ()), tags=p.tags, group=group))
    for c in portal.checklists:
        page = urls.page_url(urls.page_source("onboarding", c.id))
        group = f"onboarding:{c.id}"
        roles = tuple(dict.fromkeys(c.audience + ((c.owner,) if c.owner else ())))
        docs.append(SearchDoc(group, "checklist", c.title, _join(c.summary, *(s.title for s in c.sections)), page,
                              "page", roles=roles, group=group))
        for section in c.sections:
            for item in section.items:
                docs.append(SearchDoc(f"{group}#{item.id}", "checklist", plain_text(item.text),
                                      _join(section.title, section.summary, due_text(item.due, language)), f"{page}#{item.id}", parent=page,
                                      parent_title=c.title, roles=roles, group=group))
    for f in portal.faqs:
        page = urls.page_url(urls.page_source("faq", f.id))
        group = f"faq:{f.id}"
        roles = (f.owner,) if f.owner else ()
        docs.append(SearchDoc(group, "faq", f.title, _join(f.summary), page, "page", roles=roles, group=group))
        for e in f.entries:
            docs.append(SearchDoc(f"{group}#{e.id}", "faq", plain_text(e.q), _join(e.a), f"{page}#{e.id}",
                                  parent=page, parent_title=f.title, roles=roles, tags=e.tags, group=group))
    for c in portal.charts:
        page = urls.page_url(urls.page_source("chart", c.id))
        group = f"chart:{c.id}"
        docs.append(SearchDoc(group, "chart", c.title, _join(c.summary, *(a.name for a in c.activities)), page, "page",
                              roles=tuple(dict.fromkeys(r for a in c.activities for r in a.raci.roles)), group=group))
        for a in c.activities:
            docs.append(SearchDoc(f"{group}#{a.id}", "chart", a.name, _join(a.description), f"{page}#{a.id}",
                                  parent=page, parent_title=c.title, roles=a.raci.roles, group=group))
    for r in portal.roles:
        page = urls.page_url(urls.page_source("role", r.id))
        docs.append(SearchDoc(f"role:{r.id}", "role", r.name, _join(r.description), page, "page", roles=(r.id,),
                              group=f"role:{r.id}"))
    return docs


# ---------------------------------------------------------------------------------------------
# Writing: incremental and atomic


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    groups: list[str] = field(default_factory=list)  # source documents that were re-indexed


def read_meta(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def open_index(index_dir: Path):
    return whoosh_index.open_dir(str(index_dir))


def update_index(index_dir: Path, docs: list[SearchDoc], meta: dict | None = None) -> IndexStats:
    """Bring the index in `index_dir` in line with `docs`, touching only documents whose content changed."""
    index_dir.mkdir(parents=True, exist_ok=True)
    meta = dict(meta or {})
    fresh = read_meta(index_dir).get("schema_version") != SCHEMA_VERSION or not whoosh_index.exists_in(str(index_dir))
    if fresh:
        for child in index_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        ix = whoosh_index.create_in(str(index_dir), build_schema())
        existing: dict[str, str] = {}
    else:
        ix = whoosh_index.open_dir(str(index_dir))
        with ix.searcher() as searcher:
            existing = {f["key"]: f["digest"] for f in searcher.all_stored_fields()}
    stats = IndexStats()
    wanted = {d.key: d for d in docs}
    changed_groups: set[str] = set()
    writer = ix.writer(limitmb=128)
    try:
        for key in existing.keys() - wanted.keys():
            writer.delete_by_term("key", key)
            stats.deleted += 1
            changed_groups.add(key.split("#")[0])
        for doc in docs:
            old = existing.get(doc.key)
            if old == doc.digest:
                stats.unchanged += 1
                continue
            if old is None:
                writer.add_document(**doc.fields())
                stats.added += 1
            else:
                writer.update_document(**doc.fields())
                stats.updated += 1
            changed_groups.add(doc.group)
        writer.commit(optimize=fresh)
    except BaseException:
        writer.cancel()
        raise
    meta["schema_version"] = SCHEMA_VERSION
    meta["documents"] = len(wanted)
    (index_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    stats.groups = sorted(changed_groups)
    return stats


def write_index(stage: Path, current: Path, portal: Portal, site_url: str, language: str) -> IndexStats:
    """Write the portal's index into `stage/index`, starting from a copy of the live one (so it is incremental).

    The caller swaps `stage/index` in only when the whole build succeeded, so a
    failed build leaves the old index serving.
    """
    staged = stage / INDEX_DIR
    if current.is_dir() and read_meta(current).get("schema_version") == SCHEMA_VERSION:
        shutil.copytree(current, staged, ignore=shutil.ignore_patterns("*.lock", "*_LOCK"))
    return update_index(staged, collect_documents(portal, language), {"site_url": site_url, "language": language})
