"""The reader's words against the content's: typo corrections that do not change the question, and glossary synonyms.

A correction replaces only a word the content never uses (nor the glossary) and only with a word close for
its length: "renwal" becomes "renewal", but "outage" (6 letters, 2 edits from "usage") stays "outage",
since a wrong correction answers another question ("P1 usage" found a churn-risk step).
Synonyms come from content/glossary.yml: "CSM" also searches "Customer Success Manager", 解約 also チャーン.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from whoosh.query import Phrase
from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from .search_analysis import exact_key, mixed_analyzer
from .search_query import FILTER_SYNTAX
from .search_stats import live_stats
from .term_matching import spellings_as_words_in

_ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
PAGE_FIELDS = ("title", "body")  # what pages say: the words glossary synonyms lead to
# where a typed word is no typo: what pages say, and the words editors wrote readers use (asked_as)
KNOWN_WORD_FIELDS = PAGE_FIELDS + ("keywords",)
SYNONYM_BOOST = 0.2  # a synonym the reader did not type counts half: it widens the match, the typed words rank


def max_edits(word: str) -> int:
    """Edits a correction may make: none up to 4 letters (acronyms: NDR is not NRR), 1 up to 7, then 2."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with a swap of neighbours as one edit (optimal string alignment)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def _contains(haystack: str, phrase: str) -> bool:
    if not phrase:
        return False
    if phrase.isascii():
        return f" {phrase} " in f" {haystack} "
    return phrase.replace(" ", "") in haystack.replace(" ", "")  # Japanese has no spaces to match on


def _replace(haystack: str, phrase: str, other: str) -> str:
    """`haystack` with the first `phrase` that _contains finds there replaced by `other` (unchanged if none)."""
    if phrase.isascii():
        return f" {haystack} ".replace(f" {phrase} ", f" {other} ", 1).strip()
    return haystack.replace(phrase, other, 1)


def expansions(text: str, groups: list[list[str]], in_content=lambda phrase: True) -> tuple[str, list[tuple[str, float]]]:
    """`text` to search, and (phrase, boost) to add: the other members of each glossary group `text` names.

    A typed member the content never uses ("NDR", チャーン where the pages say 解約) is the reader's word for the
    content's: it is replaced by its synonyms at full weight (its own pieces only matched noise, ーン in every
    katakana word). A typed word the content has anyway stays, and its synonyms only widen the match a little.
    """
    typed = exact_key(text)
    extra: dict[str, float] = {}
    for group in groups:
        # a spelling of stop words only ("IT", an acronym to a hover, which matches case) is "it" to a search:
        # never typed, never added
        group = [member for member in group if _searchable(member)]
        keys = [exact_key(member) for member in group]
        typed_members = [member for member, key in zip(group, keys) if _contains(typed, key)]
        if not typed_members:
            continue
        absent = [member for member in typed_members if not in_content(member)]
        for member in absent:
            text = re.sub(re.escape(member) + (r"\b" if member.isascii() else ""), " ", text, flags=re.IGNORECASE)
        boost = 1.0 if absent else SYNONYM_BOOST
        for member, key in zip(group, keys):  # only the content's own words help (チャーンレート is not one)
            if not _contains(typed, key) and in_content(member):
                extra[member] = max(boost, extra.get(member, 0.0))
    text = re.sub(r"\s+", " ", text).strip()
    # the whole query was the reader's word, or that and words no search keeps ("チャーンとは": とは, "what is
    # churn": what is): search the content's words for it, as synonyms are only added beside searchable words
    if extra and not _searchable(text):
        text = next(iter(extra))
    return text, list(extra.items())


def synonym_classes(groups: list[list[str]]) -> dict[str, frozenset[int]]:
    """Each glossary spelling as a query's word is named in search_ranking (its terms as a query is cut, joined by a
    space: "upsel", "custom success manag"), with the numbers of the glossary groups holding it: the words
    TermScores.word_coverage counts as one word of the question. Read once per index generation (live_index)."""
    analyzer = mixed_analyzer()
    classes: dict[str, set[int]] = {}
    for number, group in enumerate(groups):
        for member in group:
            terms = [token.text for token in analyzer(member, mode="query")]
            if terms:
                classes.setdefault(" ".join(terms), set()).add(number)
    return {word: frozenset(numbers) for word, numbers in classes.items()}


# A reading shorter than this could be part of another word's kana (かい in かいやく); a term's reading is longer.
_SHORTEST_READING = 3


