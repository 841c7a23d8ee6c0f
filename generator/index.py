"""The search index: Whoosh schema and analyzers, and writing the index from the model.

This is the only module that imports whoosh for writing (search.py reads through
the helpers here), so the choice of Whoosh fork and its pickled schema stay in
one place. Every page is one document, and so is every playbook step, checklist
item, FAQ entry and chart activity, so a hit can deep-link to
`/playbooks/renewal-runway/#confirm-stakeholders`.

Japanese has no spaces: runs of kanji and katakana are indexed as overlapping
bigrams (a query uses a non-overlapping cover of them), and hiragana runs
(particles, okurigana) are dropped. Measured on benchmarks/queries.yml
(benchmarks/search_analyzers.py): bigrams MRR@10 0.962 in Japanese, SudachiPy
mode A with normalized forms 0.885 (p95 19 vs 12 ms at 10k documents, +198 MiB of
dictionary), so bigrams it is; and this tokenizer pickles into the index as
Whoosh requires (a Sudachi one would have to load lazily).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import shutil
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.collectors import TopCollector
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem as porter_stem
from whoosh.qparser import MultifieldParser, OrGroup

from . import urls
from .durations import parse_due
from .model import Portal

META_FILE = "csops-meta.json"
SCHEMA_VERSION = 12  # bump when the schema or analysis changes: forces a full re-index

# Latin words (with digits), runs of kanji/katakana, runs of hiragana.
_TOKEN_RUNS = re.compile(
    r"(?P<latin>[0-9A-Za-z\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:['’][A-Za-z]+)?)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u30a0-\u30ff\uff66-\uff9f々〆ヵヶー]+)"
    r"|(?P<kana>[\u3040-\u309f]+)")
_MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[*_`#>|\[\]]+|^\s*[-+]\s+|<[^>]+>", re.MULTILINE)


def split_pieces(value: str, query: bool = False):
    """(text, start, end) of each piece of `value`: English words (NFKC), kanji/katakana bigrams, no hiragana.

    The one place text is cut, for the index (MixedTokenizer) and for snippets (term_spans).
    """
    for match in _TOKEN_RUNS.finditer(value):
        run, start = match.group(), match.start()
        if match.lastgroup == "latin":
            yield unicodedata.normalize("NFKC", run), start, match.end()
        elif match.lastgroup == "kana":
            # Particles, okurigana and inflections are in every Japanese text: noise for ranking, and
            # their huge posting lists were most of a Japanese query's cost (MRR unchanged without them).
            continue
        elif len(run) == 1:
            yield run, start, start + 1
        else:
            # every bigram of a run co-occurs with its neighbours: a query needs only a non-overlapping cover
            cover = list(range(0, len(run) - 1, 2 if query else 1))
            if cover[-1] != len(run) - 2:
                cover.append(len(run) - 2)
            for i in cover:
                yield run[i:i + 2], start + i, start + i + 2


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
        for text, begin, end in split_pieces(value, query=mode == "query"):
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

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for token in tokens:
            if token.text.isascii():
                token.text = stem_word(token.text)
            yield token


@lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Porter stem, remembered: a portal's vocabulary is small and every query and snippet stems it again."""
    return porter_stem(word)


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


