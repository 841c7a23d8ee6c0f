"""Index statistics over the documents readers can find, so an index updated in place ranks as a cold one does.

Whoosh keeps a replaced or deleted document in its segment's statistics (document count, term document
frequencies, field lengths) until that segment is merged. Every incremental build replaces the edited
documents, so the same content ranked near-ties one way after a cold build and another after a few edits
(benchmarks/search_quality.py moved by up to 0.03 MRR@10, a ticket's top link changed). Merging on every
build would cost 3.6 s at 1,000 playbooks; counting only live documents costs one pass over a term's
postings, and nothing at all for an index without deletions.
"""

from __future__ import annotations

import weakref
from math import log

from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F, BM25FScorer

_STATS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class LiveStats:
    """Statistics of one open (top-level) searcher, counting live documents only."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        self.has_deletions = any(reader.has_deletions() for reader in self.leaves)
        self.doc_count = searcher.doc_count()
        self._df: dict[tuple[str, str], int] = {}
        self._avgfl: dict[str, float] = {}

    def doc_frequency(self, fieldname: str, text: str) -> int:
        if not self.has_deletions:
            return self.searcher.doc_frequency(fieldname, text)
        key = (fieldname, text)
        found = self._df.get(key)
        if found is None:
            found = 0
            for reader in self.leaves:
                try:
                    if reader.has_deletions():
                        found += sum(1 for _ in reader.postings(fieldname, text).all_ids())  # deleted ones filtered out
                    else:
                        found += reader.doc_frequency(fieldname, text)
                except (TermNotFound, KeyError):  # not in this segment (or not a field of an older index)
                    pass
            self._df[key] = found
        return found

    def avg_field_length(self, fieldname: str) -> float:
        if not self.has_deletions:
            return self.searcher.avg_field_length(fieldname)
        found = self._avgfl.get(fieldname)
        if found is None:
            deleted = sum(reader.doc_field_length(docnum, fieldname) or 0 for reader in self.leaves
                          for docnum in (reader.deleted_docs_set if reader.has_deletions() else ()))
            found = (self.searcher.field_length(fieldname) - deleted) / self.doc_count if self.doc_count else 0.0
            self._avgfl[fieldname] = found
        return found

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf (WeightingModel.idf) over live documents."""
        return log(max(self.doc_count, 1) / (self.doc_frequency(fieldname, text) + 1)) + 1


def live_stats(searcher) -> LiveStats:
    """The statistics of `searcher`'s top-level searcher, computed once per opened index."""
    parent = searcher.get_parent()
    stats = _STATS.get(parent)
    if stats is None:
        stats = _STATS[parent] = LiveStats(parent)
    return stats


class _LiveScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, stats: LiveStats):  # noqa: N803 (Whoosh's names)
        self.idf = stats.idf(fieldname, text)
        self.avgfl = stats.avg_field_length(fieldname) or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


class LiveBM25F(BM25F):
    """Whoosh's BM25F with idf and average field length from live documents (LiveStats)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        stats = live_stats(searcher)
        if not stats.has_deletions or not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        return _LiveScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf, stats)