def written_out(text: str, readings: dict[str, str]) -> str:
    """`text` with each glossary term's reading typed in kana (ひきつぎ, けっさいしゃ) written as the term (引き継ぎ, 決裁者).

    A phone's input method left unconverted, or a reader unsure of the kanji, types the reading: kana alone are
    particles to the analyzer, so it searched nothing (0 hits), while the glossary says how the term is read."""
    for reading in sorted(readings, key=len, reverse=True):
        if len(reading) >= _SHORTEST_READING and reading in text:
            text = text.replace(reading, readings[reading])
    return text


# a word typed in two pieces joined by a hyphen: on-boarding, e-mail, re-newal (ASCII letters and digits)
_HYPHENATED = re.compile(r"(?<![\w\-‐‑])([A-Za-z][A-Za-z0-9]*)[\-‐‑]([A-Za-z0-9]+)(?![\w\-‐‑])")


def joined_hyphenations(text: str, in_content=lambda word: False) -> str:
    """`text` with each hyphenated word the content writes as one word joined: "on-boarding" is "onboarding".

    Split, its pieces are other words, or stop words: "on-boarding" searched "boarding" and found a step's
    "complaints board". A word the content does not hold joined ("cross-sell", "T-90") stays as typed.
    """
    def join(match: re.Match) -> str:
        word = match.group(1) + match.group(2)
        return word if in_content(word) else match.group()

    return _HYPHENATED.sub(join, text)


def _searchable(member: str) -> bool:
    """Does a glossary spelling leave any word once stop words are dropped?"""
    return any(not token.stopped for token in mixed_analyzer()(member, removestops=False))


def synonym_variants(key: str, groups: list[list[str]], limit: int = 16) -> list[str]:
    """`key` (an exact key) and its rewrites with each glossary member it holds swapped for the group's others:
    "handoff sale custom success" also reads "handoff sale cs" where the glossary says CS is Customer Success."""
    variants = [key]
    for group in groups:
        members = [k for k in dict.fromkeys(exact_key(member) for member in group if _searchable(member)) if k]
        for variant in list(variants):
            for held in (m for m in members if _contains(variant, m)):
                for other in members:
                    rewritten = _replace(variant, held, other)
                    if rewritten not in variants:
                        variants.append(rewritten)
                        if len(variants) == limit:
                            return variants
    return variants


def needs_literal_check(phrase: str, terms: list[str] | None = None) -> bool:
    """Whether the index cannot tell if `phrase` is in the content: words of it are stop words ("hand off" is
    indexed as "hand", "sign-off" as "sign"), so only the text itself says whether they stand together.
    `terms`: the phrase's indexed terms, when the caller has them."""
    if terms is None:
        terms = [t.text for t in mixed_analyzer()(phrase)]
    return len(terms) < 2 and len(re.findall(r"\w+", phrase)) > 1


def literal_key(text: str) -> str:
    """Text as literal phrase checks compare it: lowercase, a hyphen as a space (sign-off is sign off)."""
    return re.sub(r"[\s\-‐‑–]+", " ", text.lower())


def literal_phrases_in(texts, groups: list[list[str]]) -> list[str]:
    """The glossary spellings needs_literal_check names that the texts hold word for word (literal_key form), for
    the index's meta: what phrase_in_content then answers for them."""
    wanted = {literal_key(member) for group in groups for member in group if needs_literal_check(member)}
    if not wanted:
        return []
    return sorted(spellings_as_words_in(literal_key("\n".join(texts)), wanted))


def phrase_in_content(searcher, phrase: str, literal_phrases=()) -> bool:
    """Does any title or body hold `phrase`, its terms in a row (チャ+ャー+ーン is not in キャンペーン)? (Not asked_as:
    a glossary spelling found only among readers' words still leads to the content's own words.)

    A phrase with stop words (needs_literal_check) is in the content when the index's `literal_phrases` holds it:
    "hand off", indexed as "hand", was taken as found in "build it by hand", and searched as "hand"."""
    terms = [t.text for t in mixed_analyzer()(phrase)]
    if needs_literal_check(phrase, terms):
        return literal_key(phrase) in literal_phrases
    if len(terms) < 2:
        return bool(terms) and any(live_stats(searcher).doc_frequency(searcher, f, terms[0]) for f in PAGE_FIELDS)
    return any(searcher.search(Phrase(f, terms), limit=1).scored_length() for f in PAGE_FIELDS)


def glossary_words(groups: list[list[str]]) -> set[str]:
    """Lowercase words of every glossary term and synonym: vocabulary, never 'corrected'."""
    return {word for group in groups for member in group for word in re.findall(r"[a-z]+", member.lower())}


