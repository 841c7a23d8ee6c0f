"""Index statistics over the documents readers can find, so an index updated in place ranks as a cold one does.

Whoosh keeps a replaced or deleted document in its segment's statistics (document count, term document
frequencies, field lengths) until that segment is merged. Every incremental build replaces the edited
documents, so the same content ranked near-ties one way after a cold build and another after a few edits
(benchmarks/search_quality.py moved by up to 0.03 MRR@10, a ticket's top link changed). Merging on every
build would cost 3.6 s at 1,000 playbooks; counting only live documents costs one pass over a term's
postings, and nothing at all for an index without deletions.
"""

from __future__ import annotations

from math import log

from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F, BM25FScorer, BaseScorer

MAX_TERMS = 200_000  # kept document frequencies: cleared, not grown, beyond (pasted tickets bring new words)


class LiveStats:
    """Statistics of one index generation counting live documents only, computed through any of its searchers.

    One per generation, shared by every thread's searcher (live_index.LiveIndex keeps it with the kept term scores),
    so a term's postings are counted once per build, not per thread or request; it holds no searcher.
    """

    def __init__(self):
        self._deletions: bool | None = None
        self._df: dict[tuple[str, str], int] = {}
        self._avgfl: dict[str, float] = {}

    def clear(self) -> None:
        self._df.clear()
        self._avgfl.clear()

    def has_deletions(self, searcher) -> bool:
        if self._deletions is None:
            self._deletions = any(leaf.reader().has_deletions() for leaf, _ in searcher.get_parent().leaf_searchers())
        return self._deletions

    def doc_frequency(self, searcher, fieldname: str, text) -> int:
        parent = searcher.get_parent()
        if not self.has_deletions(parent):
            return parent.doc_frequency(fieldname, text)
        key = (fieldname, text.decode("utf-8") if isinstance(text, bytes) else text)
        found = self._df.get(key)
        if found is None:
            found = 0
            for leaf, _ in parent.leaf_searchers():
                reader = leaf.reader()
                try:
                    if reader.has_deletions():
                        found += sum(1 for _ in reader.postings(fieldname, text).all_ids())  # deleted ones filtered out
                    else:
                        found += reader.doc_frequency(fieldname, text)
                except (TermNotFound, KeyError):  # not in this segment (or not a field of an older index)
                    pass
            if len(self._df) >= MAX_TERMS:
                self._df.clear()
            self._df[key] = found
        return found

    def avg_field_length(self, searcher, fieldname: str) -> float:
        parent = searcher.get_parent()
        if not self.has_deletions(parent):
            return parent.avg_field_length(fieldname)
        found = self._avgfl.get(fieldname)
        if found is None:
            readers = [leaf.reader() for leaf, _ in parent.leaf_searchers()]
            deleted = sum(reader.doc_field_length(docnum, fieldname) or 0 for reader in readers
                          for docnum in (reader.deleted_docs_set if reader.has_deletions() else ()))
            count = parent.doc_count()
            found = self._avgfl[fieldname] = (parent.field_length(fieldname) - deleted) / count if count else 0.0
        return found

    def idf(self, searcher, fieldname: str, text) -> float:
        """Whoosh's idf (WeightingModel.idf) over live documents."""
        count = searcher.get_parent().doc_count()
        return log(max(count, 1) / (self.doc_frequency(searcher, fieldname, text) + 1)) + 1


def live_stats(searcher) -> LiveStats:
    """The statistics a searcher scores with: its generation's shared ones, else (a searcher opened outside
    live_index.LiveIndex) ones of its own weighting, freed with it."""
    weighting = searcher.get_parent().weighting
    return weighting.live() if isinstance(weighting, LiveBM25F) else LiveStats()


class _LiveScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, stats: LiveStats):  # noqa: N803 (Whoosh's names)
        self.idf = stats.idf(searcher, fieldname, text)
        self.avgfl = stats.avg_field_length(searcher, fieldname) or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


