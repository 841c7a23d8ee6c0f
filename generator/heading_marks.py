"""A '#' heading needs a space after its marks, as CommonMark and GitHub read one (a Python-Markdown extension).

Python-Markdown takes any line starting with '#' for a heading, so a step body opening with a Slack channel,
"#success-share is a free-format Slack channel …", showed as a page-title-sized heading of the whole paragraph,
and took a place in the table of contents. A line written "#channel" is text, as on GitHub and in Slack itself;
"## Heading" and a lone "#" are headings as before.
"""

from __future__ import annotations

import re

from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension


class _SpacedHashHeaderProcessor(HashHeaderProcessor):
    # Python-Markdown's pattern, with a space, a tab or the line's end required after the marks, and before the marks
    # that may close a heading: "## Tips for C#" lost its '#' ("Tips for C"), which CommonMark and GitHub keep
    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?=[ \t\n]|$)(?P<header>(?:\\.|[^\\#]|#+(?!#))*?)"
                    r"(?:[ \t]#+)?[ \t]*(?:\n|$)")


class HeadingMarksExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.parser.blockprocessors.register(_SpacedHashHeaderProcessor(md.parser), "hashheader", 70)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return HeadingMarksExtension(**kwargs)
