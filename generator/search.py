"""Querying the index: ranked, filtered, faceted hits and did-you-mean (the index generation each thread reads:
live_index.py; what the reader typed, taken apart: search_query.py; filter values and facet counts:
search_filters.py; snippets: search_snippets.py; words: search_words.py; the log: query_log.py).

Natural-language questions ("customers not using the seats they bought") are
OR-grouped and ranked by BM25F: an AND query would return nothing. Facet
counts come from a per-searcher table of each document's kind/role/phase, so
they cost one pass over the matching document numbers.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import Counter, OrderedDict
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .live_index import LiveIndex, OpenIndex
from .search_analysis import exact_key, mixed_analyzer, word_bag
from .search_filters import facet_counts, facet_value_langs, facet_value_names, most_first, passes_filters, resolve_filters
from .search_glossary import GlossaryEntry
from .search_query import QueryError, check_query, empty_query_error, lower_field_names, split_query, tag_filter
from .search_ranking import (QueryBuilder, coordinated, excluding, filtered_query, left_out_query, match_all,
                             search_counting, terms_query, top_scored)
from .search_snippets import opening, query_words, snippet
from .search_stats import live_stats
from .stop_words import TICKET_FILLER
from .ticket_text import split_reply
from .search_words import (KNOWN_WORD_FIELDS, correct, expansions, glossary_words, joined_hyphenations,
                           phrase_in_content, synonym_variants, written_out)
from .urls import absolute_url, markdown_link, versioned_url

PAGE_WEIGHT = 0.75  # what a page's or checklist item's score counts beside an item's (FacetTable.yielding)
CACHE_SIZE = 512
MAX_TICKET_CHARS = 50_000
MAX_TICKET_WORDS = 2_000  # distinct words of a ticket weighed for /api/suggest
# the ticket's most distinctive words that /api/suggest then searches for: with 20, a long ticket's answer hung on
# which words made the cut, and an edit elsewhere in the content (a due date, a sentence in another playbook) moved
# a Sev1 ticket's runbook out of the top 10; 30 took held-out ticket top-1 EN 0.600 -> 0.733 and recall@5 JA
# 0.800 -> 0.867, the judged tickets unchanged (40 and 60 no better)
TICKET_QUERY_WORDS = 30
MIN_OWN_TICKET_WORDS = 3  # known words a reply needs of its own to be read without the thread it quotes
# a number with its Japanese counter (3件, 80万円, 2か月, 48時間) or ordinal (2回目, 3日目); not the digits of a
# name such as Sev1, SOC2 or 2FA, which the index holds as words
_COUNTED = re.compile(r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])[0-9０-９][0-9０-９,，.]*\s*"
                      r"(?:[万億千]?(?:[かヶカケ箇]月|週間|時間|分間|日間|年間|[年月日件名社人回時分秒個台円週割歳度枚本点%％])目?|[万億千]|目)")
# What a ticket is answered with: procedures and answers, not a new hire's checklist or a role's list of duties
RUNBOOK_KINDS = frozenset({"playbook", "step", "faq", "chart"})


@dataclass
class Hit:
    title: str
    kind: str
    url: str
    path: str
    snippet: str
    score: float
    parent_title: str = ""
    phase: str = ""
    roles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    markdown: str = ""  # "[Playbook › Step](url)": what the page's "Copy for ticket" button gives, for a ticket


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    facet_names: dict[str, dict[str, str]] = field(default_factory=dict)  # kind, role and phase ids -> display names
    facet_langs: dict[str, dict[str, str]] = field(default_factory=dict)  # of names in another language: their lang
    did_you_mean: str = ""
    suggestions: list[str] = field(default_factory=list)  # queries to run as they are: tag:renewal, tag:"health score"
    # what a reader sees for each suggestion, in the same order: the tag's name for a tag filter, else the words
    suggestion_labels: list[str] = field(default_factory=list)
    # a typo corrected before searching: the hits are for `showing_results_for`; `search_instead_for` is as typed
    showing_results_for: str = ""
    search_instead_for: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


MAX_SUGGESTED_WORDS = 8  # a query's words looked up among glossary terms and tags when it found nothing


class Searcher:
    """Searches and ticket suggestions over the live index (live_index.py reopens it when `csops build` swaps a new
    one in), with recent results kept per index generation."""

    def __init__(self, project: Path, cache_size: int = CACHE_SIZE):
        self.project = Path(project)
        self.cache_size = cache_size
        self.live = LiveIndex(self.project)
        self._lock = threading.Lock()
        # Popular queries repeat (and the portal UI asks again as filters change): keep recent results
        # per index generation; a new build changes the stamp, so nothing stale is ever served.
        self._cache: OrderedDict = OrderedDict()

    @property
    def site_url(self) -> str:
        return self.live.open().meta.get("site_url", "")

    def parse(self, text: str, index: OpenIndex | None = None):
        """The query as Whoosh objects. Given `index` (the one the caller searches, never a reopened one), common
        words are pruned against its statistics; without it, the current index's parser builds it as typed."""
        parser = (index or self.live.open()).parser
        text = lower_field_names(text)
        try:
            if index is None:
                return parser.parse(text)
            searcher = index.searcher
            literal = frozenset(index.meta.get("literal_phrases", ()))
            text = written_out(text, index.meta.get("readings", {}))
            text, synonyms = expansions(text, index.meta.get("synonyms", []),
                                        lambda p: phrase_in_content(searcher, p, literal))
            return parser.parse(text, searcher, tuple(synonyms))
        except Exception as error:  # whoosh raises assorted errors on odd syntax
            raise QueryError(f"cannot parse query: {error}", "cannot-parse") from None

    def search(self, text: str, *, kind: str = "", role: str = "", phase: str = "", tag: str = "",
               limit: int = 10, check: bool = True, correct: bool = True) -> SearchResult:
        """Hits for `text`; with `correct`, a typo the content cannot mean is fixed first (and said so)."""
        text = check_query(text) if check else text
        index = self.live.open()
        key = (index.stamp, text, kind, role, phase, tag, limit, correct)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        result = self._search(index, text, kind, role, phase, tag, limit)
        # only a query that found nothing is searched corrected: a word the content lacks may still be the
        # reader's real word ("sitting" is no typo of "setting"), and then did-you-mean only offers the fix
        if correct and result.did_you_mean and not result.hits:
            fixed = self._search(index, result.did_you_mean, kind, role, phase, tag, limit, hints=False)
            if fixed.hits:
                fixed.query, fixed.did_you_mean = text, result.did_you_mean
                fixed.showing_results_for, fixed.search_instead_for = result.did_you_mean, text
                result = fixed
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result

    def _search(self, index: OpenIndex, text, kind, role, phase, tag, limit, hints: bool = True) -> SearchResult:
        """`hints`: with did-you-mean and, when nothing matched, suggestions (a search run only for its hits or
        count goes without: each costs a pass over the glossary and every tag)."""
        searcher, facets, meta = index.searcher, index.facets, index.meta
        original = text
        parts = split_query(text)
        inline, negated, left_out = parts.filters, parts.negated_filters, parts.left_out
        # "on-boarding" is the content's "onboarding" for the words searched, the page named and the glossary alike
        text = joined_hyphenations(parts.words, lambda word: phrase_in_content(searcher, word))
        if not text and not left_out and not inline and not negated and not (kind or role or phase or tag):
            raise empty_query_error()
        filters, negated = resolve_filters({"kind": kind, "role": role, "phase": phase, "tag": tag}, inline, negated,
                                           index.known, meta)
        q = self.parse(text, index) if text else match_all()
        excluded = left_out_query(index.parser.left_out(left_out), negated)
        barred = set(searcher.docs_for_query(excluded)) if excluded is not None else set()
        combined = filtered_query(q, filters)
        filters = {k: v for k, v in filters.items() if v}
        limit = max(1, min(int(limit), 100))
        scores = index.term_scores.score(searcher, combined)
        if barred:  # words the reader left out: off the fast path's scores, out of Whoosh's query
            scores = {d: v for d, v in scores.items() if d not in barred} if scores is not None else None
            combined = excluding(combined, excluded)
        # A deep link answers better than the page around it, and a procedure than the to-do naming it: pages and
        # checklist items yield when an item scores close (FacetTable.yielding).
        if scores is not None:  # the common case: ORs and ANDs of terms, from per-term scores kept in memory
            scores = coordinated(scores, index.term_scores.word_coverage(searcher, q, index.synonym_classes))
            total, ranked = len(scores), scores
            top_n = top_scored(scores, limit, facets.yielding, PAGE_WEIGHT)
            unfiltered = index.term_scores.score(searcher, q) if filters else scores
            if barred and filters:  # `scores` is barred already
                unfiltered = [d for d in unfiltered if d not in barred]
        else:
            matched: list[int] = []
            candidates = search_counting(searcher, combined, max(limit * 3, 30), matched.append)
            total = len(matched)
            ranked = {docnum: score for score, docnum in candidates}
            top_n = top_scored(ranked, limit, facets.yielding, PAGE_WEIGHT)
            unfiltered = searcher.docs_for_query(q) if filters else matched
            if barred and filters:  # `matched` came from the query that leaves them out
                unfiltered = [d for d in unfiltered if d not in barred]
        top_n, named = self._named_first(index, text, q, ranked, top_n, limit, filters, barred)
        total += sum(1 for _, docnum in top_n if docnum not in ranked)  # named by id, not by the query's words
        # facets of the query without filters: what each filter choice would give
        counts = facet_counts(Counter(facets.rows[docnum] for docnum in unfiltered))
        words = query_words(q)
        hits = [self._hit(searcher.stored_fields(docnum), score, words, meta.get("site_url", ""), text) for score, docnum in top_n]
        # a term holds no role, phase or tag, so filtering on one leaves it out and leaving one out keeps it
        narrowed = any(filters.get(name) for name in ("role", "phase", "tag")) or ("kind", "term") in negated or left_out
        entries, asked = index.glossary.named(text) if not narrowed else ([], False)
        if entries:  # search_glossary.py: where the entry goes
            counts["kind"] = most_first({**counts["kind"], "term": len(entries)})
            if filters.get("kind", "term") == "term":
                at = min(named if asked else max(named, 1), len(hits))
                score = hits[at - 1].score if at else (hits[0].score if hits else 1.0)
                hits = (hits[:at] + [self._term_hit(e, score, words, meta, text) for e in entries] + hits[at:])[:limit]
                total += len(entries)
        result = SearchResult(original, total, hits, counts, facet_value_names(counts, meta),
                              facet_value_langs(counts, meta))
        result.did_you_mean = self.did_you_mean(original, index) if text and hints else ""
        if not hits and hints:
            filtered = any(filters.values()) or bool(negated)
            tips = self.suggestions(text, result.did_you_mean, index, filtered)
            result.suggestions, result.suggestion_labels = [q for q, _ in tips], [label for _, label in tips]
        return result

    def _named_first(self, index: OpenIndex, text: str, q, scores: dict[int, float], top_n, limit: int, filters: dict,
                     barred: set[int] = frozenset()):
        """A query that is a page's or item's exact title or id ranks it first (BM25 prefers a short item that
        repeats a word, e.g. the Renewal Status FAQ for "renewal runway"), and so does one holding the title's
        words in another order, with stop words or a glossary synonym ("handoff from sales to customer success"
        names "Sales-to-CS handoff"); a one-word query shows the pages titled with it before their items
        (readers typing "QBR" want the playbook, then its steps)."""
        # named by its id, a document need not hold the query's words ("csm" names the role page "Customer
        # Success Manager"); it must still pass the filters (a tag filter only through the words' matches)
        key, named = exact_key(text), index.facets.named
        candidates = named.get(key, ())
        if not candidates:
            variants = synonym_variants(key, index.meta.get("synonyms", []))
            candidates = tuple(dict.fromkeys(d for v in variants for d in named.get(word_bag(v), ())))
        first = [d for d in candidates if d not in barred
                 and (d in scores or (not filters.get("tag") and passes_filters(index.facets.rows[d], filters)))]
        if not first:
            first = self._pages_titled_with_one_word(index, text, q, scores)
        if not first:
            return top_n, 0
        first = first[:limit]
        rest = [(s, d) for s, d in top_n if d not in first][:limit - len(first)]
        # ranked first because it is named: its score is at least that of every hit after it (hits come in
        # descending score order, which API clients may sort by), whatever the limit (the best other hit, not
        # the best one shown: 'renewal' scored its FAQ 6.9 at limit=1 and 12.3 at limit=10)
        best_other = next((s for s, d in top_scored(scores, len(first) + 1, index.facets.yielding, PAGE_WEIGHT)
                           if d not in first), 0.0)
        lifted, floor = [], best_other
        for d in reversed(first):
            floor = max(floor, scores.get(d, 0.0))
            lifted.append((floor, d))
        return lifted[::-1] + rest, len(first)

    @staticmethod
    def _pages_titled_with_one_word(index: OpenIndex, text: str, q, scores: dict[int, float]) -> list[int]:
        """For a query of one word (one term, or one Japanese word the analyzer cut into pieces, 引き継ぎ: 引, 継),
        the matching pages whose title holds it (every piece), best first; else []. The reader's own words count,
        not the glossary synonyms beside them ("handoff" gained "hand off" and opened a step)."""
        typed = index.parser.typed(text, q)
        typed = [typed] if typed.is_leaf() else list(typed.leaves())
        if len({getattr(term, "text", None) for term in typed}) != 1 and len(text.split()) != 1:
            return []
        titled = None
        for term in typed:
            if getattr(term, "fieldname", "") == "title":
                docs = set(index.term_scores.score(index.searcher, term) or ())
                titled = docs if titled is None else titled & docs
        return sorted((d for d in (titled or set()) & index.facets.pages if d in scores), key=lambda d: (-scores[d], d))

    def _hit(self, r: dict, score: float, words: set[str], site_url: str, typed: str) -> Hit:
        body = r.get("body", "")
        url = versioned_url(absolute_url(site_url, r["url"]), r.get("version", ""))
        label = f"{r['parent_title']} › {r['title']}" if r.get("parent_title") else r["title"]
        return Hit(title=r["title"], kind=r["kind"], url=url, path="/" + r["url"],
                   snippet=snippet(body, words, typed=typed) or opening(body), score=round(score, 3),
                   parent_title=r.get("parent_title", ""), phase=r.get("phase", ""),
                   roles=(r.get("role") or "").split(), tags=[t for t in (r.get("tag") or "").split(",") if t],
                   markdown=markdown_link(label, url))

    @staticmethod
    def _term_hit(entry: GlossaryEntry, score: float, words: set[str], meta: dict, typed: str) -> Hit:
        url = absolute_url(meta.get("site_url", ""), entry.url)
        parent = meta.get("glossary_title", "")
        return Hit(title=entry.term, kind="term", url=url, path="/" + entry.url,
                   snippet=snippet(entry.definition, words, typed=typed) or opening(entry.definition), score=round(score, 3),
                   parent_title=parent, markdown=markdown_link(f"{parent} › {entry.term}" if parent else entry.term, url))

    def did_you_mean(self, text: str, index: OpenIndex | None = None) -> str:
        """A corrected query when an English word is unknown to the content and its glossary but close to one it has."""
        index = index or self.live.open()
        meta = index.meta
        return correct(text, index.searcher, meta.get("vocabulary", {}), glossary_words(meta.get("synonyms", [])))

    def suggestions(self, text: str, corrected: str, index: OpenIndex | None = None,
                    filtered: bool = False) -> list[tuple[str, str]]:
        """What to try when nothing matched, as (query, what a reader sees of it): the correction; the words without
        the filters, when the filters are what found nothing; glossary terms and tags spelt close to the query or one
        of its words ("crosssell": cross-sell); and only when none of these, the most used tags. The same five tags
        for every miss read as noise (support walkthrough). A tag is run as a filter (tag:更新) and shown as its name:
        "Try: tag:更新" showed a newcomer query syntax."""
        index = index or self.live.open()
        meta = index.meta
        tips = [(corrected, corrected)] if corrected else []
        if filtered and text.strip() and self._search(index, text, "", "", "", "", 1, hints=False).total:
            tips.append((text.strip(), text.strip()))
        names = {m.lower(): (m, m) for group in meta.get("synonyms", []) for m in group}
        names |= {e.term.lower(): (e.term, e.term) for e in index.glossary.entries}
        tags = {t.lower(): (query, t) for t in index.known.get("tag", []) if (query := tag_filter(t))}
        spellings = list(names) + list(tags)
        # each typed word is compared with every name and tag: the first few words only, and no further once five
        # tips are found (a 500-character query against 10,000 tags took 5 s of a worker, all of it here)
        for typed in list(dict.fromkeys([text.lower(), *text.lower().split()]))[:MAX_SUGGESTED_WORDS + 1]:
            if len(tips) >= 5:
                break
            for close in difflib.get_close_matches(typed, spellings, n=2, cutoff=0.8):
                tip = names.get(close) or tags[close]
                if tip[0].lower() != typed and tip not in tips:
                    tips.append(tip)
        return tips[:5] or [(query, t) for t in meta.get("top_tags", []) if (query := tag_filter(t))][:5]

    def suggest_for_ticket(self, text: str, limit: int = 5) -> list[Hit]:
        """Runbook links most related to a ticket: its most distinctive words, OR-ed and ranked."""
        text = (text or "").strip()
        if not text:
            raise QueryError("empty ticket text: send the ticket's subject and description", "empty-ticket")
        if len(text) > MAX_TICKET_CHARS:  # README: a thread's subject and latest messages say what it is about
            raise QueryError(f"ticket text too long ({len(text):,} characters; at most {MAX_TICKET_CHARS:,}): send its "
                             "subject and latest messages, without the quoted replies", "ticket-too-long")
        index = self.live.open()
        searcher, meta = index.searcher, index.meta
        analyzer = mixed_analyzer()
        filler = _ticket_filler()
        total = max(searcher.doc_count(), 1)
        stats = live_stats(searcher)

        def weighed(part: str) -> list[tuple[float, str]]:
            # a number's Japanese counter (2024年10月15日, 3件, 5名) is a date or a count, as the number is: one kanji
            # left alone matched any page with 月 or 日 in it
            terms = Counter(t.text for t in analyzer(_COUNTED.sub(" ", part)) if t.text not in filler)
            scored = []
            # the most frequent words only: 50,000 characters of random kanji made 50,000 distinct words, 150,000
            # lookups and 0.8 s of a worker per request (a pasted ticket has a few hundred)
            for term, tf in terms.most_common(MAX_TICKET_WORDS):
                df = sum(stats.doc_frequency(searcher, name, term) for name in KNOWN_WORD_FIELDS)  # asked_as words too
                # a bare number (ticket id, date, seat count) says nothing of the runbook: a Japanese ticket sent to
                # the English portal came back with an FAQ whose asked_as held "10"
                if df and not term.isdigit():
                    scored.append((tf * (1 + (total / df)) ** 0.5, term))
            return scored

        # what the writer asks, not the signature's job title nor the earlier thread a reply quotes (ticket_text); a
        # reply of a word or two the portal knows ("Any news?") asks about the thread, and is read with it
        own, thread = split_reply(text)
        scored = weighed(own)
        if thread and len(scored) < MIN_OWN_TICKET_WORDS:
            scored = weighed(own + "\n" + thread)
        best = [term for _, term in sorted(scored, reverse=True)[:TICKET_QUERY_WORDS]]
        if not best:
            return []
        # ranked as a search is (per-term scores kept in memory, the parent page's title, items before pages):
        # top-1 on benchmarks/tickets.yml EN 0.5 -> 0.6, JA 0.7 (Whoosh's collector over title and body only)
        boosts = {f: b for f, b in (("title", 3.0), ("body", 1.0), ("context", 1.0), ("keywords", 1.0)) if f in searcher.schema}
        # one word gets no coordination: Whoosh's factor (n-1)/n is 0 where that word is in one field only, and
        # every link came back scored 0.0 (a ticket reading "2"); a link scored 0 shares nothing with the ticket
        scale = QueryBuilder.SCALE if len(best) > 1 else None
        ranked = index.term_scores.score(searcher, terms_query(best, boosts, scale)) or {}
        ranked = {d: score for d, score in ranked.items() if score > 0 and index.facets.rows[d][0] in RUNBOOK_KINDS}
        return [self._hit(searcher.stored_fields(docnum), score, set(best), meta.get("site_url", ""), text)
                for score, docnum in top_scored(ranked, limit, index.facets.pages, PAGE_WEIGHT)]


@lru_cache(maxsize=1)
def _ticket_filler() -> frozenset[str]:
    """stop_words.TICKET_FILLER as the analyzer writes them (honestly -> honestli, お世話になっております -> 世話)."""
    analyzer = mixed_analyzer()
    return frozenset(t.text for word in TICKET_FILLER for t in analyzer(word))

