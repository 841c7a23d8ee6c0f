"""Search analysis: how text becomes terms (English stems, Japanese bigrams), stop words, and the Whoosh schema.

Japanese has no spaces: runs of kanji, and runs of katakana, are indexed as
overlapping bigrams (a query uses a non-overlapping cover of them), and hiragana
runs (particles, okurigana) are dropped. Where katakana meets kanji a word ends
(解約|リスク, ツール|入れた): a bigram across it (約リ, ル入) only matched noise;
cutting there took held-out JA MRR@10 0.758 -> 0.791, the judged set unchanged.
Measured on benchmarks/queries.yml (benchmarks/search_analyzers.py): bigrams MRR@10 0.962 in Japanese, SudachiPy
mode A with normalized forms 0.885 (p95 19 vs 12 ms at 10k documents, +198 MiB of
dictionary), so bigrams it is; and this tokenizer pickles into the index as
Whoosh requires (a Sudachi one would have to load lazily). Whoosh pickles these
classes by module path: moving them needs a SCHEMA_VERSION bump.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Analyzer, Token
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem as porter_stem

from .stop_words import STOP_WORDS


SCHEMA_VERSION = 28  # bump when the schema or analysis changes (or its classes move): forces a full re-index
KEYWORD_BOOST = 1.5

# Latin words (with digits), runs of kanji or of katakana (one group: both become bigrams), runs of hiragana.
# Text pasted from macOS comes decomposed (NFD): a combining accent (U+0300-036F) or voicing mark (U+3099/309A)
# stays in its letter's run and is composed with it, and a ligature (ﬁ) is a Latin letter; each split a word.
_TOKEN_RUNS = re.compile(
    r"(?P<latin>[0-9A-Za-z\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\ufb00-\ufb06]"
    r"[0-9A-Za-z\u00c0-\u024f\u0300-\u036f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\ufb00-\ufb06]*(?:['’][A-Za-z]+)?)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+|[\u30a0-\u30ff\uff66-\uff9fヵヶー][\u30a0-\u30ff\uff66-\uff9fヵヶー\u3099\u309a]*)"
    r"|(?P<kana>[\u3040-\u309f]+)")
def japanese_runs(value: str) -> list[tuple[int, int]]:
    """(start, end) of each run of kanji or of katakana in `value`: the words Japanese text is cut into pairs from."""
    return [match.span() for match in _TOKEN_RUNS.finditer(value) if match.lastgroup == "han"]


def split_pieces(value: str, query: bool = False):
    """(text, start, end) of each piece of `value`: English words (NFKC), kanji/katakana bigrams, no hiragana.

    The one place text is cut, for the index (MixedAnalyzer) and for snippets (term_spans).
    """
    for match in _TOKEN_RUNS.finditer(value):
        run, start = match.group(), match.start()
        if match.lastgroup == "latin":
            yield without_clitic(unicodedata.normalize("NFKC", run)), start, match.end()
        elif match.lastgroup == "kana":
            # Particles, okurigana and inflections are in every Japanese text: noise for ranking, and
            # their huge posting lists were most of a Japanese query's cost (MRR unchanged without them).
            continue
        else:
            chars = _full_width(run, start) if _NOT_PLAIN_KANA.search(run) else [(c, start + i, start + i + 1)
                                                                                for i, c in enumerate(run)]
            if len(chars) == 1:
                yield chars[0]
                continue
            # every bigram of a run co-occurs with its neighbours: a query needs only a non-overlapping cover
            cover = list(range(0, len(chars) - 1, 2 if query else 1))
            if cover[-1] != len(chars) - 2:
                cover.append(len(chars) - 2)
            for i in cover:
                yield chars[i][0] + chars[i + 1][0], chars[i][1], chars[i + 1][2]


# A contraction's other half is a stop word (n't: not; 're, 've, 'll, 'd, 'm: are, have, will, would, am), and so is
# the word it leaves but for three spellings: "can't" is "can", "won't" "will", "shan't" "shall"
_CONTRACTIONS = {"re", "ve", "ll", "d", "m"}
_NEGATED = {"ca": "can", "wo": "will", "sha": "shall"}


def without_clitic(word: str) -> str:
    """An English word without its possessive or contracted ending: "customer's" is "customer" ("yesterday's logins"
    found nothing said of yesterday), "don't" is "do" and "they're" "they" (stop words: "can't" matched every text
    that had one). Other apostrophes stay (O'Brien)."""
    base, apostrophe, ending = word.replace("’", "'").partition("'")
    if not apostrophe or not base:
        return word
    ending = ending.lower()
    if ending == "s" or ending in _CONTRACTIONS:
        return base
    if ending == "t" and base[-1:].lower() == "n":
        return _NEGATED.get(base[:-1].lower(), base[:-1])
    return word


_NOT_PLAIN_KANA = re.compile("[\uff66-\uff9f\u3099\u309a]")  # half-width kana, or a voicing mark apart (NFD)
_SOUND_MARKS = "\uff9e\uff9f\u3099\u309a"  # dakuten and handakuten (half-width, combining), after the kana they voice


def _full_width(run: str, start: int) -> list[tuple[str, int, int]]:
    """(character, start, end) of a katakana run with half-width kana made full-width (NFKC, as typed on old
    systems and phones: ｵﾝﾎﾞｰﾃﾞｨﾝｸﾞ is オンボーディング), a sound mark joined to its kana; offsets stay the typed text's."""
    chars: list[tuple[str, int, int]] = []
    for i, char in enumerate(run):
        if char in _SOUND_MARKS and chars:
            joined = unicodedata.normalize("NFKC", chars[-1][0] + char)
            if len(joined) == 1:
                chars[-1] = (joined, chars[-1][1], start + i + 1)
                continue
        chars.append((unicodedata.normalize("NFKC", char), start + i, start + i + 1))
    return chars


PHRASE_GAP = "\u2029"  # PARAGRAPH SEPARATOR: between texts that are not one phrase


class MixedAnalyzer(Analyzer):
    """English words lowercased, stop words out, Porter-stemmed; Japanese as script-boundary bigrams.

    One loop instead of a tokenizer and three chained filters: the same tokens (text, positions renumbered
    over dropped stop words, offsets) at a third less indexing time. Picklable (a plain module-level class).
    """

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if positions and tokenize and PHRASE_GAP in value:
            # separate phrases (index.SearchDoc.keywords): positions jump a place between them, so a quoted
            # query never matches the last word of one phrase and the first of the next
            for part in value.split(PHRASE_GAP):
                last = start_pos - 2
                for token in self(part, positions, chars, keeporiginal, removestops, start_pos, start_char, tokenize,
                                  mode, **kwargs):
                    last = token.pos
                    yield token
                start_pos, start_char = last + 2, start_char + len(part) + 1
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = split_pieces(value, query=mode == "query") if tokenize else ((value, 0, len(value)),)
        position, kept = start_pos - 1, None  # each piece's place, and the last kept word's (renumbered)
        for piece, begin, end in pieces:
            position += 1
            text = piece.lower()
            stopped = not text or text in STOP_WORDS
            if stopped and removestops:
                continue
            token.text = stem_word(text) if text.isascii() and not stopped else text
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal:
                token.original = piece
            if positions:
                if stopped:
                    token.pos = position
                else:
                    kept = position if kept is None else kept + 1
                    token.pos = kept
            if chars:
                token.startchar, token.endchar = start_char + begin, start_char + end
            yield token


# Words Porter folds into another a CS reader means apart: "production is down" found the price of "another
# product" before the escalation runbook (a support agent's first-hour query)
_OWN_STEMS = {"production": "production", "productions": "production", "productive": "productive",
              "productivity": "productivity",
              # RACI's A, not a customer account: "who is accountable for renewals" found "My account is red"
              "accountable": "accountable", "accountability": "accountable"}


# Whoosh's Porter keeps the consonant "-ed" and "-ing" doubled, where Porter's step 1b takes one off: "logged" was
# logg and "setting" sett, so "where do feature asks get logged" never matched the FAQ that says where to log them.
# Only letters English doubles before an ending (stopped, planned, setting), and a stem of three letters or more
# left ("added" stays add, as "add" is; "staffed" and "called" keep theirs, as Porter does)
_DOUBLED_BEFORE_ENDINGS = frozenset("bdgmnprt")


@lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Porter stem, remembered: a portal's vocabulary is small and every query and snippet stems it again."""
    own = _OWN_STEMS.get(word)
    if own:
        return own
    stem = porter_stem(word)
    if (len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] in _DOUBLED_BEFORE_ENDINGS
            and word.endswith(("ed", "ing"))):
        return stem[:-1]
    return stem


