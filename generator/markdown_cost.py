"""How much Python-Markdown would read again and again for a text, and the limits the loader holds content to.

Markdown's block, link and HTML readers rescan the rest of a text for some marks, its lists, quotes and definition
lists read each level or pair by recursion, and each fenced code block is highlighted on its own, so a few thousand
of them in one value took a build seconds to minutes (or ended it in a RecursionError). These estimates count
that cost from the text alone, without running Markdown, so the loader can refuse such a file with one located
Problem before any stage reads it.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from .markdown_extensions import fenced_code_emptied

# Each limit turns a text that would take the build minutes into one located Problem; real content stays far below
# them (the bundled files' most is given with each).
MAX_UNCLOSED_TAGS = 100        # '<' starting an HTML tag that no '>' closes: Python-Markdown's HTML reader rescans the
                               # rest of the text for each, 3.3 s for 6,666 in one 20 kB body (37 s for a 200 kB file)
MAX_BRACKET_SCAN = 1_000_000   # characters Python-Markdown reads looking for the ']' of each '[' (bracket_scan), summed
                               # over a file: 19,000 '[' in one body took a build 56 s; the bundled files' most is 135;
                               # and, a budget of its own, for the ')' of each link's '(' (link_target_scan): 3,800
                               # '[a](b' took 3 s a body; the bundled files' most is 386
MAX_LIST_DEPTH = 64            # list and quote levels in a text, a line's markers ('- - - x', '>>> x') and its indent
                               # (4 columns a level) together: Python-Markdown parses each list level by recursion, and
                               # 496 '- ' on one line ended validate and the build in a RecursionError traceback; each
                               # quote level it reads again, and 19,000 '>' took 0.45 s a body (22 s for a file of them)
MAX_BLOCK_RESCAN = 5_000_000  # characters Python-Markdown re-reads after the heading, rule or definition lines of a
                               # paragraph (block_rescan), summed over a file: 4,875 '# h' lines in one body took 3.5 s
                               # (a 1 MB file of them minutes); the bundled files' most is 301
MAX_FENCES = 200               # fenced code blocks in a file: superfences highlights each with a lexer and a formatter
                               # of its own, about 1 ms a block, so 1,900 tiny ones ('```' 'a' '```', a blank line
                               # between) in one 19 kB body took Markdown 2.3 s (a 1 MB file of them 2 min); the
                               # bundled files hold none
MAX_DEFINITIONS_IN_A_ROW = 200  # ': definition' lines in one paragraph, after a term or after one another: Python-
                               # Markdown's definition lists (def_list, which Material sites often turn on) read each
                               # pair's rest by recursion, and 500 pairs (7 kB) ended the build in a RecursionError
                               # traceback; three bodies of a term with 4,500 definitions under it (18 kB each) took a
                               # build 57 s, each line read with the rest; the bundled files hold none
RECOUNT_FROM = 50_000          # a text's bracket_scan or block_rescan past which it is counted again with its fenced
                               # code's lines left out (Markdown never parses them): a runbook's five 16 kB scripts with
                               # '# …' comments were refused as dense blocks, though Markdown read each in 12 ms


# What Python-Markdown's link reader sees: a '[' or ']', or a backslash escape (whose '[' starts no link)
_BRACKET = re.compile(r"\\.|[\[\]]", re.S)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


# A line's indent and the list and quote markers that open it, one after another: '- 1. > x' opens three levels
_LIST_LINE = re.compile(r"^([ \t]*)((?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+|>[ \t]*)+)", re.MULTILINE)
_LIST_MARKER = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])[ \t]+|>")


def list_depth(text: str) -> tuple[int, int]:
    """The deepest list or quote level a line of `text` can open (its indent in levels of 4 columns, plus the markers
    that start it), and where that line starts. Counted generously: an indent opens a level only under a list item."""
    deepest, at = 0, 0
    for match in _LIST_LINE.finditer(text):
        depth = len(match[1].expandtabs(4)) // 4 + len(_LIST_MARKER.findall(match[2]))
        if depth > deepest:
            deepest, at = depth, match.start()
    return deepest, at


def lists_too_deep(text: str) -> bool:
    """Whether a line of `text` outside its fenced code opens more than MAX_LIST_DEPTH list and quote levels (the
    cheap counts first: almost every text is shorter than the limit, or its lists shallower)."""
    return (len(text) > MAX_LIST_DEPTH and list_depth(text)[0] > MAX_LIST_DEPTH
            and list_depth(fenced_code_emptied(text))[0] > MAX_LIST_DEPTH)


# A ': definition' line (after any indent, quote or list markers) and the line before it
_DEFINITION_LINE = re.compile(r"^[ \t>]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)*:[ \t]")


def definitions_in_a_row(text: str) -> int:
    """The most ': …' definition lines in one paragraph of `text`, each after its term or after another definition
    (both cost Markdown a reading of the rest). Counted generously, whether or not the site turns definition lists on."""
    most = 0
    for paragraph in _PARAGRAPH_BREAK.split(text):
        if ":" in paragraph:
            most = max(most, sum(1 for line in paragraph.split("\n") if _DEFINITION_LINE.match(line)))
    return most


def too_many_definitions_in_a_row(text: str) -> bool:
    """Whether a paragraph of `text` holds more than MAX_DEFINITIONS_IN_A_ROW definition lines (the cheap count
    first: almost no text has that many lines)."""
    return text.count("\n") >= MAX_DEFINITIONS_IN_A_ROW and definitions_in_a_row(text) > MAX_DEFINITIONS_IN_A_ROW


# A line Python-Markdown's block parser takes off the front of its paragraph, putting the rest back to be read again
# by every block processor: a heading, a rule, a setext underline ('=' or '-', one is enough), an abbreviation, a
# reference or footnote definition, a fence, a tab, an admonition (inside a quote too: its lines are parsed again
# without their '>')
_SPLITTING_LINE = re.compile(r"^(?: {0,3}> ?)*+ {0,3}(?:#|\*\[|\[[^\[\]\n]*\]:|[-*_](?:[ \t]*[-*_]){2,}[ \t]*$|[=-]+[ \t]*$"
                             r"|!!!|\?\?\?|===|```|~~~)", re.MULTILINE)


def block_rescan(text: str) -> int:
    """How many characters Python-Markdown re-reads in `text`: after each line that splits its paragraph (no blank
    line before the next), the rest of that paragraph, so a paragraph of such lines costs the square of its length."""
    return sum(len(paragraph) - match.start() for paragraph in _PARAGRAPH_BREAK.split(text)
               for match in _SPLITTING_LINE.finditer(paragraph))


def bracket_scan(text: str) -> int:
    """How many characters Python-Markdown reads to find the ']' of each '[' in `text`: up to the ']' that closes
    it, or for one left open, to the end of its paragraph. Each '[' may start a link, so a text of '[' costs the
    square of its length."""
    scanned = 0
    for paragraph in _PARAGRAPH_BREAK.split(text):
        if "[" not in paragraph:
            continue
        opened: list[int] = []
        for match in _BRACKET.finditer(paragraph):
            if match[0] == "[":
                opened.append(match.start())
            elif match[0] == "]" and opened:
                scanned += match.start() - opened.pop()
        scanned += sum(len(paragraph) - start for start in opened)
    return scanned


# What Python-Markdown's link reader counts after a link's text: the '(' that opens its target, any other '(' or ')'
# (nested ones must balance), or a backslash escape (whose '(' or ']' counts for nothing)
_LINK_TARGET = re.compile(r"\\.|\]\(|[()]", re.S)


def link_target_scan(text: str) -> int:
    """How many characters Python-Markdown reads to find the ')' that ends each link's target in `text`: from the
    '(' after a ']' to the ')' that balances it, or for one left open, to the end of its paragraph, so a text of
    '[a](b' costs the square of its length."""
    scanned = 0
    for paragraph in _PARAGRAPH_BREAK.split(text):
        if "](" not in paragraph:
            continue
        opened: list[tuple[int, bool]] = []  # where each '(' still open is, and whether it opens a link's target
        for match in _LINK_TARGET.finditer(paragraph):
            if match[0] == "](":
                opened.append((match.start() + 1, True))
            elif match[0] == "(":
                opened.append((match.start(), False))
            elif match[0] == ")" and opened:
                start, target = opened.pop()
                if target:
                    scanned += match.start() - start
        scanned += sum(len(paragraph) - start for start, target in opened if target)
    return scanned


# A line that may open or close a fence: '```' or '~~~' after its indent and any quote or list markers
_FENCE_LINE = re.compile(r"^[ \t]*(?:(?:>|[-*+]|[0-9]{1,9}[.)])[ \t]*)*(?:`{3}|~{3})", re.MULTILINE)


def fences(text: str) -> int:
    """How many fenced code blocks `text` may hold, counted generously: half its lines that may open or close one."""
    return (len(_FENCE_LINE.findall(text)) + 1) // 2


# A start tag ('<' and a letter) that another '<' or the end of the text interrupts before any '>'
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^<>]*(?=<|\Z)")
UNCLOSED_TAGS_HINT = ("close each tag with '>', or write &lt; where '<' is text, or put it in `code`; Markdown's HTML "
                      "reader takes seconds over a few thousand")


def unclosed_tags(text: str) -> int:
    """How many start tags in `text` no '>' closes: Python-Markdown's HTML reader reads the rest of the text for each."""
    return sum(1 for _ in _UNCLOSED_TAG.finditer(text))


