"""Words a reader takes as one kept on one line (a Python-Markdown extension): due offsets and Slack channels.

A browser may break a line after any hyphen, and did inside these: "If a QBR falls between T-" ended a line with
"100d" on the next, and 「#success-」 a line with 「share」 (the same channel read as two). Each such word in a
text becomes a `csops-nowrap` span; the text stays as written, so copying, finding on the page and search are
unchanged. Code spans are never touched: their words are Markdown's, taken before this runs. Nor is an escaped
character: text csops escaped (a step title; every line of What's new) reaches this pattern with `\\#cs-renewal`'s
`#` already put aside in Markdown's stash, so a channel is also found with a stashed `#` or `_` in it. Raw HTML a
page writes itself (the step lists of role and phase pages), which Markdown leaves alone, gets the same spans from
`kept_whole`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import ETX, INLINE_PLACEHOLDER_PREFIX, INLINE_PLACEHOLDER_RE, STX, AtomicString

from .durations import DUE_IN_PROSE

NOWRAP_CLASS = "csops-nowrap"  # csops.css keeps its text on one line


def _or_stashed(char: str) -> str:
    """`char` as typed, or the placeholder of something the inline patterns before this one stashed (an escaped
    `\\#` among them); _WholeWordProcessor keeps a match only where each placeholder stands for `char` escaped."""
    return rf"(?:{re.escape(char)}|{re.escape(INLINE_PLACEHOLDER_PREFIX)}[0-9]+{re.escape(ETX)})"


# Slack's longest channel name. A longer run is no channel, and reading on to its end from each '#' in it (Markdown's
# stash puts one before every escaped character) took Markdown 18 s for a body of 20,000 '\\#' (red team).
CHANNEL_LENGTH = 80


def _whole_word(hash_: str, underscore: str) -> str:
    """The pattern of a word kept whole, given how its text writes a channel's '#' and an '_'.
    Only a channel with a hyphen can break (#renewals cannot). ASCII neighbours end a word, Japanese ones do not:
    「Slackの#cs-renewal、」 holds the channel, "&#8212;" and "C#-style" hold none, "T-30d." the offset."""
    char = rf"(?:[A-Za-z0-9]|{underscore})"
    end = rf"(?![A-Za-z0-9_-]|{underscore})"
    # the lookahead reads at most CHANNEL_LENGTH characters on from a '#'; the name's shape is matched after it
    channel = rf"{hash_}(?=(?:{char}|-){{3,{CHANNEL_LENGTH}}}{end}){char}+(?:-{char}+)+"
    return rf"(?<![A-Za-z0-9_&#-])(?:{DUE_IN_PROSE}|{channel}){end}"


WHOLE_WORD = _whole_word(_or_stashed("#"), _or_stashed("_"))
# The same words in raw HTML a page writes itself (escaping.escape_attr's text, where '_' is &#95;), which Markdown
# leaves alone: a role page's duty list read "Post wins and verbatims in #success- / share" on a phone.
_WHOLE_WORD_IN_HTML = re.compile(_whole_word("#", "(?:_|&#95;)"))


def kept_whole(escaped: str) -> str:
    """Raw-HTML text with each due offset and Slack channel in a `csops-nowrap` span, as Markdown text gets them."""
    if "-" not in escaped:  # a browser breaks these words only at a hyphen; most titles hold none
        return escaped
    return _WHOLE_WORD_IN_HTML.sub(_nowrap, escaped)


def _nowrap(m: re.Match) -> str:
    return f'<span class="{NOWRAP_CLASS}">{m[0]}</span>'


# What Python-Markdown stashes for an escaped character: its code point between STX and ETX (EscapeInlineProcessor),
# turned back into the character once the inline patterns are done (UnescapeTreeprocessor).
_ESCAPED_HASH, _ESCAPED_UNDERSCORE = (f"{STX}{ord(char)}{ETX}" for char in "#_")


class _WholeWordProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        # A match refused for what a placeholder stands for may hold a channel further on ('\_#cs-a-b' starts at
        # the stashed _): look again from its next character, as Python-Markdown's search, past the match, would not.
        # Only inside the match: Python-Markdown's search goes on after it, and looking to the text's end here for
        # each match it refused took Markdown 3 s for 2,000 channels inside one '{' (red team).
        end = m.end(0)
        while m is not None and m.start(0) < end:
            span = self._kept_whole(m, data)
            if span is not None:
                return span, m.start(0), m.end(0)
            m = self.compiled_re.search(data, m.start(0) + 1)
        return None, None, None

    def _kept_whole(self, m, data):
        opened = data.rfind("{", 0, m.start())  # found, not sliced: no copy of the text for each match
        if opened != -1 and data.find("}", opened, m.start()) == -1 and data.find("}", m.end()) != -1:
            return None  # an attribute list's id ({#first-30-days}), which attr_list reads after this
        stash = self.md.treeprocessors["inline"].stashed_nodes  # what Pattern.unescape reads too
        # each placeholder the character the pattern took it for: the channel's # first, an _ after it. Any escaped
        # # or _ went: '\_cs-renewal-escalations' was kept whole as a channel, and '#cs-a\#b-c' as one channel
        if any(stash.get(found[1]) != (_ESCAPED_HASH if found.start() == 0 else _ESCAPED_UNDERSCORE)
               for found in INLINE_PLACEHOLDER_RE.finditer(m.group(0))):
            return None  # a placeholder for a code span, a link or an escaped other character
        span = etree.Element("span", {"class": NOWRAP_CLASS})
        # atomic: inside a link or emphasis, not wrapped a second time; an escaped # or _ in it goes in as Markdown's
        # code for it, which becomes the character with the rest of the page's escapes
        span.text = AtomicString(INLINE_PLACEHOLDER_RE.sub(lambda found: stash[found[1]], m.group(0)))
        return span


class WholeWordsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # last of the inline patterns (the lowest priority): code, escapes, entities, links and raw HTML go first
        md.inlinePatterns.register(_WholeWordProcessor(WHOLE_WORD, md), "csops_whole_words", 1)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return WholeWordsExtension(**kwargs)
