"""Glossary hover definitions that also work in Japanese text (a Python-Markdown extension).

Python-Markdown's `abbr` wraps a term only between `\\b` word boundaries. In
「QBRを実施」 the letters R and を are both word characters, so no boundary
exists and Japanese pages never got their tooltips. This extension keeps
`abbr`'s syntax and output but only refuses a match when the neighbouring
character is an ASCII letter or digit: "CSM" still does not match inside
"CSMs", while 「CSMが」 and 「ヘルススコアを」 do.

A term is underlined once per section (its first use after an h1-h3 heading), never in a heading
and never as part of a Slack channel (`#renewals`): a page dotted with the same underline reads
as noise, and a channel name is not the glossary word. Code spans are never touched.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from markdown.extensions.abbr import AbbrBlockprocessor, AbbrExtension, AbbrTreeprocessor
from markdown.util import AtomicString

from .term_matching import terms_regex

# Python-Markdown leaves placeholders in the text until the end: \x02wzxhzdk:N\x03 for each inline raw-HTML tag
# and \x02 + a character code + \x03 for each backslash escape. A term never matches inside one (a synonym
# "35" ate the '#' of an escaped \#), nor between a raw <a …> and its </a>, nor in a Slack channel (#cs-renewals).
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")
_STASHED_TAG = re.compile("\x02wzxhzdk:([0-9]+)\x03")
_CHANNEL = re.compile(r"#[\w-]+")


class GlossaryTreeprocessor(AbbrTreeprocessor):
    def run(self, root):
        if not self.abbrs:
            return
        # terms and text compared composed (NFC), as a reader sees them alike: ガイド pasted decomposed (カ and a
        # combining ゛, as macOS file names and some PDFs hold it) got no hover, a term so written none anywhere
        # (a dict of this page's: self.abbrs is the extension's, which the block processor fills for the next page)
        self.terms = {unicodedata.normalize("NFC", term): title for term, title in self.abbrs.items()}
        self.RE = terms_regex(self.terms)
        self.iter_element(root)
        keep_first_use_per_section(root)

    def _shielded(self, text: str) -> list[tuple[int, int]]:
        """Spans of `text` no term may start in: placeholders, channels, and raw-HTML link text."""
        spans = [m.span() for m in _PLACEHOLDER.finditer(text)] + [m.span() for m in _CHANNEL.finditer(text)]
        opened = None
        for m in _STASHED_TAG.finditer(text):
            stashed = self.md.htmlStash.rawHtmlBlocks[int(m.group(1))]
            tag = stashed.lower() if isinstance(stashed, str) else ""
            if opened is None and re.match(r"<a[\s>]", tag):
                opened = m.start()
            elif opened is not None and tag.startswith("</a"):
                spans.append((opened, m.end()))
                opened = None
        if opened is not None:
            spans.append((opened, len(text)))
        return spans

    def _wrap(self, text: str, insert) -> str:
        """Wrap each term of `text` that no shielded span holds, from the end; returns the text before them (the
        text composed, NFC: it reads the same)."""
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        shielded = _Shield(self._shielded(text) if "\x02" in text or "#" in text else [])
        for m in reversed(list(self.RE.finditer(text))):
            if self.terms[m.group(0)] and not shielded.holds(m.start()):
                insert(self.create_element(self.terms[m.group(0)], m.group(0), text[m.end():]))
                text = text[:m.start()]
        return text

    def iter_element(self, el, parent=None, index: int = 0) -> None:
        """AbbrTreeprocessor.iter_element, with matches in shielded spans left alone. `index`: where `el` sits in
        `parent`, passed down rather than looked up: finding each child by a scan of its siblings took a page of
        4 steps of 6,000 short paragraphs 14 s (every child of the page is a sibling), a page of 50 steps hours."""
        for position in reversed(range(len(el))):  # from the end: terms wrapped after a child shift only later ones
            self.iter_element(el[position], el, position)
        if el.text and not isinstance(el.text, AtomicString):
            el.text = self._wrap(el.text, lambda abbr: el.insert(0, abbr))
        if parent is not None and el.tail and not isinstance(el.tail, AtomicString):
            el.tail = self._wrap(el.tail, lambda abbr: parent.insert(index + 1, abbr))


class _Shield:
    """Spans no term may start in, asked in a binary search: each term checked against every span took a body of
    2,700 '#channel CSM' Markdown 3.8 s."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.starts: list[int] = []
        self.ends: list[int] = []  # the spans merged where they overlap, in order
        for start, end in sorted(spans):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def holds(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


_SECTION = {"h1", "h2", "h3"}
# Definitions' characters a page's hovers hold, summed: each hover writes its term's whole definition into the page,
# so 3,000 steps of 'QQ' under a 19,000-character definition (142 kB of content) made a 59 MB page built in 583 MB,
# and a 1 MB file gigabytes. Past it a term reads as text. The bundled pages' most is 6,329 (the glossary's).
MAX_HOVER_TEXT = 100_000
_NO_TERMS = {"h1", "h2", "h3", "h4", "h5", "h6", "a"}


def keep_first_use_per_section(root) -> None:
    """Unwrap every <abbr> but a term's first in its section, and any inside a heading or link; and a term
    in the section its definition opens (the glossary's own entry: hovering "main contact" under Champion
    would show the paragraph just read); and every one after the page's hovers hold MAX_HOVER_TEXT."""
    parents = {child: parent for parent in root.iter() for child in parent}
    unwrapped: dict = {}  # parent -> its abbrs to unwrap, all at once (one at a time, each a scan of its siblings)
    seen: set[str] = set()
    hover_text = 0
    opening, awaiting_opening = None, False
    for element in list(root.iter()):
        if element.tag in _SECTION:
            seen, opening, awaiting_opening = set(), None, True
        elif awaiting_opening and element.tag == "p":
            opening, awaiting_opening = " ".join("".join(element.itertext()).split()), False
        if element.tag != "abbr":
            continue
        if opening is not None and " ".join((element.get("title") or "").split()) == opening:
            unwrapped.setdefault(parents[element], set()).add(element)
            continue
        ancestor, inside = parents.get(element), False
        while ancestor is not None:
            if ancestor.tag in _NO_TERMS:
                inside = True
                break
            ancestor = parents.get(ancestor)
        if inside or element.text in seen or hover_text > MAX_HOVER_TEXT:
            unwrapped.setdefault(parents[element], set()).add(element)
        else:
            seen.add(element.text)
            hover_text += len(element.get("title") or "")
    for parent, abbrs in unwrapped.items():
        _unwrap(parent, abbrs)


def _unwrap(parent, abbrs: set) -> None:
    """`parent` with each of `abbrs` (its children) replaced by its text, in one pass over its children."""
    kept = []
    for child in parent:
        if child not in abbrs:
            kept.append(child)
            continue
        text = (child.text or "") + (child.tail or "")
        if kept:
            kept[-1].tail = (kept[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    parent[:] = kept


class GlossaryAbbrExtension(AbbrExtension):
    """Replaces `abbr`'s processors under the same names, so the two never both wrap a term."""

    def extendMarkdown(self, md):
        if self.config["glossary"][0]:
            self.load_glossary(self.config["glossary"][0])
        self.abbrs.update(self.glossary)
        md.registerExtension(self)
        md.treeprocessors.register(GlossaryTreeprocessor(md, self.abbrs), "abbr", 7)
        md.parser.blockprocessors.register(AbbrBlockprocessor(md.parser, self.abbrs), "abbr", 16)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return GlossaryAbbrExtension(**kwargs)
