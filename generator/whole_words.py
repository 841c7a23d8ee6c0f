"""Words a reader takes as one kept on one line (a Python-Markdown extension): due offsets and Slack channels.

A browser may break a line after any hyphen, and did inside these: "If a QBR falls between T-" ended a line with
"100d" on the next, and 「#success-」 a line with 「share」 (the same channel read as two). Each such word in a
text becomes a `csops-nowrap` span; the text stays as written, so copying, finding on the page and search are
unchanged. Code spans are never touched: their words are Markdown's, taken before this runs.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from .durations import DUE_IN_PROSE

# Only a channel with a hyphen can break (#renewals cannot). ASCII neighbours end a word, Japanese ones do not:
# 「Slackの#cs-renewal、」 holds the channel, "&#8212;" and "C#-style" hold none, "T-30d." the offset.
WHOLE_WORD = rf"(?<![A-Za-z0-9_&#-])(?:{DUE_IN_PROSE}|#[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)+)(?![A-Za-z0-9_-])"


class _WholeWordProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        opened = data.rfind("{", 0, m.start())
        if opened != -1 and "}" not in data[opened:m.start()] and "}" in data[m.end():]:
            return None, None, None  # an attribute list's id ({#first-30-days}), which attr_list reads after this
        span = etree.Element("span", {"class": "csops-nowrap"})
        span.text = AtomicString(m.group(0))  # atomic: inside a link or emphasis, not wrapped a second time
        return span, m.start(0), m.end(0)


class WholeWordsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # last of the inline patterns (the lowest priority): code, escapes, entities, links and raw HTML go first
        md.inlinePatterns.register(_WholeWordProcessor(WHOLE_WORD, md), "csops_whole_words", 1)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return WholeWordsExtension(**kwargs)
