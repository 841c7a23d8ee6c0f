"""Snippets: the densest window of a hit's text around the query's words, with each match marked."""

from __future__ import annotations

import bisect
import html
import re

from .search_analysis import japanese_runs, term_spans

# A hit's text keeps its line breaks (index._join: a step's body, then each checklist item on its own line);
# a snippet is one line, so a break after a sentence becomes a space (none after a Japanese one) and any other one
# a middle dot:
# "Quote generated from the CRM price book Discount approvals obtained" read as one sentence.
_LINE_BREAK = re.compile(r"\s*\n\s*")
_SENTENCE_END = set(".!?:;")
_JAPANESE_END = set("。！？")  # Japanese sets no space after its sentences: "ください。更新の…"
# A closing bracket or quote ends a sentence only when what it closes did ("(they own the quote.)", 「…です。」):
# a list item "(target under 1 hour for Sev1)" ran on into the next item with a bare space.
_CLOSERS = set(")）」』”")
_ENTITY_END = re.compile(r"&#?\w+;$")  # an HTML entity's ';' (snippets are escaped) ends no sentence


def one_line(text: str) -> str:
    """`text` on one line, its line breaks shown as above."""
    def joint(match: re.Match) -> str:
        start = match.start()
        if start == 0:
            return " "
        end = start
        while end > 0 and text[end - 1] in _CLOSERS:
            end -= 1
        last = text[end - 1] if end else ""
        if last in _JAPANESE_END:
            return ""
        if end < start and last not in ".!?":
            return " · "
        if last in _SENTENCE_END and not _ENTITY_END.search(text[max(0, end - 12):end]):
            return " "
        return " · "
    return _LINE_BREAK.sub(joint, text)


def query_words(q) -> set[str]:
    """The words a snippet marks: the query's terms over title and body, but not the Japanese pieces of a phrase
    (a glossary synonym of several pieces, search_ranking.QueryBuilder.parse): marked one by one, キックオフミー
    ティング's ィン and ング lit up inside オンボーディング for the query キックオフ. A phrase's English words are
    words, and are marked."""
    leaves = [q] if q.is_leaf() else list(q.leaves())
    words = set()
    for leaf in leaves:
        for fieldname, text in leaf.iter_all_terms():
            text = text.decode() if isinstance(text, bytes) else text
            if fieldname in ("title", "body") and (text.isascii() or not hasattr(leaf, "words")):
                words.add(text)
    return words


def opening(body: str, width: int = 160) -> str:
    """The start of `body` as one line, for a hit none of whose words are in it: HTML-escaped, '…' where cut."""
    text = " ".join(one_line(body.strip()).split())
    if len(text) <= width:
        return html.escape(text)
    return html.escape(text[:_word_end(text, width)].rstrip()) + "…"


_CJK = "\u2e80"  # from here on: CJK punctuation, kana, kanji, full-width forms, where any edge is a word's edge
_LONGEST_WORD = 30  # an edge moves at most this far to keep a word whole


def _in_word(body: str, at: int) -> bool:
    """Whether `at` falls inside one word of a spaced script: between its letters or digits, or at a hyphen or
    apostrophe within it ("usually co…" was "co-termed" cut at its hyphen)."""
    return 0 < at < len(body) and _word_char(body, at - 1) and _word_char(body, at)


def _word_char(body: str, i: int) -> bool:
    char = body[i]
    if char in "-'’":
        return 0 < i < len(body) - 1 and _letter(body[i - 1]) and _letter(body[i + 1])
    return _letter(char)


def _letter(char: str) -> bool:
    return char.isalnum() and char < _CJK


def _word_start(body: str, at: int) -> int:
    """A window's start, moved back to the start of the word it falls in: a snippet read "…ewal runway"."""
    back = at
    while _in_word(body, back) and at - back < _LONGEST_WORD:
        back -= 1
    return at if _in_word(body, back) else back


def _word_end(body: str, at: int) -> int:
    """A window's end, moved on to the end of the word it falls in: "ask the departing champi…", and a cut
    "<mark>Re</mark>…" that looked like a match of its own."""
    ahead = at
    while _in_word(body, ahead) and ahead - at < _LONGEST_WORD:
        ahead += 1
    return at if _in_word(body, ahead) else ahead


def _katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff" or "\uff66" <= char <= "\uff9f"


def _hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


# Kana that end a word, not continue it: particles never written as okurigana (引き継ぎの準備 marks 引き継ぎ)
_PARTICLES = set("のをはがへや")
# Kana that start one: the honorific prefixes (お問い合わせ, ご契約)
_PREFIXES = set("おご")
_LONGEST_KANA = 4  # a mark grows over at most this many kana (okurigana are one to three: 問い合わせ's わせ)


