"""Plain text made safe where the generated pages put it: Markdown text, and HTML attributes and raw blocks.

Every content field reaches a page through one of these, so script written into any field shows as text.
"""

from __future__ import annotations

import re

# Characters Python-Markdown would otherwise read as markup in a plain-text field.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#|!])")
# What ends a line once the page is read back (MkDocs reads with universal newlines: \r too): a one-line field
# that carried one would start a new Markdown block of its own (a link, an abbreviation, a heading's id lost).
_LINE_BREAKS = re.compile(r"[\r\n]")


def escape_text(value: str) -> str:
    """Make a plain-text field safe to drop into Markdown: it shows as typed, never as markup or HTML."""
    value = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _one_line(_MARKDOWN_SPECIALS.sub(r"\\\1", value))


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def escape_text_code(value: str) -> str:
    """Like escape_text, but `code` spans stay code (FAQ questions quote field values such as `Renewal Status`).

    Markdown escapes HTML inside a code span itself, so only the text around it needs escaping.
    """
    parts = _CODE_SPAN.split(str(value))
    return "".join(part if index % 2 else escape_text(part) for index, part in enumerate(parts))


def escape_attr(value: str) -> str:
    """Make a one-line field safe inside raw HTML (an attribute, or a name in a raw-HTML list): a blank line
    there would end the HTML block, and what followed it would be read as Markdown."""
    value = str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return _one_line(value)


def _one_line(value: str) -> str:
    # checked first: role pages escape tens of thousands of names per build, and almost none has a break
    return _LINE_BREAKS.sub(" ", value) if "\n" in value or "\r" in value else value
