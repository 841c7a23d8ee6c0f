"""Raw HTML blocks left open in a Markdown field: Python-Markdown reads everything after an unclosed <div>
that starts a block as raw HTML, to the end of the page, so every later step showed as literal text and the
build then failed on "anchors not found" far from the cause. Reported at the opening tag instead.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..loader import Document
from ..located_yaml import LocDict
from ..problems import Problem
from .references import MARKDOWN_FIELDS

CODES = ("unclosed-html",)
# Block-level tags Python-Markdown reads up to their closing tag (its block_level_elements, less the ones
# HTML lets a reader leave open: p, li, dt, dd, table parts, option; and the void hr)
_NEEDS_CLOSING = frozenset("""
address article aside blockquote canvas center details dialog div dl fieldset figcaption figure footer form
h1 h2 h3 h4 h5 h6 header hgroup iframe main map math menu nav noscript object ol output pre progress script
section style summary table textarea ul video
""".split())
# Code is text, whatever tags it shows: fenced blocks and inline spans are blanked before reading
_CODE = re.compile(r"^(?P<fence>`{3,}|~{3,}).*?^(?P=fence)[ \t]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)


class _OpenTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []  # (tag, offset of its '<')
        self.offsets: list[int] = []

    def feed_text(self, text: str) -> list[tuple[str, int]]:
        starts = [0]
        starts += [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.offsets = starts
        self.feed(text)
        self.close()
        return self.open

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.offsets[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _NEEDS_CLOSING:
            self.open.append((tag, self._offset()))

    def handle_startendtag(self, tag, attrs):
        pass  # <div/> closes itself

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def unclosed_tags(markdown: str) -> list[tuple[str, int]]:
    """(tag, offset) of each block-level tag that starts a block of `markdown` (at a line's start, first or after
    a blank line: where Python-Markdown takes it as raw HTML up to its closing tag) and is never closed, outside
    code. An unclosed tag inside a paragraph or a list stays inline; the sanitiser closes it."""
    blanked = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    if "<" not in blanked:
        return []
    return [(tag, offset) for tag, offset in _OpenTags().feed_text(blanked) if _starts_block(blanked, offset)]


def _starts_block(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    if line_start != offset:
        return False
    return line_start == 0 or not text[:line_start - 1].rsplit("\n", 1)[-1].strip()


def _mappings(value):
    """Every mapping in a document, however nested (steps, items, roles and phases of the catalogs)."""
    if isinstance(value, LocDict):
        yield value
        value = value.values()
    if isinstance(value, (list, type({}.values()))):
        for item in value:
            if isinstance(item, (LocDict, list)):
                yield from _mappings(item)


def _fields(doc: Document):
    """(mapping, key, name to show) of every Markdown field of the document, variants included."""
    for mapping in _mappings(doc.data):
        for key in MARKDOWN_FIELDS:
            if isinstance(mapping.get(key), str):
                yield mapping, key, key
        variants = mapping.get("variants")
        if isinstance(variants, LocDict):
            for segment, text in variants.items():
                if isinstance(text, str):
                    yield variants, segment, f"variants.{segment}"


def check_file(doc: Document) -> list[Problem]:
    """Unclosed block tags in one file's Markdown (a rule of the file alone: kept per file)."""
    if not isinstance(doc.data, LocDict):
        return []
    problems = []
    for mapping, key, name in _fields(doc):
        for tag, offset in unclosed_tags(mapping[key]):
            line, col = mapping.where_in_text(key, offset)
            problems.append(Problem(doc.path, line, col, "unclosed-html",
                                    f"<{tag}> is never closed in {name}: the rest of the page would show as raw HTML",
                                    f"close it with </{tag}> in the same field"))
    return problems