def mixed_analyzer():
    """Analyzer for title and body: works on English, Japanese and both mixed in one field."""
    return MixedAnalyzer()


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


_SPELLING_WORD = re.compile(r"\b[a-z]{3,}\b")


def spelling_words(texts) -> Counter:
    """The unstemmed English words (3+ letters, no stop words) of `texts`, counted.

    What did-you-mean may propose must be a real word of the content, and the most used one wins a tie.
    Counted here rather than indexed as a Whoosh field, whose per-document postings were a fifth of indexing.
    """
    counts = Counter(_SPELLING_WORD.findall(unicodedata.normalize("NFKC", "\n".join(texts)).lower()))
    for word in STOP_WORDS & counts.keys():
        del counts[word]
    return counts


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
        # tags as words ("time-tracking" -> time, track): keywords an editor chose for findability
        keywords=TEXT(analyzer=mixed_analyzer(), field_boost=KEYWORD_BOOST),
        url=STORED(),
        version=STORED(),  # a step's version, for ?v= on the links search gives
        parent=ID(stored=True),
        parent_title=STORED(),
        # kind, phase and roles as one column: facet counts read it per document without unpickling stored fields
        facets=COLUMN(VarBytesColumn()),
    )


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=8192)
def exact_key(text: str) -> str:
    """A title or id as a reader would type it: 'Renewal runway', 'renewal-runway' and 'renewals runway' all
    become 'renew runway' (NFKC, lowercase, punctuation and hyphens as spaces, English words stemmed).
    Remembered: every query keys each glossary member again (2.9 -> 0.8 ms a query with 500 terms)."""
    words = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).split()
    return " ".join(stem_word(w) if w.isascii() else w for w in words)


