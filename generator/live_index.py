"""The live search index as each thread reads it: one complete generation, reopened when a build flips in a new one.

`build/index` is a link that a build flips in one rename (generations.py). A thread resolves it once per request
and keeps that generation's Whoosh searcher (not thread-safe) until its next request, so no query sees a
half-swapped index and no searcher is closed under a query. What every thread shares (facet table, meta, kept
term scores, live statistics, known filter values, glossary names, synonym classes) is read once per generation.
Querying is search.py's.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .index import META_FILE, open_index, read_meta
from .paths import is_portal, live_index_dir, no_portal
from .search_analysis import FacetTable, read_facets
from .search_filters import known_filter_values
from .search_glossary import GlossaryNames
from .search_ranking import QueryBuilder, TermScores
from .search_stats import LiveStats
from .search_words import synonym_classes


class IndexMissing(RuntimeError):
    """No index yet: `csops build` writes it (`no-portal`: the folder holds no portal to build)."""

    def __init__(self, message: str, code: str = "index-missing"):
        super().__init__(message)
        self.code = code

    def as_dict(self) -> dict:
        return {"error": str(self), "code": self.code}


@dataclass(frozen=True)
class OpenIndex:
    """One thread's view of the current index generation (Whoosh searchers are not thread-safe)."""

    stamp: tuple
    searcher: object  # whoosh.searching.Searcher
    parser: QueryBuilder
    facets: FacetTable  # shared by all threads, like meta and term_scores
    meta: dict
    term_scores: TermScores
    known: dict[str, list[str]]  # filter name -> the values some document holds (what a filter may ask for)
    glossary: GlossaryNames
    # a glossary spelling as a query's word -> its groups: one word of the question (TermScores.word_coverage)
    synonym_classes: dict[str, frozenset[int]]


class LiveIndex:
    """The project's live index generation, opened for each thread that reads it."""

    def __init__(self, project: Path):
        self.project = Path(project)
        self.path = live_index_dir(self.project)
        self._lock = threading.Lock()
        # (stamp, facets, meta, term scores, known values, live statistics, glossary names, synonym classes):
        # every thread's
        self._shared: tuple | None = None
        self._local = threading.local()  # .index: this thread's OpenIndex

    def _current_stamp(self):
        """(generation folder, meta inode, meta mtime): `build/index` is a link that a build flips in one rename,
        so resolving it once names one complete generation, old or new, never a half-swapped folder."""
        for _ in range(3):
            folder = os.path.realpath(self.path)
            try:
                st = os.stat(os.path.join(folder, META_FILE))
                return folder, st.st_ino, st.st_mtime_ns
            except OSError:
                # a build may have flipped the link and removed this generation since it was resolved: only a link
                # that still names the folder means there is no index (a reader got "run csops build" mid-flip)
                if os.path.realpath(self.path) == folder:
                    if not is_portal(self.project):
                        raise IndexMissing(no_portal(self.project), "no-portal") from None
                    raise IndexMissing(f"{self.path}: no search index; run `csops build` first") from None
        raise IndexMissing(f"{self.path}: the search index kept changing while opening it")

    def open(self) -> OpenIndex:
        """The current index generation for this thread, reopened after a build flipped a new one in.

        A request takes one OpenIndex and uses it throughout (parse, search, corrections); only this
        thread ever holds it, so closing it here, at this thread's next request, never pulls an index
        from under a query. The old generation's files stay readable until closed, even once deleted.
        """
        current = getattr(self._local, "index", None)
        tried = []
        for attempt in range(3):
            stamp = self._current_stamp()
            if current is not None and current.stamp == stamp:
                return current
            try:
                ix = open_index(Path(stamp[0]))
                meta = read_meta(Path(stamp[0]))
                searcher = ix.searcher(weighting=weighting(meta.get("language", "en")))
                break
            except Exception as error:  # the generation was deleted between resolving and opening: resolve again
                tried.append(stamp)
                if attempt == 2 and len(set(tried)) == 1:  # one generation failed three times: it is damaged
                    raise IndexMissing(f"{self.path}: the search index cannot be read ({error}); run `csops build`, "
                                       "which writes it afresh") from None
                if attempt == 2:
                    raise IndexMissing(f"{self.path}: the search index kept changing while opening it ({error})") from None
        with self._lock:
            if self._shared is None or self._shared[0] != stamp:
                if "schema_version" not in meta:  # every build writes it: without it, glossary hits, filter names
                    searcher.close()                # and corrections quietly went missing
                    raise IndexMissing(f"{self.path}: the search index cannot be read (its {META_FILE} is missing or "
                                       "damaged); run `csops build`, which writes it afresh")
                facets = read_facets(searcher)
                self._shared = (stamp, facets, meta, TermScores(), known_filter_values(searcher, facets, meta), LiveStats(),
                                GlossaryNames(meta.get("glossary", [])), synonym_classes(meta.get("synonyms", [])))
            _, facets, meta, term_scores, known, live, glossary, classes = self._shared
        searcher.weighting.stats = live  # counted once per generation, whichever thread asks first
        if current is not None:
            current.searcher.close()
        self._local.index = OpenIndex(stamp, searcher, QueryBuilder(ix.schema), facets, meta, term_scores, known, glossary,
                                      classes)
        return self._local.index

    def forget_term_scores(self) -> None:
        """Drop the per-term scores and statistics kept in memory (benchmarks measure the first query of a word)."""
        with self._lock:
            if self._shared is not None:
                self._shared[3].clear()
                self._shared[5].clear()


def weighting(language: str):
    """BM25F with less length normalisation for English (B 0.6: a step's longer body holds the whole answer; EN
    MRR@10 0.787 -> 0.796 on benchmarks/queries.yml) than for Japanese bigrams (B 0.75, Whoosh's default: 0.942 at 0.6)."""
    from .search_stats import LiveBM25F

    return LiveBM25F(B=0.75 if language.startswith("ja") else 0.6, K1=1.2)
