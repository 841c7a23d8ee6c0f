"""Search ranking: queries built from plain words, common-term pruning, per-term scores and top-k collection.

Whoosh's own scorer re-reads postings for every query; keeping each term's
scores per open index and summing them is what makes a query a few milliseconds.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter

from whoosh import query as whoosh_query
from whoosh.collectors import TopCollector
from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser, OrGroup, RangePlugin

from .search_query import FILTER_FIELDS
from .search_stats import live_stats

SEARCHED_FIELDS = ("title", "body", "context", "keywords")
_PLAIN_WORDS = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*\s*", re.UNICODE)  # letters and digits between spaces, nothing else
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


class QueryBuilder:
    """Words OR-grouped over title, body and the parent page's title (AND finds nothing for a natural-language
    question); titles weigh 3x, the parent's title 0.5x (a step of "Renewal runway" is about renewals: MRR 0.904 ->
    0.917 in English; 1x and 2x gave 0.913).

    The scaled OrGroup is kept for its equality with Whoosh's own scores, but its bonus for holding more of
    the words is too small to rank anything (see TermScores.word_coverage, which does). Rejected (benchmarks/): one combined
    title+body field is 15% faster but loses the title weight (MRR 0.90 -> 0.75 in
    English); AndMaybe(title) restores some of it but is slower than two fields.
    """

    SCALE = 0.9

    def __init__(self, schema: Schema):
        self.fields = [name for name in SEARCHED_FIELDS if name in schema]  # an index from an older csops lacks some
        self.schema = schema
        # The parser knows only the fields a reader may name (url:x failed on a stored-only field with Whoosh's own
        # words; any other name stays text), and no [a TO z] ranges: each walked the whole vocabulary, 15 s of a
        # worker at 1,000 playbooks for a 6-character query.
        readable = Schema(**{name: schema[name] for name in (*SEARCHED_FIELDS, *FILTER_FIELDS) if name in schema})
        self.parser = MultifieldParser(self.fields, readable, group=OrGroup.factory(self.SCALE), phraseclass=self._phrase)
        self.parser.remove_plugin_class(RangePlugin)

    def parse(self, text: str, searcher=None, synonyms: tuple[tuple[str, float], ...] = ()):
        """`synonyms` ((glossary phrase, boost) for the typed words) are added beside the typed words' query, not
        into it: inside the scaled OR they changed its coordination bonus and cost MRR (en 0.721 -> 0.697)."""
        q = self.plain_words(text) if self.is_plain(text) else self.parser.parse(text)
        q = prune_common_terms(searcher, q) if searcher is not None else q
        typed = {t.text for t in q.leaves()} if _ors_of_terms(q) else None
        extra, phrases = {}, {}
        for phrase, boost in synonyms if typed is not None else ():
            if not self.is_plain(phrase):
                continue
            for name in self.fields:
                tokens = tuple(t.text for t in self.schema[name].analyzer(phrase, mode="query"))
                if len(tokens) == 1 and tokens[0] not in typed and boost > extra.get((name, tokens[0]), 0):
                    extra[(name, tokens[0])] = boost
                elif len(tokens) > 1 and boost > phrases.get((name, tokens), 0):
                    # a synonym of several words (or Japanese pieces) matches as written: "churn rate" for churn
                    # found every page saying "rate", and チャーン's ーン every katakana word
                    phrases[(name, tokens)] = boost
        extra = [whoosh_query.Term(name, word, boost=boost) for (name, word), boost in extra.items()]
        # Whoosh scores a phrase as the sum of its words: averaged, it weighs as one word does (解約率 = 解約 + 約率
        # counted 解約 twice and put a page saying 解約率 once above the FAQ about 解約)
        extra += [whoosh_query.Phrase(name, list(tokens), boost=boost / len(tokens)) for (name, tokens), boost in phrases.items()]
        # not pruned: a common word of the content is exactly what a reader's synonym should reach (解約 for チャーン)
        return whoosh_query.Or([q, whoosh_query.Or(extra)]) if extra else q

    def left_out(self, pieces: list[str]):
        """The query of what a reader left out (search_query.split_exclusions: words, "phrases", (groups), field:word),
        or None."""
        parts = [self.plain_words(piece) if self.is_plain(piece) else self.parser.parse(piece) for piece in pieces]
        parts = [part for part in parts if part is not whoosh_query.NullQuery]
        return whoosh_query.Or(parts) if parts else None

    def typed(self, text: str, parsed):
        """The reader's own words as a query: `parsed` (parse's) may hold glossary synonyms beside them. "handoff"
        gained "hand off" and "sales handoff", no longer counted as one word, and opened a step before the
        Sales-to-CS handoff page."""
        return self.plain_words(text) if self.is_plain(text) else parsed

    def _phrase(self, fieldname: str, words: list[str], **options):
        """The parser's phrases. On a field that keeps no word positions (role: a document's role ids) a phrase is
        all of its words in that field: Whoosh raises on matching a phrase there, and a role: glued to a word
        ('T-90d:role:"csm cs-lead"') is no filter, so the parser read it (a traceback from csops search, a 500 from
        /api/search)."""
        if fieldname in self.schema and not self.schema[fieldname].format.supports("positions"):
            return whoosh_query.And([whoosh_query.Term(fieldname, word) for word in words], boost=options.get("boost", 1.0))
        return whoosh_query.Phrase(fieldname, words, **options)

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


# Measured on the 26 easy EN queries: MRR unchanged at 0.15 (p95 at 10k documents 3x lower than no pruning).
# On the 52-query set with CSM paraphrases, 0.15 dropped the words that carry them ("customer ... renewal ...
# emails"): EN 0.722 at 0.15, 0.783 at 0.5, 0.770 unpruned; JA 0.962, 0.981, 1.000. 0.5 keeps most of the speed.
COMMON_TERM_SHARE = 0.5


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
    stats = live_stats(searcher)
    df = {id(t): stats.doc_frequency(searcher, t.fieldname, t.text) for t in leaves}
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
    and ANDs of terms on a one-segment index, including the scaled OrGroup's coordination
    bonus, and None for any other query, which then goes to Whoosh. The bonus counts the
    query's terms in the whole index where Whoosh counts them per segment, so an index
    updated in place ranks as a cold one (search_stats.py); queries Whoosh scores itself
    (phrases, wildcards, fields) still count per segment. (Whoosh's collector can
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
        return self._keep(key, (scores, tuple(segments)))

    def _keep(self, key, found: tuple[dict[int, float], tuple[int, ...]]):
        """Keep a term's or phrase's scores, within max_postings."""
        if self._postings + len(found[0]) > self.max_postings:
            self.clear()
        self._terms[key] = found
        self._postings += len(found[0])
        return found

    def _phrase(self, searcher, phrase) -> dict[int, float]:
        """A phrase's {docnum: score}, from Whoosh's own phrase matcher (a glossary synonym of several words)."""
        key = (phrase.fieldname, tuple(phrase.words), phrase.slop, phrase.boost)
        found = self._terms.get(key)
        if found is None:
            scores = {}
            for sub, offset in searcher.leaf_searchers():
                m = phrase.matcher(sub, searcher.context())
                while m.is_active():
                    scores[m.id() + offset] = m.score()
                    m.next()
            found = self._keep(key, (scores, ()))
        return found[0]

    def score(self, searcher, q) -> dict[int, float] | None:
        if isinstance(q, whoosh_query.Term):
            if q.fieldname not in searcher.schema:
                return None
            return self._term(searcher, q)[0]
        if type(q) is whoosh_query.Phrase and q.fieldname in searcher.schema:
            return self._phrase(searcher, q)
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

    def word_coverage(self, searcher, q, synonym_classes: dict[str, frozenset[int]] | None = None) -> dict[int, float]:
        """Per matching document, the share of the query's words it holds (in any field), each word weighted by
        its idf and its boost; empty for a one-word query. A typed word and the glossary synonyms added for it
        are one word of the question (`synonym_classes`, search_words.synonym_classes): a document holds it by
        any of their spellings.

        Whoosh's coordination bonus cannot do this: it counts field terms (four per word) and adds at most
        (n-1)/(n-0.9)^2 per term, about 0.004 beside scores of 10-30, so a document holding one word in its
        title, body and parent title outranked one holding every word of the question.
        """
        leaves = [t for t in ([q] if q.is_leaf() else q.leaves()) if type(t) in (whoosh_query.Term, whoosh_query.Phrase)]
        holders: dict[str, set[int]] = {}
        boosts: dict[str, float] = {}
        for term in leaves:
            if term.fieldname in searcher.schema:
                # a synonym phrase counts as one word, held where the phrase is
                word, docs = ((term.text, self._term(searcher, term)[0]) if isinstance(term, whoosh_query.Term)
                              else (" ".join(term.words), self._phrase(searcher, term)))
                holders.setdefault(word, set()).update(docs)
                boosts[word] = max(boosts.get(word, 0.0), term.boost)
        if synonym_classes:
            holders, boosts = _synonyms_as_one_word(holders, boosts, synonym_classes)
        if len(holders) < 2:
            return {}
        total = max(searcher.doc_count(), 1)
        # Whoosh's idf, over the documents holding the word in any field: "customer" says less than "dashboard"
        weights = {word: boosts[word] * (math.log(total / (len(docs) + 1)) + 1) for word, docs in holders.items()}
        full = sum(weights.values())
        held: dict[int, float] = {}
        for word, docs in holders.items():
            for d in docs:
                held[d] = held.get(d, 0.0) + weights[word]
        return {d: value / full for d, value in held.items()}

    def _coordinate(self, searcher, q, total: dict[int, float]) -> None:
        """Whoosh's CoordMatcher ("SQR"): a bonus for documents holding more of the query's terms."""
        leaves = [self._term(searcher, t) for t in q.leaves() if isinstance(t, whoosh_query.Term)]
        matching = Counter(d for scores, _ in leaves for d in scores)
        # the query's terms found in the whole index, where Whoosh counts those in the document's segment: an
        # index updated in place (several segments) ranked otherwise than the same content indexed cold
        n = sum(1 for scores, _ in leaves if scores)
        if n == 1:  # one field term in the whole index (a word only in asked_as): (n-1)/n zeroed every score
            return
        scale = q.scale
        for d, value in total.items():
            if n == 0 or n == scale:
                total[d] = 0
            else:
                total[d] = (value + (matching[d] - 1) / (n - scale) ** 2) * ((n - 1) / n)


def _synonyms_as_one_word(holders: dict[str, set[int]], boosts: dict[str, float],
                          synonym_classes: dict[str, frozenset[int]]) -> tuple[dict[str, set[int]], dict[str, float]]:
    """The query's words with those of one glossary group merged: held where any of them is, boosted as the most
    boosted (the typed word's 1.0 beside a synonym's 0.2). Counted apart, "upsell" and its synonym "expansion" were
    two words of the question, so the FAQ saying "expansion" held half of what "AE closes my upsell lead" asks and
    came after a step saying "upsell lead" (benchmarks/queries.yml)."""
    same = {word: word for word in holders}  # each word's representative, a union-find over glossary groups

    def root(word: str) -> str:
        while same[word] != word:
            word = same[word]
        return word

    first_of: dict[int, str] = {}  # glossary group number -> the first query word of it
    for word in holders:
        for group in synonym_classes.get(word, ()):
            same[root(word)] = root(first_of.setdefault(group, word))
    merged: dict[str, set[int]] = {}
    merged_boosts: dict[str, float] = {}
    for word, docs in holders.items():
        one = root(word)
        merged.setdefault(one, set()).update(docs)
        merged_boosts[one] = max(merged_boosts.get(one, 0.0), boosts[word])
    return merged, merged_boosts


def coordinated(scores: dict[int, float], coverage: dict[int, float]) -> dict[int, float]:
    """`scores` times each document's word coverage (Lucene's classic coord factor, with idf-weighted words).

    benchmarks/queries.yml and queries_holdout.yml, MRR@10 without -> with it: EN 0.827 -> 0.839 and held out
    0.682 -> 0.708, JA 0.981 -> 0.981 and 0.680 -> 0.758; recall@5 EN 0.962 -> 0.923 and 0.933 -> 0.900 (a
    specific word alone, "dashboard", now loses to items holding several of the question's words). In one
    earlier state, unweighted words gave EN 0.816 / 0.703 and JA 0.981 / 0.802 against 0.829 / 0.708 and
    0.981 / 0.758 weighted; squared coverage scored below linear in all four sets."""
    if not coverage:
        return scores
    return {d: score * coverage.get(d, 0.0) for d, score in scores.items()}


def top_scored(scores: dict[int, float], limit: int, weaker: frozenset[int] = frozenset(),
               weight: float = 1.0) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum), the `weaker` documents' scores times `weight`: the score reported is the
    one ranked on, so a client sorting hits by score keeps our order. Ties go to the lower document number, as
    Whoosh's collector breaks them."""
    def ranked(docnum: int, score: float) -> float:
        return score * weight if docnum in weaker else score

    best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-ranked(*item), item[0]))
    return [(ranked(d, score), d) for d, score in best]


def match_all():
    return whoosh_query.Every()


def left_out_query(words, negated_filters: list[tuple[str, str]]):
    """What a reader left out, or None: words (-churn, NOT churn; `words` is their query) and filters (-role:csm)."""
    parts = ([words] if words is not None else []) + [whoosh_query.Term(name, value) for name, value in negated_filters]
    return whoosh_query.Or(parts) if parts else None


def excluding(q, excluded):
    """`q` without the documents `excluded` matches (the words a reader left out with - or NOT)."""
    return whoosh_query.AndNot(q, excluded)


def terms_query(terms: list[str], field_boosts: dict[str, float], scale: float | None = None):
    """An OR of already-analyzed terms over several fields."""
    return whoosh_query.Or([whoosh_query.Term(f, t, boost=b) for t in terms for f, b in field_boosts.items()],
                           scale=scale)


# ---------------------------------------------------------------------------------------------
# Model -> search documents


