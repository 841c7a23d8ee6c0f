"""Finding a glossary's spellings in text at a cost that does not grow with the glossary: where a hover definition
wraps a term (terms_regex, for glossary_abbr.py) and which spellings a page holds at all (spellings_in, for the
definitions render.py gives each page). Both read the text once, through a trie of the spellings.

A term is refused only where an ASCII letter or digit touches an ASCII-word side of it ("CSM" not in "CSMs"), or a
'#' precedes it (a Slack channel), so it matches inside Japanese text: 「QBRを実施」.
"""

from __future__ import annotations

import functools
import re

_ASCII_WORD = "A-Za-z0-9_"
BEFORE_WORD_TERM, BEFORE_OTHER_TERM, AFTER_WORD_TERM = f"(?<![{_ASCII_WORD}#])", "(?<!#)", f"(?![{_ASCII_WORD}])"


def _is_word_char(char: str) -> bool:
    return bool(re.fullmatch(f"[{_ASCII_WORD}]", char))


@functools.lru_cache(maxsize=8)
def _trie_regex(terms: frozenset) -> re.Pattern:
    word_first = frozenset(term for term in terms if _is_word_char(term[0]))
    tries = (_trie(word_first), _trie(terms - word_first))  # terms starting with an ASCII word character, the others
    parts = [guard + _rest_of(trie, "") for guard, trie in zip((BEFORE_WORD_TERM, BEFORE_OTHER_TERM), tries) if trie]
    return re.compile("|".join(parts) if parts else "(?!)")


def terms_regex(terms) -> re.Pattern:
    """Every term as one regex shaped as a trie, each guarded on its ASCII-word sides: at each place of the text
    the longest term there wins (「ヘルススコア」 over 「スコア」). An alternation of the terms, longest first,
    tried each of them at each place: 3,000 spellings (a 1,000-term glossary) took 0.9 s a page."""
    return _trie_regex(frozenset(term for term in terms if term))


def _rest_of(node: dict, last: str) -> str:
    """The regex for what follows a trie node reached by `last`: longer terms first, then the term ending here."""
    return _trie_pattern(node, last, lambda end: AFTER_WORD_TERM if _is_word_char(end) else "")


# Branching places a trie's regex nests before the rest of a branch is written as its whole suffixes, longest
# first (which finds what the trie finds: the suffixes that match at one place are prefixes of one another).
# Python builds and parses a regex by recursion, a level a character and two a group: a 500-character synonym,
# or 600 spellings each a prefix of the next, ended the build in a RecursionError.
_MAX_NESTING = 24


def _trie_pattern(node: dict, last: str, end_of, nesting: int = 0) -> str:
    """The regex for what follows `node`, reached by the character `last`; `end_of(char)` is what a spelling
    ending in `char` must be followed by. Runs of single characters are walked, not recursed into."""
    run = []
    while len(node) == 1 and "" not in node:  # one way on: no group needed, no recursion either
        last, node = next(iter(node.items()))
        run.append(re.escape(last))
    if nesting >= _MAX_NESTING:
        branches = [re.escape(suffix) + end_of(suffix[-1] if suffix else last)
                    for suffix in sorted(_suffixes(node), key=len, reverse=True)]
    else:
        branches = [re.escape(char) + _trie_pattern(child, char, end_of, nesting + 1)
                    for char, child in sorted(node.items()) if char]
        if "" in node:
            branches.append(end_of(last))
    return "".join(run) + (branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")")


def _suffixes(node: dict) -> list[str]:
    """Every spelling's rest below `node`, "" for one ending at it; walked without recursion."""
    found, pending = [], [(node, "")]
    while pending:
        node, prefix = pending.pop()
        for char, child in node.items():
            if char:
                pending.append((child, prefix + char))
            else:
                found.append(prefix)
    return found