class VocabularyCorrector:
    """Words of the content close to a typed one: the nearest first, then the one the content uses most."""

    def __init__(self, vocabulary: dict[str, int]):
        self.vocabulary = vocabulary
        self._words = sorted(vocabulary)

    def _first_at_or_after(self, text: str) -> str | None:
        at = bisect_left(self._words, text)
        return self._words[at] if at < len(self._words) else None

    def suggest(self, word: str) -> list[str]:
        # Whoosh's Levenshtein automaton walks the sorted words (its ListCorrector skips some: "contact" for
        # "contrct"); it counts a swap (confrim) as 2 edits, so ask wide and keep what is close as readers count it
        automaton = levenshtein_automaton(word, 2).to_dfa()
        distances = {option: edit_distance(word, option) for option in find_all_matches(automaton, self._first_at_or_after)}
        close = [option for option, distance in distances.items() if distance <= max_edits(word) and option != word]
        return sorted(close, key=lambda option: (distances[option], -self.vocabulary[option], option))


# Three or more hiragana (with the long-vowel mark): a word typed with the input method left unconverted
_HIRAGANA_RUN = re.compile(r"[\u3041-\u3096\u309d\u309e\u30fc]{3,}")
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in (*range(0x3041, 0x3097), 0x309D, 0x309E)}
MAX_KANA_CHECKS = 8  # runs looked up per query: a phrase search each
# A particle a reader types against a word: after it (きっくおふの, きっくおふから) or before it (のきっくおふ)
_PARTICLE_AFTER = re.compile(r"(?:から|まで|より|について|の|を|は|が|に|で|と|も|へ|や)$")
_PARTICLE_BEFORE = re.compile(r"^[のをはがにでともへや]")


def _kana_splits(run: str):
    """(particle before, word, particle after) readings of a hiragana run, the whole run first."""
    if run.strip("ー") == "":
        return
    yield "", run, ""
    after = _PARTICLE_AFTER.search(run)
    tail = after.group() if after else ""
    head = _PARTICLE_BEFORE.match(run)
    head = head.group() if head else ""
    seen = {run}
    for before, behind in (("", tail), (head, ""), (head, tail)):
        word = run[len(before):len(run) - len(behind)]
        if word not in seen and len(word) >= 3 and word.strip("ー"):
            seen.add(word)
            yield before, word, behind


def correct(text: str, searcher, vocabulary: dict[str, int], known: set[str] = frozenset()) -> str:
    """`text` with each unknown English word replaced by a close known one, and a loanword typed in hiragana
    (きっくおふ) by its katakana when the content writes it so; "" when nothing needed changing.

    Filters (role:csm) and field names (title:) are kept as typed.
    """
    analyzer = mixed_analyzer()
    corrector = None
    changed = False
    kana_checks = 0

    def fix_kana(match: re.Match) -> str:
        """The analyzer keeps no hiragana (it is Japanese's particles and endings), so きっくおふ found nothing. A
        particle typed against it stays hiragana: きっくおふの準備 was not corrected (キックオフノ is no phrase)."""
        nonlocal changed, kana_checks
        run = match.group()
        for head, word, tail in _kana_splits(run):
            if kana_checks >= MAX_KANA_CHECKS:
                break
            kana_checks += 1
            katakana = word.translate(_HIRAGANA_TO_KATAKANA)
            if phrase_in_content(searcher, katakana):
                changed = True
                return head + katakana + tail
        return run

    def fix(match: re.Match) -> str:
        nonlocal changed, corrector
        word = match.group()
        stems = [t.text for t in analyzer(word)]
        if (not stems or word.lower() in known or max_edits(word) == 0
                or any(live_stats(searcher).doc_frequency(searcher, f, s) for s in stems for f in KNOWN_WORD_FIELDS)):
            return word
        corrector = corrector or VocabularyCorrector(vocabulary)
        options = corrector.suggest(word.lower())
        if options:
            changed = True
            return options[0]
        return word

    def fix_words(piece: str) -> str:
        return _HIRAGANA_RUN.sub(fix_kana, _ASCII_WORD.sub(fix, piece))

    pieces, cursor = [], 0
    for match in re.finditer(FILTER_SYNTAX.pattern + r"|\b(?:title|body):", text, re.IGNORECASE):
        pieces += [fix_words(text[cursor:match.start()]), match.group()]
        cursor = match.end()
    pieces.append(fix_words(text[cursor:]))
    return re.sub(r"\s+", " ", "".join(pieces)).strip() if changed else ""