def term_spans(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of every indexed term in `text`: what mixed_analyzer yields, without its per-token objects.

    Snippets locate the query's terms in each hit's body; through the Whoosh
    pipeline that was half of a query's time.
    """
    spans = []
    for piece, start, end in split_pieces(text):
        term = piece.lower()
        if term not in STOP_WORDS:
            spans.append((stem_word(term) if term.isascii() else term, start, end))
    return spans


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
        context=TEXT(analyzer=mixed_analyzer(), field_boost=0.5),  # the parent page's title
        words=TEXT(analyzer=spelling_analyzer(), stored=False, phrase=False),
        url=STORED(),
        parent=ID(stored=True),
        parent_title=STORED(),
        # kind, phase and roles as one column: facet counts read it per document without unpickling stored fields
        facets=COLUMN(VarBytesColumn()),
    )


def facet_value(kind: str, phase: str, roles, level: str) -> bytes:
    return f"{kind}\t{phase}\t{' '.join(roles)}\t{level}".encode("utf-8")


@dataclass(frozen=True)
class FacetTable:
    """Per document number: (kind, phase, roles) for facet counts, and which documents are whole pages."""

    rows: list[tuple[str, str, tuple[str, ...]]]
    pages: frozenset[int]


def read_facets(searcher) -> FacetTable:
    """Read from the facets column, so counting and ranking never unpickle stored fields."""
    rows, pages = [], set()
    for docnum, raw in enumerate(searcher.reader().column_reader("facets", translate=False)):
        kind, phase, roles, level = ((raw or b"").decode("utf-8") + "\t\t\t").split("\t")[:4]
        rows.append((kind, phase, tuple(roles.split())))
        if level == "page":
            pages.add(docnum)
    return FacetTable(rows, frozenset(pages))


SEARCHED_FIELDS = ("title", "body", "context")
_PLAIN_WORDS = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*\s*", re.UNICODE)  # letters and digits between spaces, nothing else
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


class QueryBuilder:
    """Words OR-grouped over title, body and the parent page's title (AND finds nothing for a natural-language
    question); titles weigh 3x, the parent's title 0.5x (a step of "Renewal runway" is about renewals: MRR 0.904 ->
    0.917 in English; 1x and 2x gave 0.913).

    The scaled OrGroup ranks documents holding more of the words first (a plain OR
    scored the same MRR on our query set, but ranked pages repeating one word above
    items holding all of them). Rejected (benchmarks/): one combined
    title+body field is 15% faster but loses the title weight (MRR 0.90 -> 0.75 in
    English); AndMaybe(title) restores some of it but is slower than two fields.
    """

    SCALE = 0.9

    def __init__(self, schema: Schema):
        self.fields = [name for name in SEARCHED_FIELDS if name in schema]  # an index from an older csops lacks some
        self.schema = schema
        self.parser = MultifieldParser(self.fields, schema, group=OrGroup.factory(self.SCALE))

    def parse(self, text: str, searcher=None):
        q = self.plain_words(text) if self.is_plain(text) else self.parser.parse(text)
        return prune_common_terms(searcher, q) if searcher is not None else q

    @staticmethod
    def is_plain(text: str) -> bool:
        return bool(_PLAIN_WORDS.fullmatch(text)) and not _OPERATORS.search(text)

    def plain_words(self, text: str):
        """The query Whoosh's parser builds for words without any query syntax, built directly (it took half
        of a query's time); tested equal to the parser's on every benchmark query."""
        terms = []
        for word in text.split():
            for name in self.fields:
                for token in self.schema[name].analyzer(word, mode="query"):
                    terms.append(whoosh_query.Term(name, token.text))
        if not terms:
            return whoosh_query.NullQuery
        if len(terms) == 1:
            return terms[0]
        return whoosh_query.Or(terms, scale=self.SCALE).normalize()


def filtered_query(q, filters: dict[str, str]):
    """`q` restricted to documents whose facet fields hold the given values (empty values ignored)."""
    terms = [whoosh_query.Term(name, value) for name, value in filters.items() if value]
    return whoosh_query.And([q] + terms) if terms else q


COMMON_TERM_SHARE = 0.15  # measured: MRR unchanged (en 0.904, ja 0.962), p95 at 10k documents 3x lower


def prune_common_terms(searcher, q, share: float | None = None):
    """Drop words found in more than `share` of all documents from a plain OR query, keeping at least two words.

    Pure-Python Whoosh pays for every posting it walks; a word in a quarter of
    the portal barely changes the ranking but dominates the cost.
    """
    share = COMMON_TERM_SHARE if share is None else share
    if not _ors_of_terms(q):
        return q
    leaves = list(q.leaves())
    total = max(searcher.doc_count(), 1)
    df = {id(t): searcher.doc_frequency(t.fieldname, t.text) for t in leaves}
    # a word counts as common by its document frequency in any field
    common_words = {t.text for t in leaves if df[id(t)] > share * total}
    keep = [t for t in leaves if t.text not in common_words]
    if len({t.text for t in keep}) < 2:
        rare_first = sorted({t.text for t in leaves}, key=lambda w: max(df[id(t)] for t in leaves if t.text == w))
        keep = [t for t in leaves if t.text in rare_first[:2]]
    if len(keep) == len(leaves):
        return q
    return whoosh_query.Or(keep, scale=getattr(q, "scale", None))


def _ors_of_terms(q) -> bool:
    """True for a Term or ORs of Terms, nested any way: the queries pruning may flatten into one OR."""
    if isinstance(q, whoosh_query.Term):
        return True
    return type(q) is whoosh_query.Or and not q.minmatch and all(_ors_of_terms(sub) for sub in q.subqueries)


class _CountingTopCollector(TopCollector):
    """Top hits by score, calling `on_match(docnum)` for every match on the way: total and facets in one pass."""

    def __init__(self, limit: int, on_match):
        super().__init__(limit=limit, usequality=False)  # quality skipping would hide matches from the counts
        self.on_match = on_match

    def collect(self, sub_docnum):
        self.on_match(self.offset + sub_docnum)
        return super().collect(sub_docnum)


def search_counting(searcher, q, limit: int, on_match) -> list[tuple[float, int]]:
    """(score, docnum) of the best `limit` matches; `on_match` sees every matching document number."""
    collector = _CountingTopCollector(limit, on_match)
    searcher.search_with_collector(q, collector)
    return collector.results().top_n


class TermScores:
    """Every matching document's score for each query term, computed once per open index and kept.

    Whoosh's matcher tree walks and scores postings in pure Python on every query
    (85% of a query's time at 10k documents); readers' queries reuse a small
    vocabulary, so a term's {docnum: score} is computed once with Whoosh's own
    scorer and queries sum them. `score` gives what Whoosh's matchers give for ORs
    and ANDs of terms, including the scaled OrGroup's coordination bonus per segment,
    and None for any other query, which then goes to Whoosh. (Whoosh's collector can
    differ slightly: it swaps exhausted sub-matchers out mid-walk, which changes
    the coordination term count, so its scores depend on document order.)
    """

    def __init__(self, max_postings: int = 2_000_000):
        self.max_postings = max_postings  # about 200 MiB at worst; cleared, not grown, beyond it
        self._postings = 0
        self._terms: dict = {}

    def clear(self) -> None:
        self._terms.clear()
        self._postings = 0

    def _term(self, searcher, term) -> tuple[dict[int, float], tuple[int, ...]]:
        key = (term.fieldname, term.text, term.boost)
        found = self._terms.get(key)
        if found is not None:
            return found
        field = searcher.schema[term.fieldname]
        scores: dict[int, float] = {}
        segments = []
        try:
            btext = field.to_bytes(term.text)
        except ValueError:
            btext = None
        for number, (sub, offset) in enumerate(searcher.leaf_searchers() if btext is not None else ()):
            if (term.fieldname, btext) not in sub.reader():
                continue
            segments.append(number)
            m = sub.postings(term.fieldname, btext, weighting=searcher.weighting)
            while m.is_active():
                scores[m.id() + offset] = m.score() * term.boost
                m.next()
        found = (scores, tuple(segments))
        if self._postings + len(scores) > self.max_postings:
            self.clear()
        self._terms[key] = found
        self._postings += len(scores)
        return found

    def score(self, searcher, q) -> dict[int, float] | None:
        if isinstance(q, whoosh_query.Term):
            if q.fieldname not in searcher.schema:
                return None
            return self._term(searcher, q)[0]
        if type(q) not in (whoosh_query.Or, whoosh_query.And) or q.boost != 1.0 or not q.subqueries:
            return None
        if type(q) is whoosh_query.Or and (q.minmatch or len(q.subqueries) >= q.TOO_MANY_CLAUSES):
            return None
        parts = [self.score(searcher, sub) for sub in q.subqueries]
        if any(part is None for part in parts):
            return None
        if len(parts) == 1:
            return parts[0]
        if type(q) is whoosh_query.And:
            parts.sort(key=len)
            docs = set(parts[0]).intersection(*parts[1:])
            return {d: sum(part[d] for part in parts) for d in docs}
        total: dict[int, float] = {}
        for part in parts:
            for d, value in part.items():
                total[d] = total.get(d, 0.0) + value
        if q.scale:
            self._coordinate(searcher, q, total)
        return total

    def _coordinate(self, searcher, q, total: dict[int, float]) -> None:
        """Whoosh's CoordMatcher ("SQR"): a bonus for documents holding more of the query's terms."""
        leaves = [self._term(searcher, t) for t in q.leaves() if isinstance(t, whoosh_query.Term)]
        matching = Counter(d for scores, _ in leaves for d in scores)
        offsets = [offset for _, offset in searcher.leaf_searchers()]
        termcount = [sum(1 for _, segments in leaves if n in segments) for n in range(len(offsets))]
        scale = q.scale
        for d, value in total.items():
            n = termcount[bisect_right(offsets, d) - 1]
            if n == 0 or n == scale:
                total[d] = 0
            else:
                total[d] = (value + (matching[d] - 1) / (n - scale) ** 2) * ((n - 1) / n)


def top_scored(scores: dict[int, float], limit: int, weaker: frozenset[int] = frozenset(),
               weight: float = 1.0) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum), ranked with the `weaker` documents' scores times `weight`;
    ties go to the lower document number, as Whoosh's collector breaks them."""
    def rank(item):
        docnum, score = item
        return (-score * weight if docnum in weaker else -score, docnum)

    return [(score, d) for d, score in heapq.nsmallest(limit, scores.items(), key=rank)]


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

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything indexed about this document changes (so the next build re-indexes it)."""
        values = (self.key, self.kind, self.title, self.body, self.url, self.level, self.parent, self.parent_title,
                  self.phase, self.roles, self.tags, self.group, SCHEMA_VERSION)
        return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=8).hexdigest()

    def fields(self) -> dict:
        return {
            "key": self.key, "digest": self.digest, "kind": self.kind, "level": self.level, "phase": self.phase,
            "role": " ".join(self.roles), "tag": ",".join(self.tags), "title": self.title, "body": self.body,
            "context": self.parent_title, "words": f"{self.title}\n{self.body}", "url": self.url, "parent": self.parent,
            "parent_title": self.parent_title, "facets": facet_value(self.kind, self.phase, self.roles, self.level),
        }


def plain_text(markdown: str) -> str:
    """Markdown source without markup, for indexing and snippets."""
    return re.sub(r"[ \t]+", " ", _MARKDOWN_NOISE.sub(" ", markdown or "")).strip()


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


def live_index_dir(project: Path) -> Path:
    """Where the live index of a portal project lives (git-ignored, next to the generated pages)."""
    return Path(project) / "build" / "index"


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
    previous = read_meta(index_dir)
    meta = {**previous, **(meta or {})}
    fresh = previous.get("schema_version") != SCHEMA_VERSION or not whoosh_index.exists_in(str(index_dir))
    if fresh:
        for child in index_dir.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        ix = whoosh_index.create_in(str(index_dir), build_schema())
        existing: dict[str, str] = {}
    else:
        ix = open_index(index_dir)
        existing = previous.get("digests", {})
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
    tags: dict[str, int] = {}
    for doc in docs:
        for tag in doc.tags:
            tags[tag] = tags.get(tag, 0) + 1
    meta["top_tags"] = sorted(tags, key=lambda t: (-tags[t], t))[:10]
    # what the next build compares against, so it never reads every stored document
    meta["digests"] = {d.key: d.digest for d in docs}
    _write_meta(index_dir, meta)
    stats.groups = sorted(changed_groups)
    return stats


def update_documents(index_dir: Path, docs: list[SearchDoc], deleted: tuple[str, ...] = ()) -> None:
    """Replace or add a few documents in a live index (one edited item): no full comparison, visible on commit."""
    ix = open_index(index_dir)
    meta = read_meta(index_dir)
    digests = meta.setdefault("digests", {})
    writer = ix.writer()
    try:
        for key in deleted:
            writer.delete_by_term("key", key)
            digests.pop(key, None)
        for doc in docs:
            writer.update_document(**doc.fields())
            digests[doc.key] = doc.digest
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _write_meta(index_dir, meta)


def _write_meta(index_dir: Path, meta: dict) -> None:
    """Written last and by rename: searchers reopen when this file changes."""
    temporary = index_dir / (META_FILE + ".tmp")
    temporary.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    temporary.replace(index_dir / META_FILE)


def write_index(staged: Path, current: Path, portal: Portal, site_url: str, language: str,
                facet_names: dict[str, dict[str, str]] | None = None) -> IndexStats:
    """Write the portal's index into `staged`, starting from a copy of the live one in `current` (so it is incremental).

    The caller swaps `staged` in only when the whole build succeeded, so a
    failed build leaves the old index serving. `facet_names` maps role and phase
    ids to the names the pages show, for the portal's search filters.
    """
    if current.is_dir() and read_meta(current).get("schema_version") == SCHEMA_VERSION:
        shutil.copytree(current, staged, ignore=shutil.ignore_patterns("*.lock", "*_LOCK"))
    meta = {"site_url": site_url, "language": language, "facet_names": facet_names or {}}
    return update_index(staged, collect_documents(portal, language), meta)