def spellings_in(text: str, spellings) -> set[str]:
    """The spellings that occur anywhere in `text`, as plain substrings (a page's candidates for hover definitions).
    Asking the text for each in turn costs its length times their number: 15 ms a page for the 3,000 spellings of
    a 1,000-term glossary. Past a few hundred, one pass over the text finds, at each place, the longest spelling
    there, whose prefixes that are spellings too are there as well: 1.7 ms a page, whatever their number.

    That pass reads at most _PASS_DEPTH characters at each place; a longer spelling whose first ones were found is
    asked for as a whole. Read to its end, a glossary of 1,000 spellings each a character longer than the last
    (a, aa, aaa, …) took 365 s to render its own page (red team): every place of each run was read to the run's
    end, and past the regex's nesting cut each spelling's rest was tried in turn."""
    spellings = frozenset(s for s in spellings if s)
    if len(spellings) < _ONE_PASS_FROM:
        return {s for s in spellings if s in text}
    trie, longest_at = _pass_over(spellings, "")
    found: set[str] = set()
    deeper: dict[int, tuple[str, dict]] = {}
    for longest in set(longest_at.findall(text)):
        node = trie
        for end, char in enumerate(longest, 1):
            node = node[char]
            if "" in node:
                found.add(longest[:end])
        if len(longest) == _PASS_DEPTH:
            deeper[id(node)] = (longest, node)
    found.update(spelling for spelling in _read_on(deeper) if spelling in text)
    return found


_ONE_PASS_FROM = 250  # spellings; below, asking for each is the cheaper (1 ms for 135 on a 19 kB page)
_PASS_DEPTH = 24  # characters spellings_in's pass reads at each place (the bundled glossary's longest spelling: 27)


def _trie(spellings: frozenset) -> dict:
    """The spellings as nested {character: …} mappings, "" marking where one ends."""
    trie: dict = {}
    for spelling in spellings:
        node = trie
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}
    return trie


@functools.lru_cache(maxsize=4)
def _pass_over(spellings: frozenset, guard: str) -> tuple[dict, re.Pattern]:
    """The spellings' trie, and the pass finding at each place `guard` allows the longest of their first
    _PASS_DEPTH characters there (each such start a spelling of its own)."""
    starts = _trie(frozenset(s[:_PASS_DEPTH] for s in spellings))
    return _trie(spellings), re.compile(guard + "(?=(" + _unguarded(starts) + "))")


def _read_on(deeper: dict[int, tuple[str, dict]]):
    """The spellings the pass did not read to their end: each found start (the pass's whole depth) with every
    rest its trie node holds."""
    for start, node in deeper.values():
        yield from (start + rest for rest in _suffixes(node) if rest)


def _unguarded(node: dict) -> str:
    return _trie_pattern(node, "", lambda end: "")


def spellings_as_words_in(text: str, spellings) -> set[str]:
    """The spellings that occur in `text` with no word character (Unicode's \\w) just before or after them, found in
    one pass as spellings_in finds its own (its first _PASS_DEPTH characters read at each place): a regex search
    for each took a build 36 s for 8,000 glossary spellings over 360 kB of content, the glossary's size times the
    content's; read to their ends, 400 synonyms 'a a', 'a a a', … took a body of 9,000 a's 5.7 s."""
    spellings = frozenset(s for s in spellings if s)
    if not spellings:
        return set()
    trie, longest_at = _pass_over(spellings, r"(?<!\w)")
    found: set[str] = set()
    deeper: dict[int, tuple[str, dict]] = {}
    for match in longest_at.finditer(text):  # the longest spelling's start at each place a word starts
        start, longest = match.start(), match[1]
        node = trie
        for end, char in enumerate(longest, 1):
            node = node[char]
            if "" in node and _NO_WORD_NEXT.match(text, start + end):
                found.add(longest[:end])
        if len(longest) == _PASS_DEPTH:
            deeper[id(node)] = (longest, node)
    found.update(spelling for spelling in _read_on(deeper) if spelling in text and _as_word_in(text, spelling))
    return found


def _as_word_in(text: str, spelling: str) -> bool:
    at = text.find(spelling)
    while at >= 0:
        if not (at and _WORD.match(text, at - 1)) and _NO_WORD_NEXT.match(text, at + len(spelling)):
            return True
        at = text.find(spelling, at + 1)
    return False


_WORD = re.compile(r"\w")
_NO_WORD_NEXT = re.compile(r"(?!\w)")
