"""Raw HTML left open in a Markdown field: Python-Markdown reads everything after an unclosed block tag at a
line's start as raw HTML, to the end of the page, so every later step showed as literal text and the build
then failed on "anchors not found" far from the cause. Reported at the opening tag instead.

Python-Markdown itself decides: the field is converted with a probe paragraph after it, and only a field
whose probe does not come out as a paragraph is reported. Fields a page indents into a container (trigger
and goal in admonitions, variants in tabs) or puts inside a list item (checklist text) are closed by the
sanitiser there, so only the fields a page shows at its top level are read.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from html.parser import HTMLParser

from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem

CODES = ("unclosed-html",)
# Markdown fields a page puts at its top level (the others are indented into a container or a list item)
TOP_LEVEL_FIELDS = ("summary", "body", "description", "a")
_PROBE = "csopsendprobe"
# A tag at a line's start (up to three spaces in): the only place raw HTML can start a block
_LINE_START_TAG = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9]*)", re.MULTILINE)
# A fence opening a line (up to three spaces in), and a line that only closes one; one-line code spans (a span across
# lines does not hide a tag at a line's start from Markdown)
_FENCE_OPENS = re.compile(r" {0,3}(`{3,}|~{3,})")
_FENCE_CLOSES = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
# HTML's void elements, which have no end tag (sanitised_pieces.py counts open elements with them too)
VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())


@lru_cache(maxsize=1)
def _markdown():
    import markdown  # only when a field has a tag at a line's start

    from ..markdown_extensions import REQUIRED_EXTENSIONS

    # the build's own set (not md_in_html, which the build leaves out): a <div markdown="1"> left open is
    # plain raw HTML there, so it must be here too
    extensions = {name: config for name, config in REQUIRED_EXTENSIONS.items() if name != "generator.glossary_abbr"}
    return markdown.Markdown(extensions=list(extensions), extension_configs=extensions)


def swallows_what_follows(text: str) -> bool:
    """Would a page read everything after this field as raw HTML?"""
    converter = _markdown()
    converter.reset()
    return f"<p>{_PROBE}</p>" not in converter.convert(f"{text}\n\n{_PROBE}\n")


class _OpenTags(HTMLParser):
    """Tags opened and not closed, with the offset of each '<'."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            line, col = self.getpos()
            self.open.append((tag, self.starts[line - 1] + col))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def culprit(text: str) -> tuple[str, int]:
    """The tag to blame in a field that swallows what follows: the first left open at a line's start, else the
    first tag at a line's start."""
    original, text = text, _without_code(text)  # a fence opens no tag
    line_starts = {m.start(1) - 1: m.group(1).lower() for m in _LINE_START_TAG.finditer(text)}
    for tag, offset in _OpenTags(text).open:
        if offset in line_starts:
            return tag, offset
    if line_starts:
        offset = min(line_starts)
        return line_starts[offset], offset
    found = _LINE_START_TAG.search(original)  # Markdown pairs fences otherwise than this module: blame the tag
    return found.group(1).lower(), found.start(1) - 1


def _without_code(text: str) -> str:
    """`text` with fenced blocks (closed by a line of the same fence) and one-line code spans blanked, offsets kept.

    Read line by line: the one pattern that did this tried every fence left open against all the text after it, and
    a body of 30,000 such lines kept validate busy for minutes."""
    lines = text.split("\n")
    closing: dict[str, list[int]] = {}  # a fence -> the lines that are that fence alone, in order
    for number, line in enumerate(lines):
        alone = _FENCE_CLOSES.fullmatch(line)
        if alone:
            closing.setdefault(alone[1], []).append(number)
    number = 0
    while number < len(lines):
        opened = _FENCE_OPENS.match(lines[number])
        closed = None
        if opened:  # the longest fence first, then shorter ones (```` may open a ``` block), as the pattern tried
            for length in range(len(opened[1]), 2, -1):
                later = closing.get(opened[1][:length], [])
                at = bisect.bisect_right(later, number)
                if at < len(later):
                    closed = later[at]
                    break
        if closed is not None:
            start = opened.start(1)
            lines[number] = lines[number][:start] + " " * (len(lines[number]) - start)
            for inside in range(number + 1, closed):
                lines[inside] = " " * len(lines[inside])
            closing_line = lines[closed]
            end = _FENCE_CLOSES.fullmatch(closing_line).end()
            lines[closed] = " " * end + closing_line[end:]
            number = closed + 1
            continue
        lines[number] = _CODE_SPAN.sub(lambda m: " " * len(m.group()), lines[number])
        number += 1
    return "\n".join(lines)


def _fields(value):
    """(mapping, key) of every top-level Markdown field in a document, however nested (catalogs included)."""
    if isinstance(value, LocDict):
        for key in TOP_LEVEL_FIELDS:
            if isinstance(value.get(key), str):
                yield value, key
        value = value.values()
    if isinstance(value, (list, type({}.values()))):
        for item in value:
            if isinstance(item, (LocDict, list)):
                yield from _fields(item)


def check_file(doc: Document) -> list[Problem]:
    """Top-level Markdown fields that leave raw HTML open (a rule of the file alone: kept per file)."""
    problems = []
    for mapping, key in _fields(doc.data):
        text = mapping[key]
        if not _LINE_START_TAG.search(text) or not swallows_what_follows(text):
            continue
        tag, offset = culprit(text)
        line, col = mapping.where_in_text(key, offset)
        problems.append(Problem(doc.path, line, col, "unclosed-html",
                                f"<{tag}> at the start of a line in {key} is never closed: the rest of the page "
                                "would show as raw HTML", f"close it with </{tag}> in the same field"))
    return problems