def _with_okurigana(body: str, spans: list[list], typed: str) -> list[list]:
    """Japanese marks grown over the hiragana beside them while the marked text is still in what the reader typed:
    the index keeps no hiragana, so 引き継ぎ was marked 引|き|継|ぎ, its kanji lit and its kana not. Neighbouring
    marks that meet then become one (引き継ぎ); 更新の承認 stays two marks unless the reader typed the の."""
    if not typed or not any(_hiragana(char) for char in typed):
        return spans
    grown: list[list] = []
    for start, end, terms in spans:
        if body[start:end].isascii():
            grown.append([start, end, terms])
            continue
        limit = min(len(body), end + _LONGEST_KANA)
        while end < limit and _hiragana(body[end]) and body[end] not in _PARTICLES and body[start:end + 1] in typed:
            end += 1
        if start > 0 and body[start - 1] in _PREFIXES and body[start - 1:end] in typed:
            start -= 1
        if grown and start <= grown[-1][1]:  # met the mark before it
            grown[-1][1] = max(grown[-1][1], end)
            grown[-1][2] = grown[-1][2] + terms
        else:
            grown.append([start, end, terms])
    return grown


def snippet(body: str, words: set[str], width: int = 180, typed: str = "") -> str:
    """The densest window of `body` around matched words, HTML-escaped with <mark> around each match.

    `typed`: the reader's query as typed, for the Japanese words whose kana the index drops (_with_okurigana)."""
    if not body or not words:
        return ""
    matched = [(term, start, end) for term, start, end in term_spans(body) if term in words]
    if not matched:
        return ""
    merged: list[list] = []  # [start, end, the terms in it]
    for term, start, end in matched:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(term)
        else:
            merged.append([start, end, [term]])
    # A Japanese word is searched in pairs of characters (ヘルススコア: ヘル スス コア): one pair alone inside a longer
    # word of the same script, when the query had more pairs, is a piece of another word (ヘル of ヘルプ).
    # Runs do not overlap: the one a mark can lie in is the last to start at or before it (each mark compared with
    # every run took 1.1 s for a 20,000-character Japanese body, in every search that hit it).
    if sum(1 for w in words if len(w) == 2 and not w.isascii()) > 1:
        runs = japanese_runs(body)
        starts = [start for start, _ in runs]

        def piece_of_a_longer_word(mark: list) -> bool:
            at = bisect.bisect_right(starts, mark[0]) - 1
            return (len(mark[2]) == 1 and at >= 0 and mark[1] <= runs[at][1]
                    and runs[at][1] - runs[at][0] > mark[1] - mark[0])

        # When every mark is such a piece, the kanji ones stay (契約 of 契約終了 can be a word of its own); a piece
        # of katakana never is the word (イン of リマインド for ログイン), and no mark beats a wrong one.
        merged = ([m for m in merged if not piece_of_a_longer_word(m)]
                  or [m for m in merged if not (piece_of_a_longer_word(m) and _katakana(body[m[0]]))])
        if not merged:
            return ""
    # the window holding the most matches, by two pointers over the sorted matches: counting the rest for each
    # match took 1.2 s of a search for a 20 kB body holding a word 10,000 times (red team)
    best_start, best_count, after = merged[0][0], 0, 0
    for i, (start, *_) in enumerate(merged):
        while after < len(merged) and merged[after][0] < start + width:
            after += 1
        if after - i > best_count:
            best_start, best_count = start, after - i
    # a window that would end short of `width` starts earlier: a 105-character glossary definition showed as
    # "… a subscription at the end of its term. Renewal rate is…", its first words cut for nothing
    # The edges then move out to the words they fall in, each on its own: an end reckoned from the moved start
    # came back as far, and a match in the text's last characters fell out of its own snippet.
    first = max(0, min(best_start - 40, len(body) - width))
    window_start = _word_start(body, first)
    window_end = _word_end(body, min(len(body), first + width))
    # marks grown over their kana in the window only: grown everywhere, a 400-mark body cost a scan of a
    # 50,000-character ticket per kana, 0.6 s a hit (red team)
    shown = [m for m in merged if m[1] > window_start and m[0] < window_end]
    out, cursor = [], window_start
    for start, end, _ in _with_okurigana(body, shown, typed):
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        out.append(html.escape(body[cursor:start]))
        out.append(f"<mark>{html.escape(body[start:end])}</mark>")
        cursor = end
    out.append(html.escape(body[cursor:window_end]))
    text = one_line("".join(out))
    if window_start:
        text = "…" + text.lstrip()
    return text.rstrip() + "…" if window_end < len(body) else text