def word_bag(key: str) -> str:
    """An exact key's words without stop words, sorted and once each: "handoff from sales to CS" and
    "Sales-to-CS handoff" name the same page. Prefixed so a bag never equals an exact key."""
    words = sorted({w for w in key.split() if w not in STOP_WORDS})
    return "~" + " ".join(words) if words else ""


def facet_value(kind: str, phase: str, roles, level: str, names=()) -> bytes:
    """The facets column: kind, phase, roles, level, then the keys (exact and as word bags, of title and id)
    a query may name it by."""
    exact = [k for k in map(exact_key, names) if k]
    keys = "\x1f".join(dict.fromkeys(k for k in exact + [word_bag(k) for k in exact] if k))
    return f"{kind}\t{phase}\t{' '.join(roles)}\t{level}\t{keys}".encode("utf-8")


@dataclass(frozen=True)
class FacetTable:
    """Per document number: (kind, phase, roles) for facet counts, which documents are whole pages, which yield
    to an item scoring close, and which documents a query typed as their exact title or id names."""

    rows: list[tuple[str, str, tuple[str, ...]]]
    pages: frozenset[int]
    named: dict[str, tuple[int, ...]]  # exact_key -> docnums, pages first
    # pages (a deep link answers better than the page around it) and onboarding checklist items: a new hire's to-do
    # names the procedure that answers ("Run your first QBR ... send the recap within 48 hours" came before the
    # QBR's follow-up step for what to send after a QBR)
    yielding: frozenset[int] = frozenset()


def read_facets(searcher) -> FacetTable:
    """Read from the facets column, so counting and ranking never unpickle stored fields."""
    rows, pages, named = [], set(), {}
    reader = searcher.reader()
    deleted = reader.is_deleted if reader.has_deletions() else (lambda docnum: False)
    for docnum, raw in enumerate(reader.column_reader("facets", translate=False)):
        kind, phase, roles, level, keys = ((raw or b"").decode("utf-8") + "\t\t\t\t").split("\t")[:5]
        rows.append((kind, phase, tuple(roles.split())))
        if level == "page":
            pages.add(docnum)
        # a document replaced by an incremental build stays in its segment, deleted: it must never be named
        for key in filter(None, keys.split("\x1f")) if not deleted(docnum) else ():
            named.setdefault(key, []).append(docnum)
    order = {key: tuple(sorted(docs, key=lambda d: (d not in pages, d))) for key, docs in named.items()}
    checklist_items = {docnum for docnum, row in enumerate(rows) if row[0] == "checklist"}
    return FacetTable(rows, frozenset(pages), order, frozenset(pages | checklist_items))