# What an item's title word weighs when its page's title (the item's `context` field) holds it too: the step
# "Report what CS Ops delivered" is in the "CS Ops monthly report" playbook, and its title's CS, Ops and report
# say which playbook, not which step. At full weight they put it over "Compute KGIs and KPIs" for "monthly CS
# Ops report KPIs". benchmarks/search_quality.py, judged EN MRR@10 0.919 -> 0.932 (0.4 and 0.5 alike; 0.7:
# 0.922; 0: 0.916 and JA 1.000 -> 0.962), EN tickets top-1 0.6 -> 0.7; held-out, blind and JA unchanged.
ECHOED_TITLE_WEIGHT = 0.5


class _EchoedTitleScorer(BaseScorer):
    """A title term's scorer, its score times ECHOED_TITLE_WEIGHT for the documents whose context holds the term:
    in the scorer, so Whoosh's own matchers and the kept term scores (search_ranking.TermScores) agree."""

    def __init__(self, inner: BaseScorer, echoed: frozenset[int]):
        self.inner, self.echoed = inner, echoed

    def supports_block_quality(self):
        return self.inner.supports_block_quality()

    def score(self, matcher):
        score = self.inner.score(matcher)
        return score * ECHOED_TITLE_WEIGHT if matcher.id() in self.echoed else score

    def max_quality(self):  # an upper bound still: the weight only lowers scores
        return self.inner.max_quality()

    def block_quality(self, matcher):
        return self.inner.block_quality(matcher)


def _echoed(searcher, text) -> frozenset[int]:
    """The documents of `searcher`'s segment (the ids its matchers give) whose title and context both hold `text`:
    the title's postings walked, the context's skipped along (a word of many parent titles is a long list)."""
    reader = searcher.reader()
    if "context" not in searcher.schema or ("context", text) not in reader or ("title", text) not in reader:
        return frozenset()
    context, echoed = reader.postings("context", text), set()
    for docnum in reader.postings("title", text).all_ids():
        if context.is_active() and context.id() < docnum:
            context.skip_to(docnum)
        if not context.is_active():
            break
        if context.id() == docnum:
            echoed.add(docnum)
    return frozenset(echoed)


class LiveBM25F(BM25F):
    """Whoosh's BM25F with idf and average field length from live documents (LiveStats), and an item's title
    words weighed less where they repeat its page's title (ECHOED_TITLE_WEIGHT).

    Whoosh's BM25F scores each field apart and a query sums the fields. The textbook BM25F (per word, the
    field-weighted, length-normalised frequencies summed across fields first, then one saturation and one idf)
    was tried in the kept term scores and lost (benchmarks/search_quality.py; tuned on the judged set over K1
    1.2-8, title weight 3-10, keywords 1-5, context 0.5-2.5, B 0-0.8): judged EN MRR@10 0.944 -> 0.939 at best,
    held-out EN 0.911 -> 0.883-0.897, EN ticket top-1 0.7 -> 0.5-0.6; untuned it took JA held-out and blind
    0.833 -> 0.867 and 0.802 -> 0.911 but judged JA 1.000 -> 0.955. The sum counts a word held in several of an
    item's fields as more evidence: the FAQ saying "renewal" in its question, answer, page title and asked_as fell
    from 1st to 5th for 'customer not answering emails and renewal is close' under one saturation, behind a step
    holding one more of the question's words once."""

    def __init__(self, *args, stats: LiveStats | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stats = stats

    def live(self) -> LiveStats:
        if self.stats is None:
            self.stats = LiveStats()
        return self.stats

    def scorer(self, searcher, fieldname, text, qf=1):
        stats = self.live()
        if not stats.has_deletions(searcher) or not searcher.schema[fieldname].scorable:
            scorer = super().scorer(searcher, fieldname, text, qf)
        else:
            scorer = _LiveScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf, stats)
        echoed = _echoed(searcher, text) if fieldname == "title" else frozenset()
        return _EchoedTitleScorer(scorer, echoed) if echoed else scorer