def _outside_fences(estimate, text: str) -> int:
    """`estimate(text)`, counted again without the lines of the text's fenced code when it is high enough to matter."""
    cost = estimate(text)
    if cost > RECOUNT_FROM and ("```" in text or "~~~" in text):
        return min(cost, estimate(fenced_code_emptied(text)))
    return cost


class ReadBudget(NamedTuple):
    """A per-file limit on what Python-Markdown reads again and again in a file's texts: `cost` of each text that
    holds `sign`, summed over the file, past `limit` refused as `code`."""

    code: str
    sign: str
    cost: Callable[[str], int]
    limit: int
    message: str
    hint: str

    def cost_of(self, text: str) -> int:
        """`cost` of `text`, its fenced code's lines left out when that matters (Markdown never parses them)."""
        return _outside_fences(self.cost, text)


READ_BUDGETS = (
    ReadBudget("open-brackets", "[", bracket_scan, MAX_BRACKET_SCAN,
               f"the '[' in this file make Markdown read more than {MAX_BRACKET_SCAN:,} characters looking for their "
               "']': it takes each '[' for a link's start and reads on to the ']' that closes it, or to the end of the "
               "paragraph", "close each '[' with ']', or write \\[ where '[' is text; a few thousand left open take "
               "the build minutes"),
    ReadBudget("dense-blocks", "\n", block_rescan, MAX_BLOCK_RESCAN,
               "the headings, rules and definitions in this file's paragraphs make Markdown re-read more than "
               f"{MAX_BLOCK_RESCAN:,} characters: after each such line it reads the rest of its paragraph again",
               "put a blank line after each heading, rule ('---') or definition ('*[ABC]: …'); thousands of them in "
               "one paragraph take the build minutes"),
    ReadBudget("open-link-targets", "](", link_target_scan, MAX_BRACKET_SCAN,
               f"the links in this file make Markdown read more than {MAX_BRACKET_SCAN:,} characters looking for the "
               "')' that ends their target: after each '](' it reads on to the ')' that closes it, or to the end of the "
               "paragraph", "close each link's '(' with ')', or write \\]( where '](' is text; a few thousand left "
               "open take the build minutes"),
    ReadBudget("many-fences", "\n", fences, MAX_FENCES,
               f"more than {MAX_FENCES} fenced code blocks ('```' or '~~~' lines) in this file: Markdown highlights "
               "each on its own, about a millisecond apiece", "put neighbouring code in one block, or short code in "
               "`backticks`; thousands of blocks take the build minutes"),
    # the file's text is counted before it is parsed (unclosed_tag_past, which names the tag); this counts the tags
    # its texts hold once YAML's escapes are read: "\x3ca " written 6,000 times passed, and took validate 6 s a body
    ReadBudget("unclosed-tags", "<", unclosed_tags, MAX_UNCLOSED_TAGS,
               f"more than {MAX_UNCLOSED_TAGS} '<' in this file's texts start an HTML tag that no '>' closes",
               UNCLOSED_TAGS_HINT),
)


def unclosed_tag_past(text: str, limit: int) -> int | None:
    """Where the first start tag past `limit` that no '>' closes begins, or None: such tags cost Python-Markdown a
    pass over the rest of the text each, in validate's HTML check and again in the build."""
    if text.count("<") <= limit:
        return None
    for number, match in enumerate(_UNCLOSED_TAG.finditer(text), start=1):
        if number > limit:
            return match.start()
    return None
